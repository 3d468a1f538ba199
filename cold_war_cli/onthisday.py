"""On this day in Cold War history: day-precise events whose anniversary falls in a window around a day."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta

from cold_war_cli.errors import BadDate
from cold_war_cli.store import Store as Dataset

_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})\Z")


@dataclass(frozen=True, slots=True)
class Anniversary:
    event_id: str
    start: date  # the event's first day
    record: str  # the event's record as the store keeps it (`partial` false)
    on: date  # the day in the window whose month and day the event shares
    years_ago: int
    moved_from_feb_29: bool = False  # a 29 February event shown on 28 February of a common year


def today(environ=os.environ) -> date:
    """Today, unless CWC_TODAY=YYYY-MM-DD fixes it (for tests and for looking from another day)."""
    fixed = environ.get("CWC_TODAY")
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", fixed) else _bad(fixed)
    except ValueError:
        _bad(fixed)


def _bad(value: str):
    raise BadDate(f"CWC_TODAY={value!r} is not a real day; use YYYY-MM-DD")


def parse_month_day(text: str) -> tuple[int, int]:
    """MM-DD, any day that exists in some year (so 02-29 is accepted)."""
    m = _MONTH_DAY.match(text.strip())
    if not m:
        raise BadDate(f"'{text}' is not a day of the year; use MM-DD, such as 10-27 or 02-29")
    month, day = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]):
        raise BadDate(f"'{text}' is not a day of the year; use MM-DD, such as 10-27 or 02-29")
    return month, day


def window(reference: date, month: int, day: int, before: int, after: int) -> list[date]:
    """The days from `before` days ahead of (month, day) to `after` days after it, in the reference year.

    As `calendar -B/-A` do, the window crosses the ends of the year. 29 February in a common year is read as 28
    February.
    """
    year = reference.year
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    centre = date(year, month, day)
    days = []
    for offset in range(-before, after + 1):
        try:
            days.append(centre + timedelta(days=offset))
        except OverflowError:  # before 1 January of year 1 or after 31 December 9999
            continue
    return days


def anniversaries(dataset: Dataset, days: list[date]) -> list[Anniversary]:
    """Day-precise events whose start falls on one of these days of the year, in window order then by year."""
    wanted: dict[tuple[int, int], date] = {}
    for day in days:
        wanted[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            wanted[(2, 29)] = day
    found = []
    # month_day is set only where the start day is known exactly (bounds and coarser dates do not count)
    days_asked = [f"{month:02d}-{day:02d}" for month, day in wanted]
    sql = (f"SELECT id, start_date, record FROM events WHERE month_day IN ({', '.join('?' * len(days_asked))}) "
           f"ORDER BY rowid")
    for event_id, first, record in dataset.db.execute(sql, days_asked):
        start = date.fromisoformat(first)
        key = (start.month, start.day)
        on = wanted[key]
        found.append(Anniversary(event_id, start, record, on, on.year - start.year,
                                 moved_from_feb_29=key == (2, 29) and on.day == 28))
    found.sort(key=lambda a: (a.on, a.start, a.event_id))
    return found
