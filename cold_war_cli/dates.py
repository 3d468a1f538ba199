"""Dates: the dataset's restricted EDTF strings and the dates people type, both as closed ranges of days.

Every date in cwc becomes a `DayRange`: the first and last day it can mean, both included, and the precision it
was given at. Qualifiers (? ~ %) set certainty only; they never widen a range.
"""

from __future__ import annotations

import re
from datetime import date

from cold_war_cli.value import Value

PRECISIONS = ("day", "month", "year", "decade")  # finest to coarsest
CERTAINTY = {"": "certain", "?": "uncertain", "~": "approximate", "%": "uncertain and approximate"}

ACCEPTED_FORMS = (
    "use YYYY, YYYY-MM, YYYY-MM-DD, a decade such as 1960s, "
    "or English such as 'March 1958', '27 October 1962' or 'Oct 27, 1962'"
)


class DayRange(Value):
    __slots__ = ("start", "end", "precision")

    def __init__(self, start: date, end: date, precision: str):
        self.start, self.end, self.precision = start, end, precision

    def overlaps(self, other: DayRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: DayRange) -> bool:
        return self.start <= other.start and other.end <= self.end


class EventDate(Value):
    """A parsed dataset date string."""

    __slots__ = ("text", "range", "certainty")

    def __init__(self, text: str, range: DayRange, certainty: str):
        self.text, self.range, self.certainty = text, range, certainty


# ---------------------------------------------------------------------------------------------- ranges


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def last_day(year: int, month: int) -> int:
    return 29 if month == 2 and is_leap(year) else _DAYS_IN_MONTH[month - 1]


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

DATE_GRAMMAR = "YYYY, YYYY-MM, YYYY-MM-DD, an interval A/B of those, or a decade YYYX, each optionally followed by ?, ~ or %"
_QUALIFIERS = "?~%"


def _digits(text: str, width: int) -> bool:
    return len(text) == width and text.isascii() and text.isdigit()


def _split_point(text: str) -> tuple[str, str | None, str | None, str]:
    """'1962-10-27?' -> ('1962', '10', '27', '?'); ValueError if it is not YYYY[-MM[-DD]] plus a qualifier."""
    qualifier = text[-1] if text and text[-1] in _QUALIFIERS else ""
    parts = (text[:-1] if qualifier else text).split("-")
    if len(parts) > 3 or not _digits(parts[0], 4) or not all(_digits(p, 2) for p in parts[1:]):
        raise ValueError
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None, qualifier


def _qualifier_certainty(quals: set[str]) -> str:
    quals.discard("")
    if not quals:
        return "certain"
    if "%" in quals or quals == {"?", "~"}:
        return CERTAINTY["%"]
    return CERTAINTY[quals.pop()]


_EDTF_CACHE: dict[str, EventDate] = {}


def parse_edtf(text: str) -> EventDate:
    """Parse a dataset date string (restricted EDTF). Raises ValueError with the reason.

    Results are cached by string: large datasets repeat the same dates many times.
    """
    if not isinstance(text, str):
        raise ValueError(f"a date must be a string, not {type(text).__name__}")
    cached = _EDTF_CACHE.get(text)
    if cached is None:
        cached = _EDTF_CACHE[text] = _parse_edtf(text)
    return cached


def _plain_day(text: str) -> date | None:
    """The day a plain YYYY-MM-DD names, or None for anything else (which the general parser then handles).

    A large dataset has tens of thousands of distinct days, so the common form skips the general splitting;
    `date.fromisoformat` is C, and comparing its result written back with the text keeps it exactly to this form.
    """
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        if day.isoformat() == text:
            return day
    return None


_QUALIFIER_SET = frozenset("?~%")


def certainty(text: str) -> str:
    """The certainty of a dataset date string, as `parse_edtf` gives it: only a qualifier (? ~ %) makes it other
    than certain, so the unqualified forms skip parsing."""
    if _QUALIFIER_SET.isdisjoint(text):
        return "certain"
    return parse_edtf(text).certainty


def edtf_days(text: str) -> tuple[int, int]:
    """The first and last day (as ordinals) of a dataset date string; raises ValueError as `parse_edtf` does.

    Plain days, months and intervals of plain days, the forms large datasets are made of, are read here without
    building objects; anything else (or anything wrong) goes through `parse_edtf`.
    """
    day = _plain_day(text)
    if day is not None:
        ordinal = day.toordinal()
        return ordinal, ordinal
    if len(text) == 21 and text[10] == "/":
        first, last = _plain_day(text[:10]), _plain_day(text[11:])
        if first is not None and last is not None and first <= last:
            return first.toordinal(), last.toordinal()
    elif len(text) == 7:
        first = _plain_day(text + "-01")
        if first is not None:
            return first.toordinal(), first.toordinal() + last_day(first.year, first.month) - 1
    rng = parse_edtf(text).range
    return rng.start.toordinal(), rng.end.toordinal()


