"""`cwc timeline`: the pure layout (axis grain, cells, clipping, vague dates, lanes), the command (piped rows, the
drawing, --svg, errors, hostile text), and the drawing in a real pseudo-terminal at 60, 100 and 200 columns."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from rich.cells import cell_len

from cold_war_cli import timeline as core
from cold_war_cli.dates import parse_edtf, parse_partial_iso
from cold_war_cli.models import Actor, Event, Role
from tests.conftest import MINI

SGR = re.compile(r"\x1b\[[0-9;]*m")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def event(id_: str, when: str, title: str | None = None, tags=(), actors=()) -> Event:
    parsed = parse_edtf(when)
    return Event(id_, when, parsed.range, parsed.certainty, title or id_, "", (), tuple(actors), (), tuple(tags))


def role(title: str, start: str, end: str | None) -> Role:
    return Role(title, parse_partial_iso(start), parse_partial_iso(end) if end else None, start, end)


def axis(start: str, end: str, width: int) -> core.Axis:
    return core.make_axis(date.fromisoformat(start), date.fromisoformat(end), width)


def row_of(*events: Event) -> core.Row:
    return core.Row("r", "", tuple(core.event_item(e) for e in events))


# ===================================================================================== the axis


@pytest.mark.parametrize("start, end, width, unit", [
    ("1962-10-14", "1962-10-28", 38, "day"),    # a fortnight at 60 columns
    ("1962-10-14", "1962-10-28", 130, "day"),
    ("1962-01-01", "1962-12-31", 38, "month"),  # a year
    ("1962-01-01", "1962-12-31", 130, "month"),
    ("1953-01-01", "1964-12-31", 38, "year"),   # a decade and more
    ("1945-01-01", "1991-12-31", 130, "year"),
    ("1945-01-01", "1991-12-31", 38, "year"),
])
def test_the_grain_follows_the_span(start, end, width, unit):
    found = axis(start, end, width)
    assert found.unit == unit
    assert len(found.ticks) >= 2


def test_a_fortnight_with_room_gets_every_day_labelled_from_the_first():
    found = axis("1962-10-14", "1962-10-28", 66)
    assert (found.unit, found.step) == ("day", 1)
    assert [t.label for t in found.ticks] == [str(d) for d in range(14, 29)]
    assert [t.label for t in found.majors] == ["October 1962"]


def test_a_narrow_fortnight_labels_every_other_day_from_the_first():
    found = axis("1962-10-14", "1962-10-28", 38)
    assert [t.label for t in found.ticks] == ["14", "16", "18", "20", "22", "24", "26", "28"]


def test_months_are_labelled_with_their_years_above():
    found = axis("1961-11-01", "1962-03-31", 60)
    assert [t.label for t in found.ticks] == ["Nov", "Dec", "Jan", "Feb", "Mar"]
    assert [t.label for t in found.majors] == ["1961", "1962"]
    assert found.majors[1].pos == found.ticks[2].pos  # 1962 stands over January


@pytest.mark.parametrize("width", [11, 20, 38, 57, 100, 163, 300])
@pytest.mark.parametrize("start, end", [("1962-10-14", "1962-10-28"), ("1962-10-30", "1962-11-02"),
                                        ("1959-01-01", "1961-12-31"), ("1945-01-01", "1991-12-31"),
                                        ("0001-01-01", "9999-12-31"), ("1962-10-27", "1962-10-27")])
def test_tick_labels_never_touch_and_stay_inside(start, end, width):
    found = axis(start, end, width)
    for here, after in zip(found.ticks, found.ticks[1:]):
        assert here.pos + len(here.label) + 2 <= after.pos, (here, after)
    for tick in (*found.ticks, *found.majors):
        assert 0 <= tick.pos and tick.pos + len(tick.label) <= width, tick
    assert all(len(line) == width for line in core.axis_lines(found))


def test_ticks_stand_at_their_days():
    found = axis("1962-10-14", "1962-10-28", 45)  # 3 cells a day
    assert [t.pos for t in found.ticks] == [3 * (t.day.day - 14) for t in found.ticks]
    assert found.first_cell(date(1962, 10, 14)) == 0 and found.last_cell(date(1962, 10, 28)) == 44


# ===================================================================================== cells


def test_a_day_is_one_mark_and_an_interval_a_bar():
    ax = axis("1962-10-14", "1962-10-28", 45)
    assert core.cells(row_of(event("a", "1962-10-16")), ax) == [None] * 6 + ["mark"] + [None] * 38
    bar = core.cells(row_of(event("b", "1962-10-16/1962-10-18")), ax)
    assert bar == [None] * 6 + ["bar"] * 9 + [None] * 30


def test_a_month_precision_date_is_a_faded_span_over_its_month():
    ax = axis("1962-09-01", "1962-11-30", 91)  # a cell a day
    kinds = core.cells(row_of(event("m", "1962-10")), ax)
    assert kinds == [None] * 30 + ["vague"] * 31 + [None] * 30


def test_an_interval_past_either_end_is_clipped_with_arrows():
    ax = axis("1962-10-14", "1962-10-28", 30)
    kinds = core.cells(row_of(event("long", "1962-10-01/1962-11-21")), ax)
    assert kinds == ["left"] + ["bar"] * 28 + ["right"]
    assert core.row_text(row_of(event("long", "1962-10-01/1962-11-21")), ax, core.GLYPHS_ASCII) == "<" + "#" * 28 + ">"
    left_only = core.cells(row_of(event("early", "1962-10-01/1962-10-15")), ax)
    assert left_only[:4] == ["left", "bar", "bar", "bar"] and left_only[4:] == [None] * 26


def test_a_year_precision_event_on_a_fortnight_fills_the_axis_faded_and_says_it_goes_on():
    ax = axis("1962-10-14", "1962-10-28", 30)
    assert core.row_text(row_of(event("y", "1962")), ax) == "◀" + "░" * 28 + "▶"


@pytest.mark.parametrize("when, mark", [("1962-10-16?", "?"), ("1962-10-16~", "~"), ("1962-10-16%", "?")])
def test_an_uncertain_or_approximate_date_is_marked_beside_it(when, mark):
    ax = axis("1962-10-14", "1962-10-28", 45)
    text = core.row_text(row_of(event("u", when)), ax)
    assert text[6:8] == "●" + mark


def test_the_qualifier_goes_before_when_the_next_cell_is_taken():
    ax = axis("1962-10-14", "1962-10-28", 15)  # a cell a day
    text = core.row_text(row_of(event("u", "1962-10-20?"), event("next", "1962-10-21")), ax)
    assert text[5:8] == "?●●"


def test_a_qualifier_on_a_bar_that_fills_the_axis_replaces_its_last_cell():
    ax = axis("1962-10-14", "1962-10-28", 15)
    text = core.row_text(row_of(event("u", "1962-10-14/1962-10-28~")), ax)
    assert text == "█" * 14 + "~"


def test_a_day_stays_visible_on_a_bar_in_the_same_lane():
    ax = axis("1962-10-14", "1962-10-28", 15)
    text = core.row_text(row_of(event("bar", "1962-10-14/1962-10-28"), event("day", "1962-10-20")), ax)
    assert text == "██████●████████"


def test_items_outside_the_axis_are_not_drawn():
    ax = axis("1962-10-14", "1962-10-28", 15)
    assert core.row_text(row_of(event("before", "1961-06-03")), ax) == " " * 15


# ===================================================================================== rows and lanes


def test_the_window_is_the_asked_range_else_the_events_span():
    events = [event("a", "1961-06-03/1961-06-04"), event("b", "1962-10")]
    assert core.window(events) == (date(1961, 6, 3), date(1962, 10, 31))
    assert core.window(events, date(1960, 1, 1), None) == (date(1960, 1, 1), date(1962, 10, 31))
    assert core.window([], date(1960, 1, 1), date(1960, 12, 31)) == (date(1960, 1, 1), date(1960, 12, 31))
    assert core.window([], date(1960, 1, 1), None) is None


def test_actor_lanes_hold_their_events_and_with_terms_their_terms_first():
    actors = {
        "k": Actor("k", "Khrushchev", "person", roles=(role("First Secretary", "1953-09-07", "1964-10-14"),)),
        "e": Actor("e", "Eisenhower", "person", roles=(role("President", "1953-01-20", "1961-01-20"),)),
        "x": Actor("x", "Stalin", "person", roles=(role("Premier", "1941-05-06", "1953-03-05"),)),
        "usa": Actor("usa", "United States", "state"),
    }
    events = [event("a", "1953-03-05", actors=("x", "usa")), event("b", "1956-02-25", actors=("k",)),
              event("c", "1959-09-15", actors=("k", "e"))]
    plain = core.actor_rows(actors, events)
    assert [r.key for r in plain] == ["x", "usa", "k", "e"]  # first appearance
    assert [len(r.items) for r in plain] == [1, 1, 2, 1]
    window = (date(1954, 1, 1), date(1964, 12, 31))
    lanes = core.actor_rows(actors, events, terms=True, window=window)
    assert [r.key for r in lanes] == ["e", "k", "x", "usa"]  # office holders by the start of their term
    stalin = lanes[2]
    assert [i.kind for i in stalin.items] == ["mark"]  # his term ended before the window
    khrushchev = lanes[1]
    assert [(i.kind, i.title) for i in khrushchev.items][0] == ("bar", "First Secretary")
    ax = core.make_axis(*window, 12)  # a cell a year
    assert core.row_text(khrushchev, ax)[:3] == "◀█●"  # his term began before the window


def test_a_term_with_a_vague_end_is_faded_there_only():
    actors = {"g": Actor("g", "Gottwald", "person", roles=(role("President", "1953-02", "1953-03-05"),))}
    lanes = core.actor_rows(actors, [event("d", "1953-03-05", actors=("g",))], terms=True)
    ax = core.make_axis(date(1953, 1, 25), date(1953, 3, 10), 45)  # a cell a day
    # February may be before he took office (faded); from its last day on, the term is sure (a bar).
    assert core.row_text(lanes[0], ax) == " " * 7 + "░" * 27 + "█" * 5 + "●" + " " * 5


def test_a_term_still_held_runs_past_the_axis():
    item = core.term_item(role("Chairman", "1949-10-01", None))
    ax = core.make_axis(date(1950, 1, 1), date(1959, 12, 31), 10)
    assert core.row_text(core.Row("m", "m", (item,)), ax) == "◀████████▶"
    assert core.plain_rows([core.Row("mao", "mao", (item,))], "actor") == [["mao", "1949-10-01", "", "", "Chairman"]]


def test_tag_lanes_most_used_first():
    events = [event("a", "1961", tags=("cuba",)), event("b", "1962", tags=("berlin", "crisis")),
              event("c", "1962-10", tags=("cuba", "crisis")), event("d", "1963", tags=("crisis",))]
    lanes = core.tag_rows(events)
    assert [(r.label, len(r.items)) for r in lanes] == [("crisis", 3), ("cuba", 2), ("berlin", 1)]


def test_plain_rows_are_start_end_id_title():
    rows = core.event_rows([event("vienna", "1961-06-03/1961-06-04", "Vienna summit")])
    assert core.plain_rows(rows, "event") == [["1961-06-03", "1961-06-04", "vienna", "Vienna summit"]]


def test_the_label_column_leaves_the_chart_its_room():
    rows = core.event_rows([event("x", "1962", "T" * 200)])
    for width in (30, 60, 100, 200):
        found = core.layout(rows, width, (date(1962, 1, 1), date(1962, 12, 31)))
        assert found.label_width + 1 + found.axis.width == width
        assert found.axis.width >= core.MIN_CHART and found.label_width <= 40


# ===================================================================================== the command


def test_piped_it_lists_the_rows_of_the_events_command(run):
    result = run("timeline", "--from", "1959", "--to", "1961")
    assert result.exit_code == 0, result.stderr
    listed = run("events", "--from", "1959", "--to", "1961", "--plain").stdout.splitlines()
    expected = [line.split("\t") for line in listed]
    assert [line.split("\t") for line in result.stdout.splitlines()] == [[s, e, i, t] for s, e, i, _, t in expected]
    assert "\x1b" not in result.stdout and "█" not in result.stdout


def test_piped_lanes_start_with_the_lane(run):
    result = run("timeline", "--by", "actor", "--tag", "leadership")
    assert result.exit_code == 0
    result = run("timeline", "--by", "actor", "--from", "1961", "--to", "1961")
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines and all(len(line) == 5 for line in lines)
    assert ["kennedy", "1961-06-03", "1961-06-04", "vienna-summit", "Vienna summit"] in lines
    assert ["khrushchev", "1961-06-03", "1961-06-04", "vienna-summit", "Vienna summit"] in lines


def test_piped_terms_are_listed_with_leadership(run, write_dataset, mini_raw):
    mini_raw["events"][2]["tags"].append("leadership")  # operation-mongoose, with kennedy
    mini_raw["events"][2].setdefault("actors", []).append("kennedy")
    result = run("timeline", "--by", "actor", "--tag", "leadership", data=write_dataset(mini_raw))
    assert result.exit_code == 0, result.stderr
    assert ["kennedy", "1961-01-20", "1963-11-22", "", "President of the United States"] in \
        [line.split("\t") for line in result.stdout.splitlines()]


def chart_lines(result) -> list[str]:
    assert result.exit_code == 0, (result.stderr, result.exception)
    return result.stdout.splitlines()


def test_chart_draws_the_axis_and_a_row_per_event(run):
    lines = chart_lines(run("timeline", "--chart", "--width", "80"))
    assert lines[0] == "7 events, 23 December 1953 to 31 December 1969"  # Beria's execution to the 1960s' end
    assert lines[1].split() == ["1954", "1956", "1958", "1960", "1962", "1964", "1966", "1968"]
    assert lines[2].lstrip().startswith("┬─")
    drawn = [line for line in lines if "Batista" in line or "Vienna" in line]
    assert len(drawn) == 2 and "●" in drawn[0] and ("█" in drawn[1] or "●" in drawn[1])
    assert "day" in lines[-1] and "░" in lines[-1]  # the key says what the marks mean


@pytest.mark.parametrize("width", [30, 60, 100, 200])
def test_chart_lines_fit_the_width(run, width):
    for args in (["timeline"], ["timeline", "--by", "actor"], ["timeline", "--by", "tag", "--on", "1960s"]):
        for line in chart_lines(run(*args, "--chart", "--width", str(width))):
            assert cell_len(line) <= width, (args, line)


def test_chart_on_a_terminal_is_coloured_and_not_with_no_color(run, as_terminal):
    coloured = run("timeline", env={"COLUMNS": "90"})
    assert coloured.exit_code == 0 and SGR.search(coloured.stdout)
    plain = run("timeline", env={"COLUMNS": "90", "NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b" not in plain.stdout
    drawing = 1 + 2 + 7  # heading, axis (ticks and rule), a row per event; then the key (tag colours only in colour)
    assert SGR.sub("", coloured.stdout).splitlines()[:drawing] == plain.stdout.splitlines()[:drawing]
    assert "█ cuba" in SGR.sub("", coloured.stdout) and "cuba" not in plain.stdout
    assert "●" in plain.stdout and "Vienna summit" in plain.stdout


def test_plain_forces_rows_on_a_terminal(run, as_terminal):
    result = run("timeline", "--plain")
    assert result.exit_code == 0
    assert all(len(line.split("\t")) == 4 for line in result.stdout.splitlines())


def test_nothing_matched_is_not_an_error(run, as_terminal):
    result = run("timeline", "--keyword", "zzzz")
    assert result.exit_code == 0 and result.stdout == "" and "No events matched" in result.stderr
    piped = run("timeline", "--keyword", "zzzz", "--plain")
    assert piped.exit_code == 0 and piped.stdout == ""


@pytest.mark.parametrize("args, words", [(["--by", "year"], "'--by'"), (["--width", "5"], "'--width'"),
                                         (["--from", "banana"], "'--from'"), (["--from", "1962", "--to", "1961"], "after")])
def test_usage_errors_are_one_line_and_exit_2(run, args, words):
    result = run("timeline", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr


def test_unknown_actor_is_a_failed_lookup(run):
    result = run("timeline", "--actor", "nobody-at-all")
    assert result.exit_code == 1 and result.stdout == "" and len(result.stderr.splitlines()) == 1


def test_svg_is_a_valid_svg_of_the_drawing(run, tmp_path):
    path = tmp_path / "t.svg"
    result = run("timeline", "--svg", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "Wrote a timeline of 7 events" in result.stderr
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext()).replace("\xa0", " ")
    assert "Vienna summit" in text and "●" in text and "1960" in text


def test_svg_to_an_unwritable_place_is_one_line_and_exit_1(run, tmp_path):
    for target in (tmp_path / "no" / "such" / "dir.svg", tmp_path):
        result = run("timeline", "--svg", str(target))
        assert result.exit_code == 1 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: cannot write"), lines


def test_hostile_text_is_drawn_as_text(run, tmp_path, monkeypatch):
    from tests.test_hostile import HOSTILE, hostile_dataset, let_control_characters_load

    let_control_characters_load(monkeypatch)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile_dataset()), encoding="utf-8")
    for by in ("event", "actor", "tag"):
        result = run("timeline", "--on", "1962-10", "--by", by, "--chart", "--width", "200", "--color", "always",
                     data=path)
        assert result.exit_code == 0, result.stderr
        assert not RAW_CONTROL.search(SGR.sub("", result.stdout)), by
        assert "[bold]Bold[/bold]" in result.stdout or by == "tag"
        for line in SGR.sub("", result.stdout).splitlines():
            assert cell_len(line) <= 200
    piped = run("timeline", "--on", "1962-10", data=path)
    rows = [line.split("\t") for line in piped.stdout.splitlines()]
    assert rows and all(len(row) == 4 and not RAW_CONTROL.search("".join(row)) for row in rows)
    svg = tmp_path / "h.svg"
    assert run("timeline", "--on", "1962-10", "--svg", str(svg), "--width", "200", data=path).exit_code == 0
    root = ET.parse(svg).getroot()  # well-formed: nothing from the data became markup
    assert not any(el.tag.endswith(("script", "foreignObject")) for el in root.iter())
    assert HOSTILE["markup"][:14] in "".join(root.itertext()).replace("\xa0", " ")


# ===================================================================================== a real terminal


def _pty():
    pytest.importorskip("pexpect")
    from tests import test_terminal

    return test_terminal


@pytest.mark.slow
@pytest.mark.parametrize("cols", [60, 100, 200])
def test_the_thirteen_days_in_a_real_terminal(cols):
    pty = _pty()
    out, status = pty.in_pty("timeline", "--from", "1962-10-14", "--to", "1962-10-28", cols=cols, data=None)
    assert status == 0
    assert pty.fits(out, cols), "\n".join(line for line in out.split("\n") if cell_len(pty.ANSI.sub("", line)) > cols)
    text = pty.ANSI.sub("", out)
    lines = text.split("\n")
    assert "October 1962" in text and SGR.search(out)
    assert any(line.lstrip().startswith("14") and "28" in line for line in lines), "the ticks run from 14 to 28"
    crisis = [line for line in lines if line.startswith("The Cuban missile")]
    assert len(crisis) == 1 and crisis[0].count("█") >= (cols - cols // 3) * 12 // 15 - 2  # 16 to 28 October
    assert sum(line.count("●") for line in lines) >= 25  # the days of the crisis, one mark each


@pytest.mark.slow
@pytest.mark.parametrize("cols", [60, 100, 200])
def test_the_leaders_in_a_real_terminal_with_no_color(cols):
    pty = _pty()
    out, status = pty.in_pty("timeline", "--by", "actor", "--tag", "leadership", "--from", "1953", "--to", "1964",
                             cols=cols, data=None, env=pty.pty_env(NO_COLOR="1"))
    assert status == 0 and "\x1b[3" not in out and "\x1b[1m" not in out
    assert pty.fits(out, cols)
    lanes = {line.split("  ")[0].rstrip("…"): line for line in out.split("\n") if "█" in line}
    for name in ("Nikita Khrushchev", "Dwight D. Eisenhower", "John F. Kennedy"):
        assert any(name.startswith(key) or key.startswith(name) for key in lanes), (name, list(lanes)[:10])


@pytest.mark.slow
def test_a_terminal_that_is_not_utf8_gets_ascii_arrows():
    pty = _pty()
    result = pty.piped("timeline", "--on", "1960-10", "--chart", "--width", "60",
                       env=pty.base_env(PYTHONIOENCODING="ascii"))
    assert result.returncode == 0, result.stderr
    assert "<" in result.stdout and ">" in result.stdout and "-" in result.stdout  # late-1960 runs past both ends
    assert "◀" not in result.stdout and "░" not in result.stdout
    assert result.stdout.isascii()


@pytest.mark.slow
def test_a_real_pipe_gets_rows(tmp_path):
    pty = _pty()
    result = pty.piped("timeline", "--on", "1961", data=MINI)
    assert result.returncode == 0
    ids = [line.split("\t")[2] for line in result.stdout.splitlines()]
    assert ids == ["sixties", "vienna-summit", "operation-mongoose"]  # the 1960s start first
