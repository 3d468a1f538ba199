"""Hostile data: broken data files get one clear line naming the file and the place; the loader refuses control
characters and bidi overrides in any text; hostile text (rich markup, emoji codes, very long words, right-to-left
text, and, with the loader's refusal switched off, terminal escapes and control characters) prints literally or
visibly escaped in every format and is never interpreted."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from rich.cells import cell_len

from cold_war_cli import decode, schema
from cold_war_cli.text import inert, visible
from tests.conftest import MINI

SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours and bold cwc itself writes
# Anything a terminal would act on: C0 controls except newline, DEL, C1 controls, bidi controls.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def mini_raw() -> dict:
    return json.loads(MINI.read_text(encoding="utf-8"))


def error_line(result) -> str:
    """The one line a failure prints; fails the test if there is more (or a traceback)."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


# ===================================================================================== broken data files


def test_truncated_json_names_the_file_and_the_place(run, write_dataset):
    text = MINI.read_text(encoding="utf-8")
    path = write_dataset(text[: len(text) // 2])
    line = error_line(run("events", data=path))
    assert str(path) in line and "not valid JSON" in line
    assert re.search(r"line \d+, column \d+", line)


def test_truncated_json_message_reads_correctly(run, write_dataset):
    text = MINI.read_text(encoding="utf-8")
    line = error_line(run("events", data=write_dataset(text[: len(text) // 2])))
    assert " at at " not in line


@pytest.mark.parametrize("bad, line_no, col_no", [
    ('{\n  "schema_version": 1,\n  "sources": [,]\n}', 3, 15),   # a stray comma
    ('{\n  "schema_version": 1\n  "sources": []\n}', 3, 3),        # a missing comma
    ('{"schema_version": 1, "sources": [], "actors": [], "events": [],}', 1, 65),  # trailing comma
    ("{'schema_version': 1}", 1, 2),                                  # single quotes
])
def test_malformed_json_gives_line_and_column(run, write_dataset, bad, line_no, col_no):
    path = write_dataset(bad)
    line = error_line(run("events", data=path))
    assert str(path) in line
    assert f"line {line_no}, column {col_no}" in line


# Each: a change to the mini dataset, and the words the message must contain besides the file name.
def _set(path, value):
    def change(raw):
        target = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return raw
    return change


def _delete(path):
    def change(raw):
        target = raw
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return raw
    return change


WRONG_TYPES = [
    (_set(["events", 2, "title"], 5), ["operation-mongoose", "'title'"]),
    (_set(["events", 2, "title"], ""), ["operation-mongoose", "'title'"]),
    (_set(["events", 2, "title"], None), ["operation-mongoose", "'title'"]),
    (_set(["events", 2, "summary"], ["a", "list"]), ["operation-mongoose", "'summary'"]),
    (_set(["events", 2, "actors"], "kennedy"), ["operation-mongoose", "'actors'"]),
    (_set(["events", 2, "tags"], {"a": 1}), ["operation-mongoose", "'tags'"]),
    (_set(["events", 2, "places"], [1, 2]), ["operation-mongoose", "'places'"]),
    (_set(["events", 2, "notes"], "one note"), ["operation-mongoose", "'notes'"]),
    (_set(["events", 2, "alt_dates"], {}), ["operation-mongoose", "'alt_dates'"]),
    (_set(["events", 2, "bounds"], "late"), ["operation-mongoose", "bounds"]),
    (_set(["events", 2, "date"], 1961), ["operation-mongoose", "'date'"]),
    (_set(["events", 2, "date"], "1961-02-30"), ["operation-mongoose", "date", "no day 30"]),
    (_set(["events", 2, "date"], "autumn 1961"), ["operation-mongoose", "date"]),
    (_set(["events", 2, "sources"], {}), ["operation-mongoose", "'sources'"]),
    (_set(["events", 2, "sources"], []), ["operation-mongoose", "'sources'"]),
    (_set(["events", 2, "label"], 3.5), ["operation-mongoose", "'label'"]),
    (_set(["events", 2, "id"], 7), ["events[2]", "'id'"]),
    (_set(["events", 2, "id"], "Bad Id"), ["Bad Id", "id"]),
    (_set(["events", 2, "extra"], 1), ["operation-mongoose", "'extra'"]),
    (_set(["events", 2], "an event"), ["events[2]", "object"]),
    (_set(["actors", 0, "name"], 5), ["khrushchev", "'name'"]),
    (_set(["actors", 0, "kind"], "robot"), ["khrushchev", "robot"]),
    (_set(["actors", 0, "aliases"], "Khrushchyov"), ["khrushchev", "'aliases'"]),
    (_set(["actors", 0, "roles"], {}), ["khrushchev", "'roles'"]),
    (_set(["actors", 0, "born"], 1894), ["khrushchev", "'born'"]),
    (_set(["actors", 0, "born"], "1894-02-30"), ["khrushchev", "born"]),
    (_set(["actors", 0, "roles", 0, "start"], None), ["khrushchev", "roles[0]", "'start'"]),
    (_set(["sources", 0, "issued"], 2016), ["oh-milestones", "'issued'"]),
    (_set(["sources", 0, "issued"], "2016-13"), ["oh-milestones", "issued"]),
    (_set(["sources", 0, "url"], 5), ["oh-milestones", "'url'"]),
    (_set(["sources", 0, "url"], "javascript:alert(1)"), ["oh-milestones", "'url'", "http(s)"]),
    (_set(["sources", 0, "url"], "https://"), ["oh-milestones", "'url'", "http(s)"]),
    (_set(["sources", 0, "type"], "blog"), ["oh-milestones", "type", "'blog'"]),
    (_delete(["sources", 0, "type"]), ["oh-milestones", "missing", "'type'"]),
    (_set(["sources", 0, "quality"], "excellent"), ["oh-milestones", "quality", "'excellent'"]),
    (_set(["sources", 0, "authors"], "Office of the Historian"), ["oh-milestones", "'authors'"]),
    (_set(["sources", 0, "authors"], [{"given": "Dean"}]), ["oh-milestones", "authors[0]", "family"]),
    (_set(["sources", 0, "authors"], [{"literal": "X", "family": "Y"}]), ["oh-milestones", "authors[0]", "literal"]),
    (_set(["sources", 0, "year"], 2016), ["sources[0]", "'year'"]),
    (_set(["events", 2, "sources", 0, "url"], "ftp://example.org/x"), ["operation-mongoose", "'url'", "http(s)"]),
    (_set(["events", 2, "aliases"], "Mongoose"), ["operation-mongoose", "'aliases'"]),
    (_set(["events", 2, "title"], "Kennedy \x1b]0;pwned\x07 authorizes"), ["operation-mongoose", "'title'", "control", "U+001B"]),
    (_set(["events", 2, "summary"], "two\nlines"), ["operation-mongoose", "'summary'", "control", "U+000A"]),
    (_set(["events", 2, "tags"], ["tag\u202e"]), ["operation-mongoose", "'tags'", "control", "U+202E"]),
    (_set(["sources", 0, "url"], "https://history.state.gov/x\r\nX-Injected: 1"), ["oh-milestones", "'url'"]),
    (_set(["actors", 0, "roles", 0, "sources"], [{"id": "ghost"}]), ["khrushchev", "unknown source", "'ghost'"]),
    (_set(["actors", 0, "sources"], [{"id": "oh-milestones", "extra": 1}]), ["khrushchev", "'extra'"]),
    (_set(["events"], {}), ["top level", "'events'"]),
    (_set(["actors"], None), ["top level", "'actors'"]),
    (_set(["schema_version"], 1), ["top level", "schema_version"]),
    (_set(["schema_version"], "1"), ["top level", "schema_version"]),
    (_delete(["events", 2, "summary"]), ["operation-mongoose", "missing", "'summary'"]),
    (_delete(["events", 2, "sources"]), ["operation-mongoose", "missing", "'sources'"]),
    (_delete(["events", 2, "date"]), ["operation-mongoose", "missing", "'date'"]),
    (_delete(["events", 2, "id"]), ["events[2]", "missing", "'id'"]),
    (_delete(["actors", 0, "kind"]), ["khrushchev", "missing", "'kind'"]),
    (_delete(["sources", 0, "title"]), ["oh-milestones", "missing", "'title'"]),
    (_delete(["schema_version"]), ["top level", "missing", "'schema_version'"]),
    (_set(["events", 2, "actors"], ["kennedy", "ghost"]), ["operation-mongoose", "unknown actor", "'ghost'"]),
    (_set(["events", 2, "sources"], [{"id": "ghost"}]), ["operation-mongoose", "unknown source", "'ghost'"]),
    (_set(["events", 4, "alt_dates", 0, "sources"], [{"id": "ghost"}]), ["beria-executed", "unknown source", "'ghost'"]),
    (_set(["events", 3, "id"], "operation-mongoose"), ["operation-mongoose", "duplicate"]),
    (_set(["actors", 1, "id"], "khrushchev"), ["actors[1]", "duplicate", "khrushchev"]),
    (_set(["sources", 1, "id"], "oh-milestones"), ["sources[1]", "duplicate", "oh-milestones"]),
    (_set(["events", 5, "bounds"], {"earliest": "1959-01-01", "latest": "1960-12-31"}), ["late-1960", "bounds", "outside"]),
    (_set(["events", 5, "bounds"], {"earliest": "1960-12-01", "latest": "1960-11-01"}), ["late-1960", "bounds"]),
]


@pytest.mark.parametrize("change, words", WRONG_TYPES, ids=[f"{i:02d}-{' '.join(w)}" for i, (_, w) in enumerate(WRONG_TYPES)])
def test_format_problems_name_the_file_the_record_and_the_field(run, write_dataset, change, words):
    path = write_dataset(change(mini_raw()))
    line = error_line(run("events", data=path))
    assert str(path) in line
    for word in words:
        assert word in line, (word, line)
    # validate reports the same problem on stdout, one line each, and fails
    checked = run("validate", str(path), data=None)
    assert checked.exit_code == 1
    assert all(l.startswith(f"{path}: ") for l in checked.stdout.splitlines()), checked.stdout
    assert any(all(word in l for word in words) for l in checked.stdout.splitlines()), checked.stdout


def test_schema_version_true_is_not_a_version(run, write_dataset):
    line = error_line(run("events", data=write_dataset(_set(["schema_version"], True)(mini_raw()))))
    assert "schema_version" in line


def test_a_directory_instead_of_a_file(run, tmp_path):
    folder = tmp_path / "events.json"
    folder.mkdir()
    line = error_line(run("events", data=folder))
    assert str(folder) in line and "directory" in line


def test_a_missing_file(run, tmp_path):
    line = error_line(run("events", data=tmp_path / "nope.json"))
    assert str(tmp_path / "nope.json") in line and "not found" in line


@pytest.mark.parametrize("content", [
    MINI.read_bytes().replace("ł".encode(), b"\xb3"),  # a Latin-2 byte
    MINI.read_text(encoding="utf-8").encode("utf-16"),
    b"\xff\xfe\x00\x00",
    b'{"schema_version": 1, "sources": [], "actors": [], "events": [], "x": "\xc3"}',  # truncated sequence
])
def test_not_utf8_names_the_file_and_the_byte(run, write_dataset, content):
    path = write_dataset(content)
    line = error_line(run("events", data=path))
    assert str(path) in line and "UTF-8" in line
    assert re.search(r"offset \d+", line)


def test_a_utf8_bom_loads_or_is_named_clearly(run, write_dataset):
    path = write_dataset(b"\xef\xbb\xbf" + MINI.read_bytes())
    result = run("events", "--json", data=path)
    if result.exit_code == 0:
        assert len(json.loads(result.stdout)) == 7
    else:
        line = error_line(result)
        assert str(path) in line and "BOM" in line


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"\n"])
def test_an_empty_file(run, write_dataset, content):
    path = write_dataset(content)
    line = error_line(run("events", data=path))
    assert str(path) in line and "not valid JSON" in line


@pytest.mark.parametrize("content, words", [
    ("[]", ["top level", "object", "list"]),
    ("null", ["top level", "object", "null"]),
    ('"events"', ["top level", "object", "string"]),
    ("42", ["top level", "object"]),
    ("{}", ["top level", "missing"]),
])
def test_json_that_is_not_a_dataset(run, write_dataset, content, words):
    path = write_dataset(content)
    line = error_line(run("events", data=path))
    assert str(path) in line
    assert all(word in line for word in words), line


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_deeply_nested_json_at_the_top(run, write_dataset, depth):
    path = write_dataset("[" * depth + "]" * depth)
    line = error_line(run("events", data=path))
    assert str(path) in line and "nested" in line


def test_deeply_nested_json_inside_a_field(run, write_dataset):
    text = MINI.read_text(encoding="utf-8").replace('"title": "Vienna summit"', '"title": ' + "[" * 50_000 + "]" * 50_000)
    path = write_dataset(text)
    line = error_line(run("events", data=path))
    assert str(path) in line and "nested" in line


def test_moderately_nested_value_is_a_wrong_type(run, write_dataset):
    raw = mini_raw()
    value: object = "x"
    for _ in range(300):
        value = [value]
    raw["events"][1]["title"] = value
    line = error_line(run("events", data=write_dataset(raw)))
    assert "vienna-summit" in line and "'title'" in line
    assert len(line) < 1000


@pytest.mark.parametrize("number", ["1" + "0" * 4000, "1e400", "-1e400", "NaN", "Infinity", "-0.0"], ids=["4001-digits", "1e400", "-1e400", "NaN", "Infinity", "-0.0"])
def test_huge_or_odd_numbers_where_strings_belong(run, write_dataset, number):
    text = MINI.read_text(encoding="utf-8").replace('"title": "Vienna summit"', f'"title": {number}')
    path = write_dataset(text)
    result = run("events", data=path)
    line = error_line(result)
    assert str(path) in line


def test_an_integer_too_long_to_convert_is_a_clean_error(run, write_dataset):
    text = MINI.read_text(encoding="utf-8").replace('"schema_version": 2', '"schema_version": 1' + "0" * 5000)
    assert text != MINI.read_text(encoding="utf-8")
    path = write_dataset(text)
    line = error_line(run("events", data=path))
    assert str(path) in line


def test_a_50_megabyte_dataset_of_valid_events_loads(run, tmp_path):
    raw = mini_raw()
    template = raw["events"][1]
    filler = "A long summary of the event. " * 170  # about 5 kB
    events = [dict(template, id=f"bulk-{i:05d}", summary=f"{i}: {filler}") for i in range(10_000)]
    events.append(dict(template, id="the-needle", tags=["needle"], date="1962-10-27"))
    raw["events"] = events
    path = tmp_path / "big.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    result = run("events", "--tag", "needle", "--json", data=path)
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["the-needle"]


EXTREME_ARGS = [["events", "--json"], ["events", "--table"], ["events", "--from", "0001", "--to", "9999"],
                ["show", "cuban-revolution-victory"], ["show", "vienna-summit", "--json"], ["stats", "--by", "decade"],
                ["today", "--date", "12-31"], ["today", "--date", "01-01", "-B", "3"], ["export", "timelinejs"],
                ["export", "markdown"], ["export", "csv"], ["validate"]]


def _extreme_dataset():
    raw = mini_raw()
    raw["events"][0]["date"] = "9999-12-31"
    raw["events"][1]["date"] = "0001-01-01/0001-01-02"
    raw["events"][2]["date"] = "999X"
    return raw


@pytest.mark.parametrize("args", EXTREME_ARGS, ids=lambda a: "-".join(a))
def test_the_first_and_last_days_of_the_calendar_are_valid_dates(run, write_dataset, args):
    path = write_dataset(_extreme_dataset())
    if args == ["validate"]:
        args = ["validate", str(path)]
    result = run(*args, data=path, env={"CWC_TODAY": "2000-06-15", "SOURCE_DATE_EPOCH": "0"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.stderr


def test_ics_export_of_an_event_on_the_last_day_of_the_calendar(run, write_dataset):
    result = run("export", "ics", data=write_dataset(_extreme_dataset()), env={"SOURCE_DATE_EPOCH": "0"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.stderr
    assert "DURATION:P1D" in result.stdout  # no day after 9999-12-31 for an exclusive DTEND


@pytest.mark.parametrize("args", [["events", "--json"], ["events", "--plain"], ["events", "--table"]])
def test_a_lone_surrogate_escape_in_dataset_text(run, write_dataset, args):
    text = MINI.read_text(encoding="utf-8").replace('"Vienna summit"', '"Vienna \\ud800 summit"')
    path = write_dataset(text)
    checked = run("validate", str(path), data=None)
    assert checked.exit_code == 1 and "lone surrogate" in checked.stdout
    result = run(*args, data=path)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    line = error_line(result)
    assert str(path) in line and "vienna-summit" in line and "'title'" in line


def test_a_surrogate_pair_escape_is_text_not_an_error(run, write_dataset):
    text = MINI.read_text(encoding="utf-8").replace('"Vienna summit"', '"Vienna \\ud83c\\udde8\\ud83c\\uddfa summit"')
    result = run("events", "--json", "--keyword", "vienna", data=write_dataset(text))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"] == "Vienna \U0001f1e8\U0001f1fa summit"


@pytest.mark.parametrize("where", ["event id", "actor reference", "date"])
def test_data_quoted_in_an_error_message_stays_on_one_line(run, write_dataset, where):
    raw = mini_raw()
    hostile = "bad\nline\x1b[2J"
    if where == "event id":
        raw["events"][2]["id"] = hostile
    elif where == "actor reference":
        raw["events"][2]["actors"] = [hostile]
    else:
        raw["events"][2]["date"] = hostile
    line = error_line(run("events", data=write_dataset(raw)))
    assert "\x1b" not in line


# ===================================================================================== hostile text

HOSTILE = {
    "markup": "[bold]Bold[/bold] [/] [sic] [link=https://evil.example]click[/link] [red on white]",
    "emoji": ":flag_for_cuba: :smile: 12:30:45 :thumbs_up:",
    "csi": "red \x1b[31mALERT\x1b[0m done",
    "osc": "title \x1b]0;pwned\x07 set \x1b]8;;http://x\x1b\\link",
    "controls": "nul\x00 bel\x07 bs\x08 del\x7f csi\x9b31m nel\x85 vt\x0b ff\x0c cr\r lf\n tab\t end",
    "long": "W" * 500,
    "rtl": "שלום עולם مرحبا بالعالم",
    "bidi": "abc \u202egnp.exe\u202c \u2066iso\u2069 \u200fmark",
}
# What each must show in table and plain output (visible text, short enough not to be wrapped at 200 columns).
MARKERS = {
    "markup": ["[bold]Bold[/bold]", "[/]", "[sic]", "[link=https://evil.example]click[/link]", "[red on white]"],
    "emoji": [":flag_for_cuba:", ":smile:", ":thumbs_up:"],
    "csi": ["\\x1b[31mALERT\\x1b[0m"],
    "osc": ["\\x1b]0;pwned\\x07"],
    "controls": ["nul\\x00", "bel\\x07", "bs\\x08", "del\\x7f", "csi\\x9b31m", "nel\\x85"],
    "long": ["W" * 20],
    "rtl": ["שלום", "مرحبا"],
    "bidi": ["\\u202egnp.exe\\u202c", "\\u2066iso\\u2069", "\\u200fmark"],
}
ONE_LINE_ISSUES = ("\n", "\r", "\x0b", "\x0c", "\x85")


def hostile_dataset() -> dict:
    raw = mini_raw()
    raw["sources"].append({"id": "hostile-source", "type": "web-page", "quality": "reference",
                           "title": "Source " + HOSTILE["markup"], "authors": [{"literal": HOSTILE["csi"]}],
                           "url": "https://example.org/x"})
    for i, (key, text) in enumerate(HOSTILE.items()):
        raw["actors"].append({
            "id": f"actor-{key}", "name": f"A {text}", "kind": "person", "aliases": [f"alias {text}"],
            "roles": [{"title": f"Office {text}", "start": "1960", "end": "1965"}], "summary": f"About {text}"})
        raw["events"].append({
            "id": f"hostile-{key}", "date": f"1962-10-{10 + i:02d}", "title": f"T {text} end",
            "summary": f"S {text}", "actors": [f"actor-{key}"], "places": [f"P {text}"], "tags": [f"tag {text}"],
            "notes": [f"N {text}"], "label": None if key != "markup" else f"L {text}",
            "sources": [{"id": "hostile-source", "locator": f"loc {text}"}, {"id": "oh-milestones"}],
            "alt_dates": [{"date": "1962", "sources": [{"id": "narrative"}], "note": f"alt {text}"}]})
    for event in raw["events"]:
        if event.get("label") is None:
            event.pop("label", None)
    return raw


def let_control_characters_load(monkeypatch) -> None:
    """The loader refuses control characters (see the tests below); with that switched off, every format must
    still escape them on its own, so that no single check stands between a data file and the terminal."""
    monkeypatch.setenv("CWC_NO_CACHE", "1")  # a snapshot of what the real loader refuses must not outlive the test
    monkeypatch.setattr(schema, "CONTROL", re.compile("(?!)"))
    monkeypatch.setattr(schema, "URL", re.compile(".*", re.S))  # a URL with a line break in it, too
    monkeypatch.setattr(decode, "URL", re.compile(".*", re.S))
    monkeypatch.setattr(decode, "_CONTROL", re.compile(b"(?!)"))


@pytest.fixture
def hostile(write_dataset, monkeypatch):
    let_control_characters_load(monkeypatch)
    return write_dataset(hostile_dataset(), name="hostile.json")


CONTROL_KEYS = ("csi", "osc", "controls", "bidi")


@pytest.mark.parametrize("fast", [True, False], ids=["fast-reader", "careful-reader"])
@pytest.mark.parametrize("key", CONTROL_KEYS)
def test_the_loader_refuses_control_characters_in_any_text(run, write_dataset, monkeypatch, key, fast):
    monkeypatch.setenv("CWC_NO_CACHE", "1")
    if not fast:
        monkeypatch.setattr(decode, "contents", lambda data: (_ for _ in ()).throw(decode.NotFast()))
    for field in ("title", "summary", "places", "label", "locator"):
        raw = mini_raw()
        event = raw["events"][2]
        text = f"T {HOSTILE[key]} end"
        if field == "places":
            event["places"] = [text]
        elif field == "locator":
            event["sources"][0]["locator"] = text
        else:
            event[field] = text
        result = run("events", "--json", data=write_dataset(raw))
        assert result.exit_code == 1 and result.stdout == "", (field, result.stdout)
        line = error_line(result)
        assert "operation-mongoose" in line and "control character" in line, (field, line)
        assert not RAW_CONTROL.search(line), line


def test_the_loader_refuses_control_characters_in_actors_and_sources(run, write_dataset, monkeypatch):
    monkeypatch.setenv("CWC_NO_CACHE", "1")
    for change, where in ((_set(["actors", 0, "name"], "Nikita \x1b[2J"), "khrushchev"),
                          (_set(["actors", 0, "roles", 0, "title"], "First \x9b Secretary"), "khrushchev"),
                          (_set(["sources", 0, "title"], "Milestones \x07"), "oh-milestones"),
                          (_set(["sources", 0, "authors"], [{"literal": "Office \x1b]52;c;cHduZWQ=\x07"}]), "oh-milestones")):
        line = error_line(run("who", "khrushchev", data=write_dataset(change(mini_raw()))))
        assert where in line and "control character" in line, line


def test_validate_lists_every_control_character_problem_on_its_own_line(run, write_dataset):
    raw = mini_raw()
    raw["events"][2]["title"] = "A \x1b[31m title"
    raw["events"][3]["summary"] = "two\r\nlines"
    result = run("validate", str(write_dataset(raw)), data=None)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("control character" in line for line in lines), lines
    assert not RAW_CONTROL.search(result.stdout)


HOSTILE_IDS = [f"hostile-{key}" for key in HOSTILE]


def assert_nothing_raw(text: str) -> None:
    """No terminal control from the data: only cwc's own colour codes may carry an ESC."""
    stripped = SGR.sub("", text)
    found = RAW_CONTROL.findall(stripped)
    assert not found, sorted(set(found))


def assert_fits(text: str, width: int) -> None:
    for line in SGR.sub("", text).splitlines():
        assert cell_len(line) <= width, (cell_len(line), width, line)


# ------------------------------------------------------------------------------------ machine formats


def test_json_round_trips_every_hostile_string(run, hostile):
    result = run("events", "--on", "1962-10", "--json", data=hostile)
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    for key, text in HOSTILE.items():
        row = rows[f"hostile-{key}"]
        assert row["title"] == f"T {text} end"
        assert row["summary"] == f"S {text}"
        assert row["places"] == [f"P {text}"]
        assert row["tags"] == [f"tag {text}"]
        assert row["notes"] == [f"N {text}"]
        assert row["actors"] == [{"id": f"actor-{key}", "name": f"A {text}"}]
        assert row["sources"][0]["locator"] == f"loc {text}"
        assert row["alt_dates"][0]["note"] == f"alt {text}"
    assert "\x1b" not in result.stdout  # JSON escapes control characters


def test_nl_is_one_hostile_event_per_line(run, hostile):
    result = run("events", "--on", "1962-10", "--nl", data=hostile)
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    rows = [json.loads(line) for line in lines[:-1]]
    assert [r["id"] for r in rows if r["id"].startswith("hostile-")] == HOSTILE_IDS
    assert {r["id"]: r["title"] for r in rows}["hostile-controls"] == f"T {HOSTILE['controls']} end"


def test_csv_keeps_one_row_per_event_and_escapes_terminal_controls(run, hostile):
    result = run("events", "--on", "1962-10", "--csv", data=hostile)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [r["id"] for r in rows if r["id"].startswith("hostile-")] == HOSTILE_IDS
    by_id = {r["id"]: r for r in rows}
    for key, text in HOSTILE.items():  # line breaks and tabs kept (quoted); what drives a terminal escaped
        row = by_id[f"hostile-{key}"]
        assert row["title"] == inert(f"T {text} end")
        assert row["summary"] == inert(f"S {text}")
        assert row["places"] == inert(f"P {text}")
        assert row["tags"] == inert(f"tag {text}")
        assert not RAW_CONTROL.search(row["title"].replace("\t", "").replace("\r", "").replace("\n", ""))


def test_csv_quotes_a_lone_carriage_return(run, write_dataset, monkeypatch):
    let_control_characters_load(monkeypatch)
    raw = mini_raw()
    raw["events"][0]["title"] = "Batista\rflees"
    result = run("events", "--csv", data=write_dataset(raw))
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))
    assert len(rows) == 1 + 7
    assert [r[8] for r in rows if r[0] == "cuban-revolution-victory"] == ["Batista\rflees"]


def test_who_json_keeps_and_csv_escapes_hostile_actor_text(run, hostile):
    for key, text in HOSTILE.items():
        record = json.loads(run("who", f"actor-{key}", "--json", data=hostile).stdout)
        assert record["name"] == f"A {text}"
        assert record["aliases"] == [f"alias {text}"]
        assert record["roles"][0]["title"] == f"Office {text}"
        assert record["summary"] == f"About {text}"
        rows = list(csv.DictReader(io.StringIO(run("who", f"actor-{key}", "--csv", data=hostile).stdout, newline="")))
        assert [r["id"] for r in rows] == [f"hostile-{key}"]
        assert rows[0]["title"] == inert(f"T {text} end")  # CSV escapes what could drive a terminal


def test_show_json_keeps_hostile_text(run, hostile):
    for key, text in HOSTILE.items():
        record = json.loads(run("show", f"hostile-{key}", "--json", data=hostile).stdout)
        assert record["title"] == f"T {text} end"
        assert record["notes"] == [f"N {text}"]


def test_timelinejs_export_round_trips(run, hostile):
    result = run("export", "timelinejs", "--on", "1962-10", data=hostile)
    assert result.exit_code == 0, result.stderr
    slides = {s["unique_id"]: s for s in json.loads(result.stdout)["events"]}
    for key, text in HOSTILE.items():
        slide = slides[f"hostile-{key}"]
        assert html.unescape(slide["text"]["headline"]) == f"T {text} end"  # TimelineJS renders HTML: escaped
        body = slide["text"]["text"]
        assert html.unescape(body).startswith(f"<p>S {text}</p>")
        assert "<" not in body.replace("<p>", "").replace("</p>", "").replace("<ul>", "").replace("</ul>", "") \
            .replace("<li>", "").replace("</li>", "").replace('<a href="', "").replace("</a>", "")
        assert slide["group"] == f"tag {text}"


def _unmarkdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_export_keeps_text_literal(run, hostile):
    result = run("export", "markdown", "--on", "1962-10", data=hostile)
    assert result.exit_code == 0, result.stderr
    headings = [line for line in result.stdout.split("\n") if line.startswith("## ")]
    assert len(headings) == 9  # 8 hostile events and the 1960s trend
    body = _unmarkdown(result.stdout)
    for key, text in HOSTILE.items():
        flat = " ".join(inert(f"T {text} end").split())
        assert any(flat in _unmarkdown(h) for h in headings), (key, flat)
        assert " ".join(inert(f"S {text}").split()) in body
    assert not RAW_CONTROL.search(result.stdout.replace("\n", ""))
    assert "[bold]" not in result.stdout  # brackets are escaped, so no link or markup syntax survives
    assert "\\[bold\\]" in result.stdout


def _ics_unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def _ics_unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@pytest.mark.parametrize("key", ["markup", "emoji", "long", "rtl", "bidi"])
def test_ics_export_round_trips_printable_text(run, hostile, key):
    from icalendar import Calendar

    result = run("export", "ics", "--on", "1962-10", data=hostile, env={"SOURCE_DATE_EPOCH": "0"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout_bytes.decode("utf-8")  # .stdout turns CRLF into LF
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    summaries = [l[len("SUMMARY:"):] for l in _ics_unfold(text) if l.startswith("SUMMARY:")]
    assert f"T {HOSTILE[key]} end" in [_ics_unescape(s) for s in summaries]
    calendar = Calendar.from_ical(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text))
    assert f"T {HOSTILE[key]} end" in [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]


def test_urls_cannot_add_a_line_to_an_ics_file_or_break_a_markdown_link(run, write_dataset, monkeypatch):
    let_control_characters_load(monkeypatch)
    raw = mini_raw()
    raw["sources"][0]["url"] = "https://history.state.gov/x\r\nATTENDEE:mailto:evil@example.org (a) b"
    path = write_dataset(raw)
    ics = run("export", "ics", data=path, env={"SOURCE_DATE_EPOCH": "0"}).stdout_bytes.decode("utf-8")
    assert not [line for line in ics.split("\r\n") if line.startswith("ATTENDEE")]
    assert "x%0D%0AATTENDEE:mailto:evil@example.org%20(a)%20b" in ics.replace("\r\n ", "")
    markdown = run("export", "markdown", data=path).stdout
    assert "(https://history.state.gov/x%0D%0AATTENDEE:mailto:evil@example.org%20%28a%29%20b)" in markdown


def test_ics_export_has_no_raw_control_characters(run, hostile):
    result = run("export", "ics", "--on", "1962-10", data=hostile, env={"SOURCE_DATE_EPOCH": "0"})
    assert result.exit_code == 0, result.stderr
    body = result.stdout_bytes.decode("utf-8").replace("\r\n", "")
    assert not re.findall("[\x00-\x08\x0a-\x1f\x7f]", body)


# ------------------------------------------------------------------------------------ plain


def test_plain_events_are_one_escaped_record_per_line(run, hostile):
    result = run("events", "--on", "1962-10", "--plain", data=hostile)
    assert result.exit_code == 0, result.stderr
    assert_nothing_raw(result.stdout.replace("\t", ""))
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == 9
    assert all(len(line.split("\t")) == 5 for line in lines)
    by_id = {line.split("\t")[2]: line.split("\t")[4] for line in lines}
    for key, text in HOSTILE.items():
        assert by_id[f"hostile-{key}"] == visible(f"T {text} end")
        for marker in MARKERS[key]:
            assert marker in by_id[f"hostile-{key}"]


def test_plain_who_and_show_are_one_record_per_line(run, hostile):
    for key, text in HOSTILE.items():
        who = run("who", f"actor-{key}", "--plain", data=hostile)
        assert who.exit_code == 0, who.stderr
        assert_nothing_raw(who.stdout.replace("\t", ""))
        tags = [line.split("\t")[0] for line in who.stdout.splitlines()]
        assert tags == ["id", "name", "kind", "alias", "role", "summary", "event"], tags
        assert f"name\t{visible('A ' + text)}" in who.stdout.splitlines()

        show = run("show", f"hostile-{key}", "--plain", data=hostile)
        assert show.exit_code == 0, show.stderr
        assert_nothing_raw(show.stdout.replace("\t", ""))
        tags = [line.split("\t")[0] for line in show.stdout.splitlines()]
        assert tags.count("title") == tags.count("summary") == tags.count("place") == tags.count("note") == 1, tags
        assert f"title\t{visible('T ' + text + ' end')}" in show.stdout.splitlines()
        assert f"note\t{visible('N ' + text)}" in show.stdout.splitlines()


@pytest.mark.parametrize("key", list(HOSTILE))
def test_show_and_who_in_csv_and_nl_keep_one_record(run, hostile, key):
    text = HOSTILE[key]
    rows = list(csv.DictReader(io.StringIO(run("show", f"hostile-{key}", "--csv", data=hostile).stdout, newline="")))
    assert len(rows) == 1 and rows[0]["title"] == inert(f"T {text} end") and rows[0]["places"] == inert(f"P {text}")
    lines = run("show", f"hostile-{key}", "--nl", data=hostile).stdout.split("\n")
    assert len(lines) == 2 and lines[1] == ""
    assert json.loads(lines[0])["notes"] == [f"N {text}"]
    lines = run("who", f"actor-{key}", "--nl", data=hostile).stdout.split("\n")
    assert len(lines) == 2 and json.loads(lines[0])["aliases"] == [f"alias {text}"]


def test_today_shows_hostile_titles_inertly(run, hostile):
    plain = run("today", "--date", "10-10", "-A", "7", "--plain", data=hostile, env={"CWC_TODAY": "2022-01-01"})
    assert plain.exit_code == 0, plain.stderr
    assert_nothing_raw(plain.stdout.replace("\t", ""))
    lines = plain.stdout.split("\n")[:-1]
    assert len(lines) == len(HOSTILE)
    for line, (key, text) in zip(lines, HOSTILE.items()):
        assert line.split("\t")[3] == visible(f"T {text} end"), key
        assert line.split("\t")[1] == "60"  # years ago
    table = run("today", "--date", "10-10", "-A", "7", "--table", data=hostile,
                env={"CWC_TODAY": "2022-01-01", "COLUMNS": "60", "FORCE_COLOR": "1"})
    assert_nothing_raw(table.stdout)
    assert_fits(table.stdout, 60)
    rows = json.loads(run("today", "--date", "10-10", "-A", "7", "--json", data=hostile,
                          env={"CWC_TODAY": "2022-01-01"}).stdout)
    assert [r["title"] for r in rows] == [f"T {text} end" for text in HOSTILE.values()]


def test_plain_listings_of_actors_tags_and_stats(run, hostile):
    for args in (["actors", "--plain"], ["tags", "--plain"], ["stats", "--by", "tag", "--plain"],
                 ["stats", "--by", "actor", "--plain"], ["who", "--role", "office", "--plain"],
                 ["actors", "--plain", "--fields", "id,name,aliases,roles,summary"]):
        result = run(*args, data=hostile)
        assert result.exit_code == 0, (args, result.stderr)
        assert_nothing_raw(result.stdout.replace("\t", ""))
        assert result.stdout.count("\n") == len(result.stdout.splitlines())
    tag_lines = run("tags", "--plain", data=hostile).stdout.splitlines()
    assert len(tag_lines) == len({t for e in hostile_dataset()["events"] for t in e.get("tags", [])})
    assert f"{visible('tag ' + HOSTILE['controls'])}\t1" in tag_lines


# ------------------------------------------------------------------------------------ tables


def _table(run, data, *args, width=200, color=False):
    env = {"COLUMNS": str(width)}
    if color:
        env["FORCE_COLOR"] = "1"
    result = run(*args, "--table", data=data, env=env)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


@pytest.mark.parametrize("color", [False, True])
def test_events_table_shows_hostile_text_visibly_and_inertly(run, hostile, color):
    out = _table(run, hostile, "events", "--on", "1962-10", color=color)
    if color:
        assert "\x1b[" in out  # cwc's own colours are there...
    assert_nothing_raw(out)  # ...but nothing from the data
    assert_fits(out, 200)
    plain = SGR.sub("", out)
    for key in HOSTILE:
        for marker in MARKERS[key]:
            assert marker in plain, (key, marker)
    assert "👍" not in plain and "😄" not in plain and "🇨🇺" not in plain


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("args", [
    ["events", "--on", "1962-10"],
    ["events"],
    ["who", "actor-long"],
    ["who", "actor-controls"],
    ["who", "actor-bidi"],
    ["show", "hostile-long"],
    ["show", "hostile-markup"],
    ["show", "hostile-controls"],
    ["actors"],
    ["actors", "--fields", "id,name,aliases,roles,summary"],
    ["tags"],
    ["stats", "--by", "tag"],
    ["stats", "--by", "actor"],
    ["today", "--date", "10-12", "-A", "10"],
    ["who", "--role", "office"],
    ["events", "--fields", "id,title,places,tags,notes,actors,sources"],
], ids=lambda a: "-".join(a) if isinstance(a, list) else None)
def test_tables_stay_within_the_width_and_print_nothing_raw(run, hostile, args, width):
    out = _table(run, hostile, *args, width=width, color=True)
    assert out.strip()
    assert_nothing_raw(out)
    assert_fits(out, width)


def test_who_and_show_tables_show_hostile_text_literally(run, hostile):
    for key in HOSTILE:
        who = SGR.sub("", _table(run, hostile, "who", f"actor-{key}"))
        show = SGR.sub("", _table(run, hostile, "show", f"hostile-{key}"))
        for marker in MARKERS[key]:
            assert marker in who, (key, marker, who)
            assert marker in show, (key, marker, show)


def test_terminal_default_table_is_inert(run, hostile, as_terminal):
    result = run("events", "--on", "1962-10", data=hostile, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "┃" in result.stdout and "\x1b[" in result.stdout
    assert_nothing_raw(result.stdout)
    assert_fits(result.stdout, 120)


# ------------------------------------------------------------------------------------ searching hostile text


def test_filters_and_lookups_treat_hostile_text_as_text(run, hostile):
    result = run("events", "--keyword", "[sic]", "--json", data=hostile)
    assert result.exit_code == 0
    assert "hostile-markup" in [r["id"] for r in json.loads(result.stdout)]
    result = run("events", "--tag", HOSTILE["markup"].join(["tag ", ""]), "--json", data=hostile)
    assert [r["id"] for r in json.loads(result.stdout)] == ["hostile-markup"]
    result = run("events", "--actor", "A " + HOSTILE["rtl"], "--json", data=hostile)
    assert [r["id"] for r in json.loads(result.stdout)] == ["hostile-rtl"]


# ===================================================================================== a hostile cache folder
# README: "A cache folder that is missing, read-only or full only costs speed." Snapshots are named by the data
# file's bytes, so a bad one would otherwise stay in the way of every later run on the same file.


def _snapshots(folder):
    return sorted(folder.glob("*.db"))


@pytest.fixture
def warm_cache(run, tmp_path):
    """A cache folder holding the mini dataset's snapshot, and the uncached output to compare with."""
    folder = tmp_path / "cache"
    expected = run("events", "--json", env={"CWC_NO_CACHE": "1"}).stdout
    first = run("events", "--json", env={"CWC_CACHE_DIR": str(folder)})
    assert first.exit_code == 0 and first.stdout == expected
    if not _snapshots(folder):
        pytest.skip("cwc wrote no snapshot")
    return folder, expected


def test_a_snapshot_gives_the_same_output(run, warm_cache):
    folder, expected = warm_cache
    again = run("events", "--json", env={"CWC_CACHE_DIR": str(folder)})
    assert again.exit_code == 0 and again.stdout == expected


@pytest.mark.parametrize("damage", ["empty", "header only", "not a snapshot"])
def test_an_unreadable_snapshot_is_ignored(run, warm_cache, damage):
    folder, expected = warm_cache
    snapshot = _snapshots(folder)[0]
    good = snapshot.read_bytes()
    snapshot.write_bytes({"empty": b"", "header only": good[:20], "not a snapshot": b"hello world" * 50}[damage])
    again = run("events", "--json", env={"CWC_CACHE_DIR": str(folder)})
    assert again.exit_code == 0, again.stderr
    assert again.stdout == expected


@pytest.mark.parametrize("damage", ["last byte cut", "half cut", "byte flipped", "body zeroed"])
def test_a_damaged_snapshot_is_ignored(run, warm_cache, damage):
    folder, expected = warm_cache
    snapshot = _snapshots(folder)[0]
    good = snapshot.read_bytes()
    half = len(good) // 2
    snapshot.write_bytes({
        "last byte cut": good[:-1],
        "half cut": good[:half],
        "byte flipped": good[:-5] + bytes([good[-5] ^ 0xFF]) + good[-4:],
        "body zeroed": good[:half] + bytes(len(good) - half),
    }[damage])
    again = run("events", "--json", env={"CWC_CACHE_DIR": str(folder)})
    assert again.exception is None or isinstance(again.exception, SystemExit), repr(again.exception)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == expected


@pytest.mark.parametrize("kind", ["read-only folder", "a file, not a folder", "missing parent"])
def test_an_unusable_cache_folder_only_costs_speed(run, tmp_path, kind):
    import os
    import stat

    folder = tmp_path / "cache"
    if kind == "read-only folder":
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    elif kind == "a file, not a folder":
        folder.write_text("not a folder")
    else:
        folder = tmp_path / "no" / "such" / "place" / "cache"
    try:
        for _ in range(2):
            result = run("events", "--on", "1961", "--json", env={"CWC_CACHE_DIR": str(folder)})
            assert result.exit_code == 0, result.stderr
            assert [r["id"] for r in json.loads(result.stdout)] == ["sixties", "vienna-summit", "operation-mongoose"]
    finally:
        if folder.is_dir():
            os.chmod(folder, stat.S_IRWXU)


def test_validate_keeps_each_problem_on_one_line_whatever_it_quotes(tmp_path, mini_raw, run):
    """Found by the fuzzer: a role's start date of "0\\r" printed a carriage return inside a problem line."""
    mini_raw["actors"][0]["roles"] = [{"title": "Leader", "start": "0\r", "end": "1964\n10"}]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    assert problems and all(line.startswith(f"{path}: ") for line in problems)
    assert "\r" not in result.stdout


def test_the_fast_paths_of_the_escaping_functions_miss_no_character():
    """visible, inert and inert_url return text unchanged when a pattern finds nothing to change: the pattern must
    find every character the slow definition would change."""
    import unicodedata

    from cold_war_cli import text

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        drives = ch in text._BIDI_CONTROLS or unicodedata.category(ch) == "Cc"
        assert bool(text._MAY_DRIVE.search(ch)) == (drives and ch not in "\t\n\r"), hex(code)
        if drives or ch.isspace():
            assert text._MAY_CHANGE.search(ch), hex(code)
    assert text.inert("a\x1b[31mb") == "a\\x1b[31mb" and text.visible("a\nb") == "a b"
    assert text.inert_url("http://x/a b") == "http://x/a%20b"