def _parse_edtf(text: str) -> EventDate:
    day = _plain_day(text)
    if day is not None:
        return EventDate(text, DayRange(day, day, "day"), "certain")
    body = text.rstrip(_QUALIFIERS)
    if len(body) == 4 and body.endswith("X") and _digits(body[:3], 3) and len(text) - len(body) <= 1:
        return EventDate(text, decade_range(int(body[:3]) * 10), _qualifier_certainty({text[4:]}))
    parts = text.split("/")
    if len(parts) > 2:
        raise ValueError(f"'{text}' is not a date: use {DATE_GRAMMAR}")
    points = []
    for part in parts:
        try:
            year, month, day, qualifier = _split_point(part)
        except ValueError:
            raise ValueError(f"'{text}' is not a date: use {DATE_GRAMMAR}") from None
        points.append((_point(year, month, day), qualifier))
    if len(points) == 1:
        (rng, qual), = points
        return EventDate(text, rng, _qualifier_certainty({qual}))
    (first, q1), (second, q2) = points
    if second.end < first.start:
        raise ValueError(f"interval '{text}' ends before it starts")
    rng = DayRange(first.start, second.end, _coarser(first.precision, second.precision))
    return EventDate(text, rng, _qualifier_certainty({q1, q2}))


def parse_iso_day(text: str) -> date:
    """A full ISO day, as used by `bounds`. Raises ValueError."""
    rng = _plain_point(text)
    if rng.precision != "day":
        raise ValueError(f"'{text}' is not a day (YYYY-MM-DD)")
    return rng.start


def parse_partial_iso(text: str) -> DayRange:
    """YYYY, YYYY-MM or YYYY-MM-DD, as used for birth dates and terms of office. Raises ValueError."""
    return _plain_point(text)


def _plain_point(text: str) -> DayRange:
    try:
        if not isinstance(text, str):
            raise ValueError
        year, month, day, qualifier = _split_point(text)
        if qualifier:
            raise ValueError
    except ValueError:
        raise ValueError(f"'{text}' is not YYYY, YYYY-MM or YYYY-MM-DD") from None
    return _point(year, month, day)


# ---------------------------------------------------------------------------------------- user dates

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)} | {name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"


class _UserPatterns:
    """Regular expressions for typed dates, compiled on first use (most runs never need them)."""

    def __init__(self):
        self.iso = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
        self.english = [
            re.compile(rf"{_MONTH}\s*,?\s+{_YEAR}\Z"),  # March 1958
            re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\Z"),  # 27 October 1962
            re.compile(rf"{_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}\Z"),  # Oct 27, 1962
        ]
        self.decade = re.compile(r"(\d{3})0'?s\Z")
        self.four_digits = re.compile(r"(?<!\d)\d{4}(?!\d)")
        self.any_digits = re.compile(r"\d+")
        # Numeric shapes a lenient parser would silently reinterpret: '1962-13-01', '03/04/1961', 'Oct 16-28 1962'.
        self.numeric_noise = re.compile(r"\d\s*[-–/.]\s*\d|/")


_patterns: _UserPatterns | None = None


def _user_patterns() -> _UserPatterns:
    global _patterns
    if _patterns is None:
        _patterns = _UserPatterns()
    return _patterns


def parse_user_date(text: str) -> DayRange:
    """Read a date typed on the command line into the range of days it names.

    Each form keeps its own precision: '1959' is all of 1959, 'March 1958' all of that month.
    Raises BadDate with a message that says which forms are accepted.
    """
    from cold_war_cli.errors import BadDate

    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise BadDate(f"an empty date; {ACCEPTED_FORMS}")
    if cleaned[0] in "-−+":
        raise BadDate(f"'{text}': years before the common era and signed years are not supported; {ACCEPTED_FORMS}")
    try:
        plain = _split_point(cleaned)  # YYYY[-MM[-DD]] in ASCII digits: the most common, read without the patterns
    except ValueError:
        plain = None
    patterns = None if plain and not plain[3] else _user_patterns()
    try:
        if patterns is None:
            return _point(*plain[:3])
        if m := patterns.iso.match(cleaned):
            return _point(*m.groups())
        if m := patterns.decade.match(cleaned):
            return decade_range(int(m.group(1)) * 10)
        for form in patterns.english:
            if (m := form.match(cleaned)) and m.group("month") in _MONTHS:
                fields = m.groupdict()
                month = f"{_MONTHS[fields['month']]:02d}"
                day = f"{int(fields['day']):02d}" if fields.get("day") else None
                return _point(fields["year"], month, day)
    except ValueError as exc:
        raise BadDate(f"'{text}' is not a real date ({exc}); {ACCEPTED_FORMS}") from None

    years = patterns.four_digits.findall(cleaned)
    if len(years) != 1:
        if not years and patterns.any_digits.search(cleaned):
            raise BadDate(f"'{text}' has no 4-digit year (cwc reads only absolute dates, and two-digit years are ambiguous); {ACCEPTED_FORMS}")
        raise BadDate(f"'{text}' is not a date cwc can read; {ACCEPTED_FORMS}")
    if patterns.numeric_noise.search(cleaned):
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
    # dateparser fills what the text lacks from today ('noon 1962' comes back as a day): keep only what the
    # text says, a month by its name and a day by its number.
    words = set(re.findall(r"[a-z]+", cleaned))
    has_month = any(word in _MONTHS for word in words)
    has_day = bool(re.search(r"(?<!\d)\d{1,2}(?!\d)", cleaned))
    if (data.period in ("day", "month") and not has_month) or (data.period == "day" and not has_day):
        raise BadDate(f"'{original}' is not a date cwc can read; {ACCEPTED_FORMS}")
    if data.period == "year":
        return year_range(year)
    if data.period == "month":
        return month_range(year, found.month)
    return DayRange(found.date(), found.date(), "day")
