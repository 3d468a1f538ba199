"""Dates: the dataset's restricted EDTF strings and the dates people type, both as closed ranges of days.

Every date in cwc becomes a `DayRange`: the first and last day it can mean, both included, and the precision it
was given at. Qualifiers (? ~ %) set certainty only; they never widen a range.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PRECISIONS = ("day", "month", "year", "decade")  # finest to coarsest
CERTAINTY = {"": "certain", "?": "uncertain", "~": "approximate", "%": "uncertain and approximate"}

ACCEPTED_FORMS = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, a decade such as 1960s, "
    "or English such as 'March 1958', '27 October 1962' or 'Oct 27, 1962'"
)


@dataclass(frozen=True, slots=True)
class DayRange:
    start: date
    end: date
    precision: str

    def overlaps(self, other: DayRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: DayRange) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class EventDate:
    """A parsed dataset date string."""

    text: str
    range: DayRange
    certainty: str


# ---------------------------------------------------------------------------------------------- ranges


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def year_range(year: int) -> DayRange:
    return DayRange(date(year, 1, 1), date(year, 12, 31), "year")


def month_range(year: int, month: int) -> DayRange:
    return DayRange(date(year, month, 1), date(year, month, last_day(year, month)), "month")


def decade_range(first_year: int) -> DayRange:
    return DayRange(date(first_year, 1, 1), date(first_year + 9, 12, 31), "decade")


def _coarser(a: str, b: str) -> str:
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b


def _point(year: str, month: str | None, day: str | None) -> DayRange:
    """The range of an ISO-like point; raises ValueError for impossible dates."""
    y = int(year)
    if y < 1:
        raise ValueError(f"year {year} is out of range")
    if month is None:
        return year_range(y)
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"month {month} does not exist")
    if day is None:
        return month_range(y, m)
    d = int(day)
    if not 1 <= d <= last_day(y, m):
        raise ValueError(f"{year}-{month} has no day {day}")
    return DayRange(date(y, m, d), date(y, m, d), "day")


def between(first: DayRange | None, last: DayRange | None) -> DayRange | None:
    """The range from the first day of `first` to the last day of `last`; a missing end is open.

    Raises BadDate when `first` begins after `last` ends.
    """
    from cold_war_cli.errors import BadDate

    if first is None and last is None:
        return None
    start = first.start if first else date.min
    end = last.end if last else date.max
    if end < start:
        raise BadDate(f"the range starts ({start}) after it ends ({end})")
    precision = _coarser(first.precision, last.precision) if first and last else (first or last).precision
    return DayRange(start, end, precision)


# ------------------------------------------------------------------------------- dataset (EDTF subset)

_EDTF_POINT = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%]?)"
_EDTF_POINT_RE = re.compile(_EDTF_POINT + r"\Z")
_EDTF_DECADE_RE = re.compile(r"(\d{3})X([?~%]?)\Z")
DATE_GRAMMAR = "YYYY, YYYY-MM, YYYY-MM-DD, an interval A/B of those, or a decade YYYX, each optionally followed by ?, ~ or %"


def _qualifier_certainty(quals: set[str]) -> str:
    quals.discard("")
    if not quals:
        return "certain"
    if "%" in quals or quals == {"?", "~"}:
        return CERTAINTY["%"]
    return CERTAINTY[quals.pop()]


def parse_edtf(text: str) -> EventDate:
    """Parse a dataset date string (restricted EDTF). Raises ValueError with the reason."""
    if not isinstance(text, str):
        raise ValueError(f"a date must be a string, not {type(text).__name__}")
    if m := _EDTF_DECADE_RE.match(text):
        return EventDate(text, decade_range(int(m.group(1)) * 10), _qualifier_certainty({m.group(2)}))
    parts = text.split("/")
    if len(parts) > 2:
        raise ValueError(f"'{text}' is not a date: use {DATE_GRAMMAR}")
    points = []
    for part in parts:
        m = _EDTF_POINT_RE.match(part)
        if not m:
            raise ValueError(f"'{text}' is not a date: use {DATE_GRAMMAR}")
        points.append((_point(*m.group(1, 2, 3)), m.group(4)))
    if len(points) == 1:
        (rng, qual), = points
        return EventDate(text, rng, _qualifier_certainty({qual}))
    (first, q1), (second, q2) = points
    if second.end < first.start:
        raise ValueError(f"interval '{text}' ends before it starts")
    rng = DayRange(first.start, second.end, _coarser(first.precision, second.precision))
    return EventDate(text, rng, _qualifier_certainty({q1, q2}))


ISO_DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
ISO_PARTIAL_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")


def parse_iso_day(text: str) -> date:
    """A full ISO day, as used by `bounds`. Raises ValueError."""
    m = ISO_DAY_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"'{text}' is not a day (YYYY-MM-DD)")
    return _point(*m.groups()).start


def parse_partial_iso(text: str) -> DayRange:
    """YYYY, YYYY-MM or YYYY-MM-DD, as used for birth dates and terms of office. Raises ValueError."""
    m = ISO_PARTIAL_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"'{text}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    return _point(*m.groups())


# ---------------------------------------------------------------------------------------- user dates

_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name: i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTHS = {k.lower(): v for k, v in _MONTHS.items()}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_ENGLISH_FORMS = [
    re.compile(rf"{_MONTH}\s*,?\s+{_YEAR}\Z"),  # March 1958
    re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\Z"),  # 27 October 1962
    re.compile(rf"{_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}\Z"),  # Oct 27, 1962
]
_DECADE_RE = re.compile(r"(\d{3})0'?s\Z")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_ANY_DIGITS = re.compile(r"\d+")
# Numeric shapes a lenient parser would silently reinterpret: '1962-13-01', '03/04/1961', 'Oct 16-28 1962'.
_NUMERIC_NOISE = re.compile(r"\d\s*[-–/.]\s*\d|/")


def parse_user_date(text: str) -> DayRange:
    """Read a date typed on the command line into the range of days it names.

    Each form keeps its own precision: '1959' is all of 1959, 'March 1958' all of that month.
    Raises BadDate with a message that says which forms are accepted.
    """
    from cold_war_cli.errors import BadDate

    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise BadDate(f"an empty date; {ACCEPTED_FORMS}")
    try:
        if m := ISO_PARTIAL_RE.match(cleaned):
            return _point(*m.groups())
        if m := _DECADE_RE.match(cleaned):
            return decade_range(int(m.group(1)) * 10)
        for form in _ENGLISH_FORMS:
            if (m := form.match(cleaned)) and m.group("month") in _MONTHS:
                fields = m.groupdict()
                month = f"{_MONTHS[fields['month']]:02d}"
                day = f"{int(fields['day']):02d}" if fields.get("day") else None
                return _point(fields["year"], month, day)
    except ValueError as exc:
        raise BadDate(f"'{text}' is not a real date ({exc}); {ACCEPTED_FORMS}") from None

    years = _FOUR_DIGITS.findall(cleaned)
    if len(years) != 1:
        if not years and _ANY_DIGITS.search(cleaned):
            raise BadDate(f"'{text}' has no 4-digit year (cwc reads only absolute dates, and two-digit years are ambiguous); {ACCEPTED_FORMS}")
        raise BadDate(f"'{text}' is not a date cwc can read; {ACCEPTED_FORMS}")
    if _NUMERIC_NOISE.search(cleaned):
        # ISO-looking or numeric forms that failed the strict patterns above: never let a
        # lenient parser reinterpret them (dateparser reads 1962-13-01 as 13 January).
        raise BadDate(f"'{text}' is not a date cwc can read; {ACCEPTED_FORMS}")
    return _parse_english(text, cleaned, int(years[0]))


def _parse_english(original: str, cleaned: str, year: int) -> DayRange:
    """Less common English forms, through dateparser (imported only here: it is slow to load)."""
    from cold_war_cli.errors import BadDate

    import dateparser.date

    parser = dateparser.date.DateDataParser(
        languages=["en"],
        settings={
            "PARSERS": ["absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_MONTH_OF_YEAR": "first",
            "RETURN_TIME_AS_PERIOD": False,
        },
    )
    data = parser.get_date_data(cleaned)
    found = data.date_obj if data else None
    if found is None or found.year != year or data.period not in ("day", "month", "year"):
        raise BadDate(f"'{original}' is not a date cwc can read; {ACCEPTED_FORMS}")
    if data.period == "year":
        return year_range(year)
    if data.period == "month":
        return month_range(year, found.month)
    return DayRange(found.date(), found.date(), "day")
