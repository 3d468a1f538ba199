from cold_war_cli.cli import cli

cli(prog_name="cwc")
