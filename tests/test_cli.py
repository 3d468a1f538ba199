"""The command line through CliRunner: data on stdout, one-line messages on stderr, documented exit codes."""

import csv
import io
import json
import re

import pytest
from click.shell_completion import ShellComplete

from cold_war_cli.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_events_json_is_an_array_of_full_records(run):
    result = run("events", "--from", "1959", "--to", "1961", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows][0] == "cuban-revolution-victory"
    first = rows[0]
    assert {"id", "date", "label", "start", "end", "precision", "certainty", "partial", "title", "summary", "actors",
            "places", "tags", "sources", "notes", "alt_dates"} <= set(first)
    assert first["start"] == first["end"] == "1959-01-01"
    assert first["sources"][0] == {
        "id": "oh-milestones", "title": "Milestones in the History of U.S. Foreign Relations",
        "author": "U.S. Department of State, Office of the Historian", "year": 2016, "type": "web-page",
        "quality": "official-history", "container": None,
        "url": "https://history.state.gov/milestones", "locator": "1953-1960/cuba"}
    assert first["actors"][0] == {"id": "castro", "name": "Fidel Castro"}


def test_partial_overlap_is_marked_in_json(run):
    rows = json.loads(run("events", "--on", "1960-10", "--json").stdout)
    assert {r["id"]: r["partial"] for r in rows} == {"sino-soviet-split": True, "late-1960": True, "sixties": True}


