"""The layout of `cwc timeline`: an axis scaled to a width, and rows of cells (no click, no rich).

Days are mapped onto the `width` cells of the chart: day i of an axis of n days covers the cells from i*width//n
up to (i+1)*width//n - 1 (at least one). Each row holds items (an event, or an actor's term of office) drawn as:

- `bar`: an interval known to the day;
- `mark`: one day (at the first cell of that day);
- `vague`: a date known only to the month, year or decade (the whole span it may mean, drawn faded);
- `left` / `right`: the item runs on past the axis's first or last day;
- `?` / `~`: the date is uncertain / approximate (next to the item, where there is room).

The renderer turns these kinds into characters (`GLYPHS`) and colours; the meaning is always in the characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from cold_war_cli.value import Value

BY = ("event", "actor", "tag")
KINDS = ("vague", "bar", "mark", "left", "right", "?", "~")
# Where two items meet in one cell, the higher wins: a day stays visible on a term's bar.
_PRIORITY = {"vague": 1, "bar": 2, "mark": 3, "left": 4, "right": 4, "?": 5, "~": 5}
QUALIFIERS = {"certain": "", "uncertain": "?", "approximate": "~", "uncertain and approximate": "?"}

GLYPHS_UTF8 = {"bar": "█", "mark": "●", "vague": "░", "left": "◀", "right": "▶", "?": "?", "~": "~",
               "grid": "·", "rule": "─", "tick": "┬", "ellipsis": "…"}
GLYPHS_ASCII = {"bar": "#", "mark": "o", "vague": "-", "left": "<", "right": ">", "?": "?", "~": "~",
                "grid": " ", "rule": "-", "tick": "+", "ellipsis": "~"}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# Tick grains, finest first: (unit, step). Days step so that ticks fall on the same days of every month.
GRAINS = (("day", 1), ("day", 2), ("day", 7), ("day", 14), ("month", 1), ("month", 2), ("month", 3), ("month", 6),
          ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 25), ("year", 50),
          ("year", 100), ("year", 250), ("year", 500), ("year", 1000), ("year", 2500))
_APPROX_DAYS = {"day": 1, "month": 30.4, "year": 365.25}
# The longest span that each unit labels: days up to a quarter, months up to six years, years beyond (a year
# at 130 columns could hold ticks on the 1st and 15th, but reads better by month).
_UNIT_SPAN = {"day": 92, "month": 6 * 366, "year": None}
MIN_CHART = 10


class Tick(Value):
    __slots__ = ("pos", "label", "day")

    def __init__(self, pos: int, label: str, day: date):
        self.pos, self.label, self.day = pos, label, day


class Axis(Value):
    """The days from `start` to `end` (both included) over `width` cells, with labelled ticks at one grain
    (`unit` and `step`) and, above them, the larger periods they fall in (`majors`: months over days, years over
    months)."""

    __slots__ = ("start", "end", "width", "unit", "step", "ticks", "majors")

    def __init__(self, start: date, end: date, width: int, unit: str = "", step: int = 0,
                 ticks: tuple[Tick, ...] = (), majors: tuple[Tick, ...] = ()):
        self.start, self.end, self.width = start, end, width
        self.unit, self.step, self.ticks, self.majors = unit, step, ticks, majors

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1

    def first_cell(self, day: date) -> int:
        """The first cell of a day (may lie outside 0..width-1 for a day outside the axis)."""
        return (day.toordinal() - self.start.toordinal()) * self.width // self.days

    def last_cell(self, day: date) -> int:
        index = day.toordinal() - self.start.toordinal()
        return max(index * self.width // self.days, (index + 1) * self.width // self.days - 1)


class Item(Value):
    """One thing drawn in a row: an event or a term of office. `end` None: still going on (a term still held).
    `sure`, for a bar whose ends are vague (a term from 1948 to 14 March 1953): the days it surely covers; the
    rest of the bar is drawn faded."""

    __slots__ = ("start", "end", "kind", "qualifier", "id", "title", "sure")

    def __init__(self, start: date, end: date | None, kind: str, qualifier: str = "", id: str = "", title: str = "",
                 sure: tuple[date, date] | None = None):
        self.start, self.end, self.kind, self.qualifier, self.id, self.title = start, end, kind, qualifier, id, title
        self.sure = sure


class Row(Value):
    """A line of the chart: a label, a key that picks its colour (the first tag, or the lane), and its items."""

    __slots__ = ("label", "key", "items")

    def __init__(self, label: str, key: str, items: tuple[Item, ...]):
        self.label, self.key, self.items = label, key, items


class Layout(Value):
    __slots__ = ("axis", "label_width", "rows", "by")

    def __init__(self, axis: Axis, label_width: int, rows: tuple[Row, ...], by: str):
        self.axis, self.label_width, self.rows, self.by = axis, label_width, rows, by


# ------------------------------------------------------------------------------------------------ items


def event_item(event) -> Item:
    """An event as drawn: a day as a mark, an interval of days as a bar, anything vaguer as a faded span."""
    if event.range.precision == "day":
        kind = "mark" if event.range.start == event.range.end else "bar"
    else:
        kind = "vague"
    return Item(event.range.start, event.range.end, kind, QUALIFIERS.get(event.certainty, ""), event.id, event.title)


def term_item(role) -> Item:
    """A term of office as a bar, faded over an end known only to the month or year (a term from 1948 is surely
    held from the last day of 1948); all faded when no day is sure."""
    sure_start = role.start.end
    sure_end = role.end.start if role.end else date.max
    end = role.end.end if role.end else None
    if sure_start > sure_end:
        return Item(role.start.start, end, "vague", "", "", role.title)
    exact = sure_start == role.start.start and (role.end is None or sure_end == role.end.end)
    return Item(role.start.start, end, "bar", "", "", role.title, None if exact else (sure_start, sure_end))


# ------------------------------------------------------------------------------------------------ rows


def event_rows(events: Iterable) -> list[Row]:
    """One row per event, coloured by its first tag."""
    return [Row(e.title, e.tags[0] if e.tags else "", (event_item(e),)) for e in events]


def actor_rows(actors: Mapping, events: list, terms: bool = False, window: tuple[date, date] | None = None) -> list[Row]:
    """One lane per actor of the events, holding their events; with `terms`, also their terms of office that
    overlap `window`, drawn as bars, and the actors who held an office come first, in the order they took one.
    The other lanes follow in the order of their first event."""
    order: dict[str, list] = {}
    for event in events:
        for actor_id in event.actor_ids:
            order.setdefault(actor_id, []).append(event)
    rows_with_terms, rows = [], []
    for actor_id, own in order.items():
        actor = actors.get(actor_id)
        held = []
        if terms and actor is not None:
            held = [term_item(r) for r in actor.roles if _overlaps(r.start.start, r.end.end if r.end else None, window)]
        items = tuple(sorted(held, key=lambda i: i.start)) + tuple(event_item(e) for e in own)
        row = Row(actor.name if actor is not None else actor_id, actor_id, items)
        if held:
            rows_with_terms.append((min(i.start for i in held), len(rows_with_terms), row))
        else:
            rows.append(row)
    return [row for _, _, row in sorted(rows_with_terms, key=lambda t: t[:2])] + rows


def tag_rows(events: list) -> list[Row]:
    """One lane per tag, most used first (ties in the order of their first event)."""
    lanes: dict[str, list] = {}
    for event in events:
        for tag in event.tags:
            lanes.setdefault(tag, []).append(event)
    ordered = sorted(lanes.items(), key=lambda kv: -len(kv[1]))  # stable: first seen first among equals
    return [Row(tag, tag, tuple(event_item(e) for e in own)) for tag, own in ordered]


def _overlaps(start: date, end: date | None, window: tuple[date, date] | None) -> bool:
    if window is None:
        return True
    return start <= window[1] and (end is None or window[0] <= end)


# ------------------------------------------------------------------------------------------------ the axis


def window(events: list, asked_start: date | None = None, asked_end: date | None = None) -> tuple[date, date] | None:
    """The axis's first and last day: the asked dates where given, else the events' span. None when there is
    neither."""
    start, end = asked_start, asked_end
    if events:
        start = start if start is not None else min(e.range.start for e in events)
        end = end if end is not None else max(e.range.end for e in events)
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)


def make_axis(start: date, end: date, width: int) -> Axis:
    """The finest grain whose tick labels fit side by side (two spaces between them) with at least two ticks, from
    the unit that suits the span (days up to a quarter, months up to six years, then years); else the finest that
    fits at all; else no ticks."""
    base = Axis(start, end, width)
    first_unit = next((u for u, s in GRAINS if _UNIT_SPAN[u] is None or base.days <= _UNIT_SPAN[u]), "year")
    preferred = [(u, s) for u, s in GRAINS if GRAINS.index((u, s)) >= GRAINS.index((first_unit, 1))]
    return _first_fitting(base, preferred) or _first_fitting(base, GRAINS) or base


def _first_fitting(base: Axis, grains) -> Axis | None:
    start, end, width = base.start, base.end, base.width
    fallback = None
    for unit, step in grains:
        if base.days / (_APPROX_DAYS[unit] * step) > width:  # more ticks than cells: cannot fit (and skip listing)
            continue
        ticks = tuple(Tick(base.first_cell(day), tick_label(day, unit), day) for day in tick_days(start, end, unit, step))
        if not ticks or not _fits(ticks, width):
            continue
        axis = Axis(start, end, width, unit, step, ticks, majors_for(base, unit))
        if len(ticks) >= 2:
            return axis
        fallback = fallback or axis
    return fallback


def tick_days(start: date, end: date, unit: str, step: int) -> list[date]:
    """The days that get a tick: every day or every other day from the first, else the same days of each month
    (1, 8, 15, 22 or 1, 15), the
    first of every `step`-th month (January, April, July, October for 3), or 1 January of years divisible by
    `step`."""
    if unit == "day":
        first = start.toordinal()
        days = (date.fromordinal(o) for o in range(first, end.toordinal() + 1))
        if step <= 2:  # from the axis's first day: a fortnight reads 14, 16, ... 28
            return [d for d in days if (d.toordinal() - first) % step == 0]
        return [d for d in days if d.day <= 28 and (d.day - 1) % step == 0]
    if unit == "month":
        months = range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
        return [d for d in (date(i // 12, i % 12 + 1, 1) for i in months if (i % 12) % step == 0) if d >= start]
    return [date(y, 1, 1) for y in range(start.year, end.year + 1) if y % step == 0 and date(y, 1, 1) >= start]


def tick_label(day: date, unit: str) -> str:
    if unit == "day":
        return str(day.day)
    if unit == "month":
        return MONTHS[day.month - 1][:3]
    return str(day.year)


def majors_for(axis: Axis, unit: str) -> tuple[Tick, ...]:
    """Months above day ticks, years above month ticks: at the axis's first day, then at each new month or year,
    leaving out a label that would run into the next (the first is cut short if it is the only one)."""
    if unit == "day":
        months = range(axis.start.year * 12 + axis.start.month - 1, axis.end.year * 12 + axis.end.month)
        starts = [max(axis.start, date(i // 12, i % 12 + 1, 1)) for i in months]
        found = [Tick(axis.first_cell(d), f"{MONTHS[d.month - 1]} {d.year}", d) for d in starts]
    elif unit == "month":
        starts = [max(axis.start, date(y, 1, 1)) for y in range(axis.start.year, axis.end.year + 1)]
        found = [Tick(axis.first_cell(d), str(d.year), d) for d in starts]
    else:
        return ()
    kept = []
    for i, tick in enumerate(found):
        room = (found[i + 1].pos - 1 if i + 1 < len(found) else axis.width) - tick.pos
        if len(tick.label) <= room:
            kept.append(tick)
        elif len(found) == 1:
            kept.append(Tick(tick.pos, tick.label[:max(room, 0)], tick.day))
    return tuple(kept)


def _fits(ticks: tuple[Tick, ...], width: int) -> bool:
    """Labels side by side with at least two spaces between them, the last one inside the width."""
    for here, after in zip(ticks, ticks[1:]):
        if here.pos + len(here.label) + 2 > after.pos:
            return False
    return ticks[-1].pos + len(ticks[-1].label) <= width


# ------------------------------------------------------------------------------------------------ cells


def cells(row: Row, axis: Axis) -> list[str | None]:
    """The row's kind of mark in each cell of the chart (None: nothing there)."""
    out: list[str | None] = [None] * axis.width
    qualified = []

    def put(i: int, kind: str) -> None:
        if 0 <= i < axis.width and (out[i] is None or _PRIORITY[kind] >= _PRIORITY[out[i]]):
            out[i] = kind

    for item in row.items:
        end = item.end or date.max
        if end < axis.start or item.start > axis.end:
            continue
        first = axis.first_cell(max(item.start, axis.start))
        last = first if item.kind == "mark" else axis.last_cell(min(end, axis.end))
        sure_first, sure_last = first, last
        if item.sure is not None:  # the faded ends of a bar
            sure_first, sure_last = axis.first_cell(max(item.sure[0], axis.start)), axis.last_cell(min(item.sure[1], axis.end))
            if item.sure[1] < axis.start or item.sure[0] > axis.end:
                sure_first, sure_last = last + 1, last
        for i in range(first, last + 1):
            put(i, item.kind if sure_first <= i <= sure_last else "vague")
        if item.start < axis.start:
            put(first, "left")
        if end > axis.end:
            put(last, "right")
        if item.qualifier:
            qualified.append((first, last, item.qualifier))
    for first, last, qualifier in qualified:  # after every item is drawn, so that a free cell is really free
        for i in (last + 1, first - 1):
            if 0 <= i < axis.width and out[i] is None:
                out[i] = qualifier
                break
        else:
            out[last] = qualifier
    return out


