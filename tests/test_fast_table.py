"""The events table laid out by `fast_table` is the table rich draws: same widths, wrapping, folding, caption."""

import io
import re
from datetime import date

from hypothesis import given, settings, strategies as st

from cold_war_cli import fast_table, render, terminal
from cold_war_cli.dataset import load
from cold_war_cli.dates import DayRange
from cold_war_cli.query import EventFilter, select_events

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _rich_text(terminal_, build) -> str:
    return render._rich(terminal_, build)


def _pipe(width: int, color: bool = False) -> terminal.Terminal:
    return terminal.Terminal(is_tty=color, color=color, width=width, height=24)


def test_the_events_table_is_what_rich_draws_for_the_shipped_data_at_every_common_width():
    data = load()
    everything = select_events(data, EventFilter())
    cut = select_events(data, EventFilter(when=DayRange(date(1962, 10, 20), date(1962, 10, 31), "day")))
    assert any(m.partial for m in cut)
    for width in (50, 80, 100, 120, 200):
        for matches in (everything, cut):
            fast = render.render_events(data, matches, "table", _pipe(width))
            slow = _rich_text(_pipe(width), lambda: [render._events_table(render.table_rows(data, matches))])
            assert fast == slow, width


def test_in_colour_the_table_is_the_same_text_with_its_styles():
    data = load()
    matches = select_events(data, EventFilter(when=DayRange(date(1962, 10, 27), date(1962, 10, 27), "day")))
    coloured = render.render_events(data, matches, "table", _pipe(120, color=True))
    assert ANSI.sub("", coloured) == render.render_events(data, matches, "table", _pipe(120))
    first = matches[0].event
    assert f"\x1b[1m{first.title}" in coloured and f"\x1b[1;2m{first.id}" in coloured  # bold title, dim id
    assert "\x1b[36m" in coloured and "\x1b[32m" in coloured  # cyan dates, green actors


def test_a_terminal_too_narrow_for_the_columns_gets_rich_s_own_shrunken_table():
    data = load()
    matches = select_events(data, EventFilter(when=DayRange(date(1962, 10, 27), date(1962, 10, 27), "day")))
    columns = [fast_table.Column("Date", "cyan", min_width=10, max_width=13), fast_table.Column("Event", ratio=2),
               fast_table.Column("Actors", "green", ratio=1)]
    assert fast_table.lay_out(columns, [[[("1962-10-27", None)], [("x", None)], [("y", None)]]], 22,
                              None) is None
    for width in (12, 22, 26):
        assert render.render_events(data, matches, "table", _pipe(width)) == \
            _rich_text(_pipe(width), lambda: [render._events_table(render.table_rows(data, matches))])


WORD = st.one_of(st.text(alphabet="abcdefghij", min_size=1, max_size=14),
                 st.text(alphabet="漢字かなÉéüß—–’", min_size=1, max_size=6),  # wide and accented characters
                 st.sampled_from(["a" * 40, "x-y-z", "1962-10-16", "(n)", "≈"]))
PARAGRAPH = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(PARAGRAPH, PARAGRAPH, PARAGRAPH, PARAGRAPH), min_size=1, max_size=4),
       width=st.integers(min_value=20, max_value=160), caption=st.booleans())
def test_any_cells_at_any_width_come_out_as_rich_draws_them(rows, width, caption):
    from rich.table import Table
    from rich.text import Text

    columns = [fast_table.Column("Date", "cyan", min_width=10, max_width=13), fast_table.Column("Event", ratio=2),
               fast_table.Column("Actors", "green", ratio=1)]
    cells = [[[(d, None)], [(title, "bold"), (ident, "bold dim")], [(actors, None)]] for d, title, ident, actors in rows]
    note = "≈ a caption that may wrap when the table is narrow" if caption else None
    fast = fast_table.lay_out(columns, cells, width, None, note)

    def table():
        t = Table(show_lines=False, expand=True, header_style="bold", caption=note)
        t.add_column("Date", no_wrap=False, overflow="fold", style="cyan", min_width=10, max_width=13)
        t.add_column("Event", overflow="fold", ratio=2)
        t.add_column("Actors", overflow="fold", ratio=1, style="green")
        for d, title, ident, actors in rows:
            t.add_row(Text(d), Text(title, style="bold") + Text("\n" + ident, style="dim"), Text(actors))
        return [t]

    if fast is not None:
        assert fast == _rich_text(_pipe(width), table)


def test_the_store_s_table_rows_are_the_rows_made_from_the_events():
    from cold_war_cli import records

    data = load()
    for wanted in (EventFilter(), EventFilter(when=DayRange(date(1962, 10, 20), date(1962, 10, 31), "day"))):
        assert list(records.iter_table_rows(data, wanted)) == render.table_rows(data, select_events(data, wanted))
