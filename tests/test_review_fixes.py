"""Regressions from the outside review (hardening, round two): each of these failed before its fix."""

from click.testing import CliRunner

from cold_war_cli.cli import cli
from cold_war_cli.text import fold
from tests.conftest import MINI


def test_stats_limit_limits_rows_not_the_events_counted(run):
    full = run("stats", "--by", "actor", "--plain").stdout.splitlines()
    limited = run("stats", "--by", "actor", "--plain", "--limit", "2").stdout.splitlines()
    assert limited == full[:2] and len(full) > 2


def test_show_finds_an_id_typed_in_capitals(run):
    assert run("show", "Vienna-Summit", "--plain").stdout == run("show", "vienna-summit", "--plain").stdout
    assert run("show", "VIENNA-SUMMIT", "--json").exit_code == 0


def test_the_events_table_shows_each_events_id(run):
    out = run("events", "--on", "1961", "--table", env={"COLUMNS": "100"}).stdout
    assert "vienna-summit" in out and "operation-mongoose" in out


def test_at_80_columns_the_date_column_leaves_the_event_column_room(run):
    from rich.cells import cell_len

    out = run("events", "--table", env={"COLUMNS": "80"}).stdout
    header = next(line for line in out.splitlines() if "Date" in line and "Event" in line)
    cells = header.split("┃")[1:-1]
    assert cell_len(cells[0]) <= 15 and cell_len(cells[1]) >= 2 * cell_len(cells[0]), cells


def test_data_and_color_are_accepted_after_the_command_too(run, write_dataset, mini_raw):
    mini_raw["events"][0]["title"] = "Only in the other file"
    other = write_dataset(mini_raw)
    after = CliRunner().invoke(cli, ["events", "--plain", "--data", str(other)])
    before = CliRunner().invoke(cli, ["--data", str(other), "events", "--plain"])
    assert after.exit_code == 0 and after.stdout == before.stdout and "Only in the other file" in after.stdout
    coloured = CliRunner().invoke(cli, ["--data", str(MINI), "events", "--table", "--color", "always"])
    assert "\x1b[" in coloured.stdout
    plain = CliRunner().invoke(cli, ["--color", "always", "--data", str(MINI), "events", "--table", "--color",
                                     "never"])
    assert "\x1b[" not in plain.stdout  # the later one wins
    checked = CliRunner().invoke(cli, ["validate", "--data", str(other)])
    assert checked.exit_code == 0 and str(other) in checked.stderr


def _complete(words: str) -> list[str]:
    result = CliRunner().invoke(cli, [], prog_name="cwc", env={
        "_CWC_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)})
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line.startswith("plain,")]


def test_completion_never_offers_what_would_cut_the_typed_word_short():
    """A shell replaces the word with the candidates' common prefix: each must begin with the word."""
    for word in ("cast", "Cast", "khr", "ken", "chrusch", "fidel", "Ники"):
        offered = _complete(f"cwc --data {MINI} events --actor {word}")
        assert offered, word
        assert all(fold(value).startswith(fold(word)) for value in offered), (word, offered)