def row_text(row: Row, axis: Axis, glyphs: Mapping[str, str] = GLYPHS_UTF8) -> str:
    """The row's chart as plain characters (what the renderer colours)."""
    return "".join(" " if kind is None else glyphs[kind] for kind in cells(row, axis))


def axis_lines(axis: Axis, glyphs: Mapping[str, str] = GLYPHS_UTF8) -> tuple[str, str, str]:
    """The axis as three lines of `axis.width` characters: the larger periods, the tick labels, the rule."""
    return (_place(axis.majors, axis.width), _place(axis.ticks, axis.width),
            "".join(glyphs["tick"] if i in {t.pos for t in axis.ticks} else glyphs["rule"] for i in range(axis.width)))


def _place(ticks: Iterable[Tick], width: int) -> str:
    line = [" "] * width
    for tick in ticks:
        for offset, ch in enumerate(tick.label):
            if 0 <= tick.pos + offset < width:
                line[tick.pos + offset] = ch
    return "".join(line)


# ------------------------------------------------------------------------------------------------ the whole


def label_width(rows: list[Row], width: int) -> int:
    """A third of the width (at most 40 columns), less when the labels are shorter; the chart keeps the rest."""
    longest = max((len(r.label) for r in rows), default=0)
    most = max(min(width // 3, 40), 4)
    return max(4, min(longest, most, width - MIN_CHART - 1))


def layout(rows: list[Row], width: int, span: tuple[date, date], by: str = "event") -> Layout:
    """Rows, the label column's width and an axis over the rest of `width` (one space between them)."""
    labels = label_width(rows, width)
    return Layout(make_axis(span[0], span[1], max(width - labels - 1, 1)), labels, tuple(rows), by)


def plain_rows(rows: list[Row], by: str) -> list[list[str]]:
    """The rows as data: `start, end, id, title` per event; with lanes, the lane's key first and one line per item
    (a term of office has an empty id, and an empty end while still held)."""
    out = []
    for row in rows:
        for item in row.items:
            fields = [item.start.isoformat(), item.end.isoformat() if item.end else "", item.id, item.title]
            out.append(fields if by == "event" else [row.key, *fields])
    return out


def kinds_used(layout_: Layout) -> list[str]:
    """The kinds drawn somewhere in the chart, in the key's order."""
    seen = set()
    for row in layout_.rows:
        seen.update(k for k in cells(row, layout_.axis) if k)
    return [k for k in KINDS if k in seen]
