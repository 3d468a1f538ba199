"""The command line fuzzed through CliRunner: generated argument lists (real option names, valid and hostile values,
random text and unicode), generated environments, and generated dataset files, valid and broken in many ways.

Whatever comes in, every run ends with status 0, 1 or 2 and never an uncaught exception; a failure is exactly one
line on stderr starting 'Error: ' (bare `cwc`, which prints help, is the one exception) and never a traceback; and
when a run asked for --json or --nl and succeeded, stdout parses.

Real argv cannot hold NUL bytes, so generated arguments leave them out.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cold_war_cli.cli import cli

COMMANDS = {name: cli.get_command(None, name) for name in cli.list_commands(None)}  # lazy ones too
from cold_war_cli.schema import CONTROL
from tests.conftest import MINI

MINI_RAW = json.loads(MINI.read_text(encoding="utf-8"))
LISTING = {"events", "who", "show", "today", "actors", "tags", "stats"}
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "a-directory").mkdir()
    return folder


# ===================================================================================== values

no_nul = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
junk = st.text(alphabet=no_nul, max_size=20)
unicode_words = st.sampled_from(["Хрущёв", "Chruschtschow", "Gomułka", "שלום", "مرحبا", "🇨🇺", "\u202eevil", "ǅ", "ß",
                                 "İstanbul", "ﬁ", "\u0301", "١٩٦٢", "𝟏𝟗𝟔𝟐", "٢٧ أكتوبر ١٩٦٢"])
hostile_words = st.sampled_from(["[bold]", "[/]", "[sic]", ":smile:", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x9b",
                                 "a" * 300, "-", "--", "--json", "-h", ";", "'", '"', "\\", "%s", "{}", "\t", "\n",
                                 "\r", " ", ""])

good_dates = st.one_of(
    st.integers(1000, 2999).map(str),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1945, 1991), st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(1945, 1991), st.integers(1, 12), st.integers(1, 28)),
    st.sampled_from(["1960s", "1950's", "March 1958", "27 October 1962", "Oct 27, 1962", "27th of October 1962",
                     "sept 1961", "the 1st of may 1960", "FEBRUARY 29, 1960", "1962-10", "1959", "1991-12-31"]),
)
bad_dates = st.sampled_from([
    "61", "1962-13-01", "1962-02-30", "1961-02-29", "Oct 16-28 1962", "03/04/1961", "1962/1963", "", "   ",
    "yesterday", "2 weeks ago", "1960s-1970s", "0000", "0000-01-01", "9999", "9999-12-31", "0001-01-01", "0001",
    "19620", "+1962", "-1962", "1962T00", "1962-1-1", "c. 1962", "summer 1956", "196X", "1962?", "Q3 1962",
    "noon 1962", "32 October 1962", "Octember 1962", "1962 1963", "NA", "on:", "—", "١٩٦٢", "𝟏𝟗𝟔𝟐-10"])
dates = st.one_of(good_dates, bad_dates, junk, unicode_words, hostile_words)
names = st.one_of(st.sampled_from(["khrushchev", "Nikita Khrushchev", "JFK", "castro", "Fidel Castro", "kennedy",
                                   "gomulka", "Gomulka", "cuba", "Хрущёв", "Chruschtschow", "robert-kennedy", "nobody",
                                   "Kennedy"]), junk, unicode_words, hostile_words)
words = st.one_of(st.sampled_from(["berlin", "cuba", "Vienna", "summit", "premier", "secretary of state", "president",
                                   "soviet", "1962", "trend"]), junk, unicode_words, hostile_words)
tags = st.one_of(st.sampled_from(["cuba", "summit", "purge", "covert-action", "sino-soviet", "revolution", "CUBA"]),
                 junk, hostile_words)
integers = st.one_of(st.integers(-5, 400).map(str), st.sampled_from(["0", "366", "367", "10" * 30, "-0", "1e3", "x",
                                                                      "", " 3", "٣", "3.5"]), junk)
fields = st.one_of(
    st.lists(st.sampled_from(["id", "title", "start", "end", "date", "partial", "actors", "sources", "notes",
                              "alt_dates", "tag", "count", "name", "kind", "roles", "on", "years_ago", "aliases",
                              "year", "decade", "actor", "events", "summary", "nope", ""]), min_size=1, max_size=5
             ).map(",".join),
    junk)
month_days = st.one_of(st.builds(lambda m, d: f"{m:02d}-{d:02d}", st.integers(0, 13), st.integers(0, 32)),
                       st.sampled_from(["02-29", "10-27", "1-1", "12-31", "13-01", "02-30", "1027", "10/27"]), junk)
choices = {
    "sort": st.sampled_from(["start", "end", "START", "middle", ""]),
    "by": st.sampled_from(["year", "decade", "tag", "actor", "century", ""]),
    "kinds": st.sampled_from(["person", "state", "organization", "group", "robot", "PERSON"]),
    "color": st.sampled_from(["auto", "always", "never", "sometimes", ""]),
    "export_format": st.sampled_from(["ics", "timelinejs", "csv", "markdown", "pdf", "ICS"]),
    "shell": st.sampled_from(["bash", "zsh", "fish", "powershell", "tcsh"]),
}
event_ids = st.one_of(st.sampled_from(["vienna-summit", "beria-executed", "sixties", "late-1960", "viena",
                                       "cuban-revolution", "operation-mongoose", "sino-soviet-split"]), junk, hostile_words)


def value_strategy(param: click.Parameter, workdir: Path):
    name = param.name
    if name in ("from_", "to", "on"):
        return dates
    if name in ("actors", "name"):
        return names
    if name in ("keywords", "role"):
        return words
    if name == "tags":
        return tags
    if name in ("limit", "after", "before"):
        return integers
    if name == "fields":
        return fields
    if name == "month_day":
        return month_days
    if name in choices:
        return st.one_of(choices[name], junk)
    if name == "event_id":
        return event_ids
    if name in ("output", "svg"):
        # Only ever a place inside the test's own folder (a generated name once wrote an SVG into the checkout).
        return st.sampled_from([str(workdir / "out.txt"), str(workdir / "a-directory"),
                                str(workdir / "missing" / "out.ics"), ""])
    if name == "path":
        return st.sampled_from([str(MINI), str(workdir / "nope.json"), str(workdir / "a-directory"), ""])
    return junk


# ===================================================================================== argument lists


def _pieces(command: click.Command, workdir: Path):
    """One option (with its value when it takes one), one positional argument, or (rarely) junk."""
    options = []
    for param in command.params:
        if isinstance(param, click.Option):
            takes_value = not (param.is_flag or param.count)
            for opt in param.opts + param.secondary_opts:
                if takes_value:
                    options.append(value_strategy(param, workdir).map(lambda v, opt=opt: [opt, v]))
                else:
                    options.append(st.just([opt]))
        else:
            options.append(value_strategy(param, workdir).map(lambda v: [v]))
    options.append(st.sampled_from([["--fields"], ["-h"], ["--bogus"], ["--jsn"], ["--from"]]))
    return st.one_of(*options)


@st.composite
def argument_lists(draw, workdir: Path, data: str | None, structured: bool):
    """argv for cwc, and whether it is 'structured' (every option got its value, so the last flag is real)."""
    argv: list[str] = []
    if data is not None:
        argv += ["--data", data]
    if draw(st.integers(0, 4)) == 0:
        argv += ["--color", draw(st.one_of(choices["color"], junk))]
    name = draw(st.sampled_from(sorted(COMMANDS) + ["evnts", "", "--version", "-h", "help"]))
    if name not in COMMANDS:
        return argv + ([name] if name else []), False
    argv.append(name)
    command = COMMANDS[name]
    for piece in draw(st.lists(_pieces(command, workdir), max_size=6)):
        argv += piece
    if not structured and draw(st.booleans()):
        argv.insert(draw(st.integers(len(argv) - 1, len(argv))), draw(st.one_of(junk, hostile_words, unicode_words)))
    if structured and name in LISTING and draw(st.booleans()):
        argv.append(draw(st.sampled_from(["--json", "--nl"])))
    return argv, structured


environments = st.fixed_dictionaries({}, optional={
    "NO_COLOR": st.sampled_from(["", "1", "0"]),
    "FORCE_COLOR": st.sampled_from(["", "0", "1", "false", "3"]),
    "COLUMNS": st.sampled_from(["", "0", "-3", "abc", "5", "20", "40", "80", "300"]),
    "LINES": st.sampled_from(["", "0", "3", "100"]),
    "TERM": st.sampled_from(["dumb", "xterm-256color", "unknown", ""]),
    "CWC_TODAY": st.sampled_from(["1989-11-09", "1962-10-27", "2024-02-29", "2023-02-28", "2023-02-29", "1989-13-01",
                                  "x", "", "1989-11-9", "0000-01-01", "١٩٨٩-١١-٠٩", "1970-06-15"]),
    "SOURCE_DATE_EPOCH": st.sampled_from(["0", "1700000000", "", "abc", "-1", "1.5"]),
    "PAGER": st.sampled_from(["cat", "false", "/nonexistent/pager", ""]),
})


def check(result, argv: list[str], structured: bool = False) -> None:
    """The contract every run keeps, whatever it was given."""
    described = f"argv={argv!r}\nstdout={result.stdout[:500]!r}\nstderr={result.stderr[:500]!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (repr(result.exception), described)
    assert result.exit_code in (0, 1, 2), described
    assert "Traceback" not in result.stderr, described
    if result.exit_code != 0:
        if argv in ([], ["--data", str(MINI)]) and result.stderr.startswith("Usage:"):
            return  # bare cwc prints its help
        lines = result.stderr.rstrip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("Error: "), described
        return
    command = next((a for a in argv if a in COMMANDS), None)
    if not structured or command not in LISTING or not argv or argv[-1] not in ("--json", "--nl"):
        return
    if {"--fields", "-h", "--help", "--version"} & set(argv):
        return
    takes_value = {name for param in COMMANDS[command].params if isinstance(param, click.Option)
                   and not param.is_flag and not param.count for name in param.opts}
    if argv[-2] in takes_value:
        return  # `--tag --json`: the last word is the tag, not a format
    if argv[-1] == "--json":
        json.loads(result.stdout)
    else:  # NDJSON: records end with \n (a U+2028 inside a string is not a line break here)
        for line in result.stdout.split("\n")[:-1]:
            assert isinstance(json.loads(line), dict), described


def invoke(argv, env=None):
    return CliRunner().invoke(cli, argv, env=env or {})


# ===================================================================================== the fuzz tests


@pytest.mark.parametrize("argv", [[], ["--data", str(MINI)], ["--data", str(MINI), "events", "--json"],
                                  ["--data", str(MINI), "evnts"], ["--version"], ["--data", str(MINI), "who"],
                                  ["--data", str(MINI), "events", "--from"], ["--color", "sometimes", "events"]])
def test_fixed_cases_keep_the_contract(argv):
    result = invoke(argv)
    check(result, argv, structured=True)
    if argv == []:
        assert result.exit_code == 2 and result.stderr.startswith("Usage:") and "events" in result.stderr
    if argv[-1:] == ["--json"]:
        assert len(json.loads(result.stdout)) == 7


@FUZZ
@given(data=st.data())
def test_generated_arguments_on_the_mini_dataset(workdir, data):
    argv, structured = data.draw(argument_lists(workdir, str(MINI), structured=data.draw(st.booleans())))
    env = data.draw(environments)
    check(invoke(argv, env), argv, structured)


@FUZZ
@given(data=st.data())
def test_generated_arguments_with_the_data_path_fuzzed_too(workdir, data):
    path = data.draw(st.one_of(st.sampled_from([str(MINI), str(workdir / "nope.json"), str(workdir / "a-directory"),
                                                "", "-", ".", "/", "/dev/null"]), junk))
    argv, structured = data.draw(argument_lists(workdir, path, structured=True))
    env = data.draw(st.one_of(st.just({}), st.just({"CWC_DATA": str(MINI)}), st.just({"CWC_DATA": "/nonexistent"})))
    check(invoke(argv, env), argv, structured)


@FUZZ
@given(data=st.data())
def test_structured_json_runs_that_succeed_print_json(workdir, data):
    argv, _ = data.draw(argument_lists(workdir, str(MINI), structured=True))
    command = next((a for a in argv if a in COMMANDS), None)
    assume(command in LISTING)
    takes_value = {opt for p in COMMANDS[command].params if isinstance(p, click.Option)
                   and not (p.is_flag or p.count) for opt in p.opts}
    if argv[-1] not in ("--json", "--nl") or argv[-2] in takes_value:  # `--keyword --json`: the value "--json"
        argv.append("--json")
    result = invoke(argv, data.draw(environments))
    check(result, argv, structured=True)
    if result.exit_code == 0 and not {"--fields", "-h", "--help"} & set(argv):
        if argv[-1] == "--json":
            assert isinstance(json.loads(result.stdout), (list, dict))  # never empty: [] at least
        else:
            assert all(isinstance(json.loads(line), dict) for line in result.stdout.split("\n")[:-1])


@FUZZ
@given(words=st.lists(st.one_of(unicode_words, hostile_words, junk), min_size=1, max_size=5), as_json=st.booleans())
def test_generated_search_queries_answer_or_fail_as_usage_errors(words, as_json):
    """Whatever is typed, search answers (exit 0, JSON when asked) or says the query has no words (exit 2): the
    words never reach SQLite's query syntax unquoted."""
    argv = ["--data", str(MINI), "search", *(["--json"] if as_json else []), "--", *words]
    result = invoke(argv, {})
    assert result.exit_code in (0, 2), (argv, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and "Error:" in result.stderr
    elif as_json:
        assert isinstance(json.loads(result.stdout), list)


DATE_COMMANDS = [
    lambda a, b: ["events", "--from", a, "--to", b, "--json"],
    lambda a, b: ["events", "--on", a, "--nl"],
    lambda a, b: ["events", "--from", a, "--strict", "--plain"],
    lambda a, b: ["events", "--to", b, "--table"],
    lambda a, b: ["stats", "--by", "decade", "--from", a, "--to", b, "--json"],
    lambda a, b: ["export", "ics", "--on", a],
    lambda a, b: ["export", "timelinejs", "--from", a, "--to", b],
    lambda a, b: ["who", "--role", "premier", "--on", a, "--json"],
    lambda a, b: ["events", "--on", a, "--from", b],
    lambda a, b: ["search", "summit", "--from", a, "--to", b, "--json"],
]


@FUZZ
@given(first=st.one_of(bad_dates, good_dates, dates), last=st.one_of(good_dates, dates),
       command=st.sampled_from(DATE_COMMANDS), env=environments)
def test_generated_dates_through_every_date_option(first, last, command, env):
    argv = ["--data", str(MINI), *command(first, last)]
    result = invoke(argv, env)
    check(result, argv, structured=True)
    if result.exit_code == 2:  # a date, or the environment (CWC_TODAY, SOURCE_DATE_EPOCH), was refused
        assert any(w in result.stderr for w in ("Invalid value for", "--from", "--on", "CWC_TODAY",
                                                 "SOURCE_DATE_EPOCH")), result.stderr
    elif result.exit_code == 0 and argv[-1] == "--json":
        json.loads(result.stdout)


REFUSED_DATES = ["61", "1962-13-01", "1962-02-30", "1961-02-29", "February 29, 1961", "32 October 1962",
                 "Oct 16-28 1962", "03/04/1961", "27/10/1962", "1962.10.27", "10-27-1962", "1962/1963", "1962 1963",
                 "1960s-1970s", "", "   ", "yesterday", "tomorrow", "2 weeks ago", "last year", "0000", "0000-01-01",
                 "19620", "1962T00", "1962-1-1", "1962-10-27T10:00", "Oct 27 62", "Octember 1962", "summer 1956",
                 "Q3 1962", "NA", "on:", "—"]


@pytest.mark.parametrize("option", ["--from", "--to", "--on"])
@pytest.mark.parametrize("value", REFUSED_DATES)
def test_dates_the_readme_refuses_are_one_line_usage_errors(option, value):
    argv = ["--data", str(MINI), "events", option, value]
    result = invoke(argv)
    check(result, argv)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith(f"Error: Invalid value for '{option}'"), result.stderr
    assert "YYYY-MM-DD" in result.stderr  # it says which forms are accepted


# ===================================================================================== generated datasets

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**100, 10**100), st.floats(allow_nan=True),
                         st.text(alphabet=no_nul, max_size=12), hostile_words,
                         st.text(alphabet="ab-1 \n\x1b[]:%?/X", max_size=8),
                         st.sampled_from(["kennedy", "oh-milestones", "narrative", "1962", "1962-10", "196X", "person"]))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def _paths(value, prefix=()):
    """Every path into a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


MINI_PATHS = [p for p in _paths(MINI_RAW) if p]


@st.composite
def broken_datasets(draw):
    """The mini dataset after one to four random edits: a value replaced, a key removed or added, a list emptied."""
    raw = copy.deepcopy(MINI_RAW)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(MINI_PATHS))
        parent = raw
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "replace", "delete", "add", "deep"]))
            if action == "replace":
                parent[path[-1]] = draw(json_values)
            elif action == "delete":
                del parent[path[-1]]
            elif action == "add" and isinstance(parent, dict):
                parent[draw(st.text(max_size=6))] = draw(json_values)
            elif action == "deep":
                value = draw(json_scalars)
                for _ in range(draw(st.integers(1, 400))):
                    value = [value]
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this path
    return raw


@st.composite
def dataset_files(draw):
    """Bytes of a dataset file: an edited mini dataset, random JSON, or broken text."""
    kind = draw(st.sampled_from(["edited", "edited", "edited", "random-json", "truncated", "bytes", "nested"]))
    if kind == "edited":
        raw = draw(broken_datasets())
        return json.dumps(raw, ensure_ascii=draw(st.booleans())).encode("utf-8")
    if kind == "random-json":
        return json.dumps(draw(json_values)).encode("utf-8")
    text = MINI.read_bytes()
    if kind == "truncated":
        return text[: draw(st.integers(0, len(text) - 1))]
    if kind == "bytes":
        position = draw(st.integers(0, len(text)))
        return text[:position] + draw(st.binary(min_size=1, max_size=8)) + text[position:]
    depth = draw(st.integers(1, 30_000))
    return b'{"schema_version": 1, "sources": ' + b"[" * depth + b"]" * depth + b', "actors": [], "events": []}'


LOADING_COMMANDS = [
    ["events", "--json"], ["events", "--table"], ["events", "--csv"], ["events", "--on", "1961"],
    ["who", "khrushchev", "--json"], ["who", "kennedy"], ["show", "vienna-summit", "--json"], ["show", "beria-executed"],
    ["today", "--date", "06-03", "--json"], ["actors", "--json"], ["tags"], ["stats", "--by", "actor"],
    ["export", "ics"], ["export", "timelinejs"], ["export", "markdown"], ["who", "--role", "president"],
    ["search", "khrushchev", "--json"], ["search", "summit"], ["cite", "vienna-summit"], ["sources", "--json"],
]


@FUZZ
@given(content=dataset_files(), args=st.sampled_from(LOADING_COMMANDS))
def test_generated_dataset_files_load_or_fail_with_one_line(workdir, content, args):
    path = workdir / "generated.json"
    path.write_bytes(content)
    argv = ["--data", str(path), *args]
    result = invoke(argv, {"SOURCE_DATE_EPOCH": "0"})
    check(result, argv, structured=True)
    assert result.exit_code in (0, 1), (argv, result.stderr)
    if result.exit_code == 1 and "data file" not in result.stderr and str(path) not in result.stderr:
        # A lookup in a loadable dataset may fail (an actor or event edited away), but then the data loaded.
        assert any(w in result.stderr for w in ("no actor", "no event", "nobody", "could mean")), result.stderr
    if result.exit_code == 0 and args[-1] == "--json":
        json.loads(result.stdout)
    if result.exit_code == 0 and args[-1] == "--csv":
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        assert len({len(row) for row in rows}) == 1


@FUZZ
@given(content=dataset_files())
def test_validate_agrees_with_loading(workdir, content):
    path = workdir / "validated.json"
    path.write_bytes(content)
    checked = invoke(["validate", str(path)])
    check(checked, ["validate", str(path)])
    loaded = invoke(["--data", str(path), "events", "--json"])
    check(loaded, ["--data", str(path), "events", "--json"])
    # validate refuses more than loading needs (README): a repeated key, a source cited nowhere
    beyond_loading = ("is cited nowhere", "duplicate key")
    only_hygiene = checked.exit_code == 1 and all(any(w in line for w in beyond_loading)
                                                  for line in checked.stdout.splitlines())
    if only_hygiene:
        assert loaded.exit_code == 0, loaded.stderr  # loading needs none of that
    else:
        assert (checked.exit_code == 0) == (loaded.exit_code == 0), (checked.stdout, loaded.stderr)
    if checked.exit_code == 1:
        problems = checked.stdout.splitlines()
        assert problems and all(line.startswith(f"{path}: ") for line in problems), checked.stdout
        assert only_hygiene or loaded.stderr.startswith("Error: ")


@st.composite
def valid_variants(draw):
    """Valid datasets with generated text and dates: every run on them must succeed or be a usage error."""
    raw = copy.deepcopy(MINI_RAW)
    # Valid text: anything the format accepts (not blank, no control character: see schema.CONTROL).
    text = st.text(alphabet=no_nul, min_size=1, max_size=30).filter(lambda s: s.strip() and not CONTROL.search(s))
    for event in raw["events"]:
        event["title"] = draw(st.one_of(text, hostile_words.filter(lambda s: s.strip() and not CONTROL.search(s))))
        event["summary"] = draw(text)
        event["places"] = draw(st.lists(text, max_size=2))
        event["notes"] = draw(st.lists(text, max_size=2))
        event["tags"] = draw(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True) | text, max_size=3))
    for actor in raw["actors"]:
        actor["name"] = draw(text)
        actor["aliases"] = draw(st.lists(text, max_size=2))
    return raw


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(raw=valid_variants(), data=st.data())
def test_valid_generated_datasets_never_fail_to_load(workdir, raw, data):
    path = workdir / "variant.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    argv, structured = data.draw(argument_lists(workdir, str(path), structured=True))
    result = invoke(argv, data.draw(environments))
    check(result, argv, structured)
    if result.exit_code != 0:  # whatever failed, it was not the (valid) data file
        assert "data file" not in result.stderr and f"{path}:" not in result.stderr, result.stderr
    for args in (["events", "--json"], ["events", "--nl"], ["events", "--csv"], ["events", "--plain"],
                 ["events", "--table"], ["tags", "--json"], ["actors", "--plain"]):
        result = invoke(["--data", str(path), *args], {"COLUMNS": "60"})
        assert result.exit_code == 0, (args, result.stderr)
        if args[-1] == "--json" and args[0] == "events":
            assert [r["title"] for r in json.loads(result.stdout)] == \
                   [e["title"] for e in sorted(raw["events"], key=_start_key)]
        if args[-1] == "--nl":  # NDJSON lines end with \n (U+2028 may stay raw inside a string)
            assert len(result.stdout.split("\n")) == len(raw["events"]) + 1
        if args[-1] == "--csv":
            assert len(list(csv.reader(io.StringIO(result.stdout, newline="")))) == len(raw["events"]) + 1
        if args[-1] == "--plain" and args[0] == "events":
            assert len(result.stdout.split("\n")) == len(raw["events"]) + 1


TABLE_COMMANDS = [["events"], ["events", "--on", "1960s"], ["who", "khrushchev"], ["show", "vienna-summit"],
                  ["actors"], ["tags"], ["stats", "--by", "tag"], ["stats", "--by", "actor"], ["today", "--date", "06-03"],
                  ["events", "--fields", "id,title,places,tags,notes"], ["who", "--role", "president"],
                  ["search", "summit"], ["sources"]]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(raw=valid_variants(), width=st.integers(1, 250), args=st.sampled_from(TABLE_COMMANDS))
def test_tables_of_generated_text_fit_any_width(workdir, raw, width, args):
    from rich.cells import cell_len

    path = workdir / "tables.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    result = invoke(["--data", str(path), *args, "--table"], {"COLUMNS": str(width), "FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    limit = max(width, 20)  # cwc never draws narrower than 20 columns
    for line in re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).split("\n"):
        assert cell_len(line) <= limit, (width, line)


@st.composite
def many_events(draw):
    """A valid dataset of up to 700 events (several snapshot chunks) with dates spread over centuries."""
    raw = copy.deepcopy(MINI_RAW)
    template = raw["events"][1]
    count = draw(st.integers(0, 700))
    seeds = draw(st.lists(st.tuples(st.integers(1000, 2999), st.integers(1, 12), st.integers(1, 28),
                                    st.sampled_from(["year", "month", "day", "decade", "interval"]),
                                    st.integers(0, 40)), min_size=count, max_size=count))
    events = []
    for i, (year, month, day, kind, span) in enumerate(seeds):
        text = {"year": f"{year}", "month": f"{year}-{month:02d}", "day": f"{year}-{month:02d}-{day:02d}",
                "decade": f"{year // 10:03d}X",
                "interval": f"{year}-{month:02d}/{min(year + span, 2999)}"}[kind]
        events.append(dict(template, id=f"e{i}", date=text, title=f"Event {i}"))
    raw["events"] = events
    return raw


def _spread_events(count: int) -> dict:
    """A fixed dataset of `count` events spread over 1000-2999, with every kind of date."""
    raw = copy.deepcopy(MINI_RAW)
    template = raw["events"][1]
    kinds = [lambda y, i: f"{y}", lambda y, i: f"{y}-{i % 12 + 1:02d}", lambda y, i: f"{y}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
             lambda y, i: f"{y // 10}X", lambda y, i: f"{y}/{min(y + i % 50, 2999)}"]
    raw["events"] = [dict(template, id=f"e{i}", title=f"Event {i}", date=kinds[i % 5]((1000 + i * 7919) % 2000 + 1000, i))
                     for i in range(count)]
    return raw


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=many_events(), first=st.integers(1000, 2999), length=st.integers(0, 300),
       args=st.sampled_from([["--json"], ["--strict", "--json"], ["--sort", "end", "--reverse", "--nl"]]))
@example(raw=_spread_events(1500), first=1500, length=40, args=["--json"])
@example(raw=_spread_events(1500), first=1000, length=1999, args=["--strict", "--json"])
@example(raw=_spread_events(700), first=2990, length=9, args=["--sort", "end", "--reverse", "--nl"])
def test_cached_and_uncached_runs_agree(workdir, raw, first, length, args):
    """The first run builds a snapshot, the second reads it, a third skips the cache: same output every time."""
    path = workdir / "cached.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    cache = workdir / "cache"
    argv = ["--data", str(path), "events", "--from", str(first), "--to", str(min(first + length, 2999)), *args]
    cold = invoke(argv, {"CWC_CACHE_DIR": str(cache)})
    warm = invoke(argv, {"CWC_CACHE_DIR": str(cache)})
    uncached = invoke(argv, {"CWC_NO_CACHE": "1"})
    assert cold.exit_code == warm.exit_code == uncached.exit_code == 0, (cold.stderr, warm.stderr, uncached.stderr)
    assert cold.stdout == warm.stdout == uncached.stdout
    everything = invoke(["--data", str(path), "events", "--nl"], {"CWC_CACHE_DIR": str(cache)})
    assert len(everything.stdout.split("\n")) == len(raw["events"]) + 1


def _start_key(event):
    from cold_war_cli.dates import parse_edtf, parse_iso_day

    rng = parse_edtf(event["date"]).range
    if "bounds" in event:
        return (parse_iso_day(event["bounds"]["earliest"]), parse_iso_day(event["bounds"]["latest"]), event["id"])
    return (rng.start, rng.end, event["id"])


# ===================================================================================== bugs found here (fixed)


@pytest.mark.parametrize("today, args", [("9999-12-31", ["-A", "1"]), ("0001-01-01", ["-B", "1"])])
def test_cwc_today_at_the_ends_of_the_calendar(today, args):
    argv = ["--data", str(MINI), "today", *args]
    result = invoke(argv, {"CWC_TODAY": today})
    check(result, argv)


@pytest.mark.parametrize("epoch", ["99999999999999", "²"])
def test_odd_source_date_epoch(epoch):
    argv = ["--data", str(MINI), "export", "ics"]
    result = invoke(argv, {"SOURCE_DATE_EPOCH": epoch})
    check(result, argv)
    assert result.exit_code == 0 or "SOURCE_DATE_EPOCH" in result.stderr


def test_a_note_then_a_failure_is_still_one_line():
    argv = ["--data", str(MINI), "events", "--actor", "khruschev", "--actor", "nobody-at-all"]
    check(invoke(argv), argv)
    guessed = invoke(["--data", str(MINI), "events", "--actor", "khruschev", "--json"])
    assert guessed.exit_code == 0 and "Note: taking 'khruschev'" in guessed.stderr  # the note, on success


@pytest.mark.parametrize("argv", [["show", "no\nsuch"], ["who", "no\nbody"], ["events", "--from", "x\ny"],
                                  ["who", "--role", "x\ny"], ["today", "--date", "1\n2"]])
def test_user_text_quoted_in_an_error_stays_on_one_line(argv):
    argv = ["--data", str(MINI), *argv]
    check(invoke(argv), argv)


@pytest.mark.parametrize("argv", [["export"], ["completion"]])
def test_a_missing_choice_argument_is_a_one_line_error(argv):
    argv = ["--data", str(MINI), *argv]
    result = invoke(argv)
    assert result.exit_code == 2
    check(result, argv)