def test_empty_result_is_an_empty_array_and_status_zero(run):
    result = run("events", "--on", "1800", "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_json_keeps_non_ascii_as_utf8(run):
    rows = json.loads(run("who", "gomulka", "--json").stdout)
    assert rows["name"] == "Władysław Gomułka"
    assert "Gomułka" in run("who", "gomulka", "--json").stdout


def test_nl_gives_one_object_per_line(run):
    lines = run("events", "--nl").stdout.splitlines()
    assert len(lines) == 7
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_csv_has_a_header_and_one_row_per_event(run):
    rows = list(csv.DictReader(io.StringIO(run("events", "--csv", "--tag", "cuba").stdout)))
    assert [r["id"] for r in rows] == ["cuban-revolution-victory", "operation-mongoose"]
    assert rows[0]["actors"] == "castro; cuba"
    assert rows[0]["sources"] == "oh-milestones (1953-1960/cuba)"


def test_piped_default_is_plain_one_record_per_line(run):
    result = run("events", "--from", "1961")
    lines = result.stdout.splitlines()
    assert lines == [
        "1960-01-01\t1969-12-31\tsixties\tpartial\tA decade-long trend",
        "1961-06-03\t1961-06-04\tvienna-summit\tfull\tVienna summit",
        "1961-11-30\t1961-11-30\toperation-mongoose\tfull\tOperation Mongoose authorized",
    ]
    assert "┃" not in result.stdout and "\x1b" not in result.stdout


def test_terminal_default_is_a_table(run, as_terminal):
    result = run("events", "--from", "1961", env={"COLUMNS": "100"})
    assert "┃" in result.stdout and "Vienna summit" in result.stdout
    assert all(len(ANSI.sub("", line)) <= 100 for line in result.stdout.splitlines())


def test_terminal_table_is_coloured_unless_no_color(run, as_terminal):
    assert "\x1b[" in run("events", env={"COLUMNS": "100"}).stdout
    assert "\x1b[" not in run("events", env={"COLUMNS": "100", "NO_COLOR": "1"}).stdout


def test_forced_table_in_a_pipe_fits_the_width_and_has_no_colour(run):
    result = run("events", "--table", env={"COLUMNS": "60"})
    assert "┃" in result.stdout and "\x1b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 60


def test_table_shows_dataset_text_literally(run):
    result = run("events", "--table", "--on", "1953", env={"COLUMNS": "120"})
    assert "Beria shot [sic]" in result.stdout


def test_table_marks_partial_matches(run):
    result = run("events", "--table", "--on", "1960-10", env={"COLUMNS": "120"})
    assert "≈ 1960" in result.stdout and "late 1960" in result.stdout


def test_last_format_flag_wins(run):
    assert run("events", "--csv", "--json").stdout.startswith("[")


@pytest.mark.parametrize("args", [
    ["events", "--from", "banana"],
    ["events", "--to", "1962-13-01"],
    ["events", "--from", "61"],
    ["events", "--from", "1962", "--to", "1961"],
    ["events", "--on", "1962", "--from", "1961"],
    ["events", "--sort", "middle"],
    ["events", "--limit", "-1"],
    ["events", "--frm", "1959"],
    ["evnts"],
])
def test_usage_errors_are_one_line_on_stderr_with_status_2(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr


def test_a_bad_date_message_lists_the_accepted_forms(run):
    result = run("events", "--from", "banana")
    assert "Invalid value for '--from'" in result.stderr and "'Oct 27, 1962'" in result.stderr


def test_unknown_actor_is_a_failed_lookup_not_an_empty_list(run):
    result = run("events", "--actor", "castrol-x")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: no actor matches 'castrol-x'")


def test_actor_filter_accepts_aliases_and_repeats(run):
    rows = json.loads(run("events", "-a", "JFK", "-a", "Chruschtschow", "--json").stdout)
    assert [r["id"] for r in rows] == ["vienna-summit"]


def test_misspelt_actor_resolves_with_a_note_on_stderr(run):
    result = run("who", "khruschev", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "khrushchev"
    assert "khruschev" in result.stderr and "Nikita Khrushchev" in result.stderr


def test_who_json_has_roles_and_events(run):
    card = json.loads(run("who", "khrushchev", "--json").stdout)
    assert card["roles"][0] == {"title": "First Secretary of the Communist Party of the Soviet Union",
                                "start": "1953-09-07", "end": "1964-10-14", "sources": []}
    assert [e["id"] for e in card["events"]] == ["sino-soviet-split", "vienna-summit"]


def test_who_table_shows_the_card(run):
    out = run("who", "khrushchev", "--table", env={"COLUMNS": "120"}).stdout
    for text in ("Nikita Khrushchev", "1894-04-15 to 1971-09-11", "Chruschtschow", "First Secretary",
                 "1958-03-27", "Vienna summit"):
        assert text in out


def test_who_plain_is_one_tagged_record_per_line(run):
    lines = run("who", "kennedy").stdout.splitlines()
    assert lines[0] == "id\tkennedy"
    assert "role\t1961-01-20\t1963-11-22\tPresident of the United States" in lines
    assert lines[-1].startswith("event\t1961-11-30\t1961-11-30\toperation-mongoose")


def test_ambiguous_name_lists_candidates(run):
    result = run("who", "F")
    assert result.exit_code == 1 and "could mean several actors" in result.stderr


def test_data_option_and_environment_variable(run, tmp_path, mini_raw):
    mini_raw["events"] = mini_raw["events"][:1]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    assert len(json.loads(run("events", "--json", data=path).stdout)) == 1
    from_env = run("events", "--json", data=None, env={"CWC_DATA": str(path)})
    assert len(json.loads(from_env.stdout)) == 1


@pytest.mark.parametrize("content, expected", [
    (None, "data file not found"),
    ('{"schema_version": 1,', "line 1, column 22"),
    (b"\xc0\xc1", "not UTF-8"),
])
def test_bad_data_files_are_one_line_and_status_1(run, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run("events", data=path)
    assert result.exit_code == 1 and result.stdout == ""
    assert expected in result.stderr and str(path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_validate_passes_a_good_file(run):
    result = run("validate", str(__import__("tests.conftest").conftest.MINI))
    assert result.exit_code == 0 and result.stdout == "" and "OK" in result.stderr


def test_validate_lists_problems_and_fails(run, tmp_path, mini_raw):
    mini_raw["events"][0]["actors"] = ["ghost"]
    del mini_raw["events"][1]["sources"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(mini_raw))
    result = run("validate", path)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2
    assert "unknown actor 'ghost'" in result.stdout and "missing required field 'sources'" in result.stdout
    assert result.stderr.strip() == f"Error: {path}: 2 problems found"


def test_help_leads_with_examples_and_h_works(run):
    for args in (["--help"], ["-h"], ["events", "-h"], ["who", "--help"], ["validate", "-h"]):
        result = run(*args, data=None)
        assert result.exit_code == 0
        assert "Examples:" in result.stdout.split("Options:")[0]


def test_version_comes_from_package_metadata(run):
    from importlib.metadata import version

    assert run("--version", data=None).stdout.strip().endswith(version("cold-war-cli"))


def test_shell_completion_of_actor_names(monkeypatch):
    from tests.conftest import MINI

    monkeypatch.setenv("CWC_DATA", str(MINI))
    complete = ShellComplete(cli, {}, "cwc", "_CWC_COMPLETE")
    assert [c.value for c in complete.get_completions(["who"], "khr")] == ["khrushchev"]
    # No id begins with 'J': the names and aliases that do are offered (an id would cut the typed word short).
    assert [c.value for c in complete.get_completions(["events", "--actor"], "J")] == \
           ["JFK", "Jack Kennedy", "John F. Kennedy"]
    assert "--from" in [c.value for c in complete.get_completions(["events"], "--fr")]
