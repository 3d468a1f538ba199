from cold_war_cli.cli import run

run()
