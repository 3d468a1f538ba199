"""Properties of cwc's dates and queries, checked on generated input (hypothesis).

The dataset grammar (restricted EDTF) is generated from its definition and checked for ranges, precision and
qualifiers, and against the independent `edtf` package; invalid strings must fail with ValueError only. Typed
dates (ISO, English, decades) must expand to the range they name; arbitrary text fails only with BadDate. The
range algebra and the ordering of `select_events` hold on generated data.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cold_war_cli import schema
from cold_war_cli.dates import DayRange, between, edtf_days, parse_edtf, parse_user_date
from cold_war_cli.errors import BadDate
from cold_war_cli.query import EventFilter, select_events

edtf = pytest.importorskip("edtf")

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ORACLE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # ~5 ms a parse
PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "decade": 3}
ASCII_GRAMMAR = re.compile(
    r"(?:(\d{4})(?:-\d{2}(?:-\d{2})?)?[?~%]?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?[?~%]?)?|\d{3}X[?~%]?)\Z", re.ASCII)


# ===================================================================================== the dataset grammar


@st.composite
def points(draw, min_year=1000, max_year=2999):
    """(text without qualifier, expected start, expected end, precision) for YYYY, YYYY-MM or YYYY-MM-DD."""
    year = draw(st.integers(min_year, max_year))
    # Leap years and February deserve more than their fair share.
    special = [y for y in (1900, 2000, 1960, 1961, 1964, 2100, 2400) if min_year <= y <= max_year]
    year = draw(st.sampled_from([year, year, *special]))
    kind = draw(st.sampled_from(["year", "month", "day"]))
    if kind == "year":
        return f"{year:04d}", date(year, 1, 1), date(year, 12, 31), "year"
    month = draw(st.one_of(st.just(2), st.integers(1, 12)))
    last = calendar.monthrange(year, month)[1]
    if kind == "month":
        return f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last), "month"
    day = draw(st.one_of(st.just(last), st.integers(1, last)))
    return f"{year:04d}-{month:02d}-{day:02d}", date(year, month, day), date(year, month, day), "day"


qualifiers = st.sampled_from(["", "", "?", "~", "%"])


@st.composite
def decades(draw):
    first = draw(st.integers(100, 299))
    return f"{first:03d}X", date(first * 10, 1, 1), date(first * 10 + 9, 12, 31), "decade"


@st.composite
def valid_dates(draw):
    """(text, start, end, precision, qualifiers) for every form of the grammar."""
    form = draw(st.sampled_from(["point", "point", "interval", "decade"]))
    if form == "decade":
        text, start, end, precision = draw(decades())
        qualifier = draw(qualifiers)
        return text + qualifier, start, end, precision, {qualifier} - {""}
    if form == "point":
        text, start, end, precision = draw(points())
        qualifier = draw(qualifiers)
        return text + qualifier, start, end, precision, {qualifier} - {""}
    first = draw(points())
    second = draw(points(min_year=first[1].year, max_year=min(first[1].year + 60, 2999)))
    assume(second[1] >= first[1])  # a well-formed interval: the second end starts no earlier
    q1, q2 = draw(qualifiers), draw(qualifiers)
    coarser = max(first[3], second[3], key=PRECISION_RANK.get)
    return f"{first[0]}{q1}/{second[0]}{q2}", first[1], second[2], coarser, {q1, q2} - {""}


def expected_certainty(quals: set[str]) -> str:
    if not quals:
        return "certain"
    if "%" in quals or quals == {"?", "~"}:
        return "uncertain and approximate"
    return {"?": "uncertain", "~": "approximate"}[quals.pop()]


@FAST
@given(valid_dates())
def test_every_valid_date_resolves_to_its_range_precision_and_certainty(case):
    text, start, end, precision, quals = case
    parsed = parse_edtf(text)
    assert parsed.text == text
    assert parsed.range.start <= parsed.range.end
    assert (parsed.range.start, parsed.range.end, parsed.range.precision) == (start, end, precision)
    assert parsed.certainty == expected_certainty(set(quals))


@FAST
@given(valid_dates())
def test_qualifiers_never_widen_a_range(case):
    text = case[0]
    bare = text.replace("?", "").replace("~", "").replace("%", "")
    assert parse_edtf(text).range == parse_edtf(bare).range
    assert parse_edtf(bare).certainty == "certain"


def _oracle(text: str) -> tuple[date, date]:
    parsed = edtf.parse_edtf(text)
    return date(*parsed.lower_strict()[:3]), date(*parsed.upper_strict()[:3])


@ORACLE
@given(valid_dates())
@example(("2000-02-29", None, None, None, None))
@example(("1900-02", None, None, None, None))
@example(("1961-06-03?/1961-06-04~", None, None, None, None))
@example(("196X%", None, None, None, None))
def test_every_valid_date_agrees_with_the_edtf_package(case):
    text = case[0]
    ours = parse_edtf(text).range
    assert (ours.start, ours.end) == _oracle(text)


# ------------------------------------------------------------------------------------ invalid strings


@st.composite
def near_misses(draw):
    """Strings that look like dates of the grammar but are not."""
    year = draw(st.integers(1000, 2999))
    leap_free = draw(st.sampled_from([1900, 1961, 1962, 2100]))
    month = draw(st.integers(1, 12))
    return draw(st.sampled_from([
        f"{year}-{draw(st.sampled_from([0, 13, 21, 22, 23, 24, 99])):02d}",          # no such month / a season
        f"{year}-{month:02d}-{calendar.monthrange(year, month)[1] + 1:02d}",          # one day too many
        f"{year}-{month:02d}-00",
        f"{leap_free}-02-29",
        f"{year % 1000:03d}",                                                          # three-digit year
        f"{year:04d}0",                                                               # five-digit year
        f"{year}-{month % 9 + 1}", f"{year}-{month:02d}-{month % 9 + 1}",               # one-digit month or day
        f"{year}-XX", f"{year}-{month:02d}-XX", f"{year // 100}XX", f"{year // 10}x",  # unspecified digits
        f"{year}/..", f"../{year}", f"{year}/", f"/{year}",                            # open and unknown ends
        f"{year}??", f"?{year}", f"{year}~?", f"{year}%%",                             # doubled or leading qualifiers
        f"{year + 1}/{year}", f"{year}-{month:02d}/{year - 1}",                        # ends before it starts
        f"{year}/{year}/{year}",
        f" {year}", f"{year} ", f"{year}\n", f"{year}-{month:02d}T00:00",
        f"{year}s", f"{year // 10}0s", f"c. {year}", f"{year}-{month:02d}-{1:02d}Z",
        f"+{year}", f"-{year}", f"Y{year}", f"{year}.{month}",
        "0000", "0000-01", "000X", "",
    ]))


@FAST
@given(near_misses())
def test_near_misses_are_refused_with_value_error(text):
    with pytest.raises(ValueError):
        parse_edtf(text)


ALPHABET = st.characters(blacklist_categories=("Cs",))


@FAST
@given(st.one_of(
    st.text(alphabet=ALPHABET),
    st.text(alphabet="0123456789-/?~%X. x", max_size=24),
    st.text(alphabet="0123456789١٩٦٢𝟏-/?~%X", max_size=12),
    st.builds(lambda a, b: a + b, valid_dates().map(lambda c: c[0]), st.text(alphabet="0123456789-/?~%X ", min_size=1, max_size=4)),
))
def test_anything_else_either_parses_as_the_grammar_or_raises_value_error(text):
    try:
        parsed = parse_edtf(text)
    except ValueError:
        return
    assert ASCII_GRAMMAR.match(text), text
    assert parsed.range.start <= parsed.range.end


@FAST
@given(st.one_of(
    valid_dates().map(lambda c: c[0]),
    near_misses(),
    st.text(alphabet="0123456789-/?~%X ", max_size=22),
    st.builds(lambda a, b: f"{a}/{b}", points().map(lambda p: p[0]), points().map(lambda p: p[0])),
))
def test_the_quick_day_ordinals_agree_with_the_parser(text):
    """`edtf_days` (the large-dataset path) reads plain days, months and intervals itself: same answers, same
    refusals as `parse_edtf`."""
    try:
        parsed = parse_edtf(text)
    except ValueError:
        with pytest.raises(ValueError):
            edtf_days(text)
        return
    assert edtf_days(text) == (parsed.range.start.toordinal(), parsed.range.end.toordinal())


@pytest.mark.parametrize("value", [None, 1962, 1962.0, ["1962"], {"date": "1962"}, b"1962", True])
def test_non_strings_raise_value_error(value):
    with pytest.raises(ValueError):
        parse_edtf(value)


@pytest.mark.parametrize("text", ["١٩٦٢", "١٩٦٢-١٠", "𝟏𝟗𝟔𝟐", "196٢-10-27"])
def test_non_ascii_digits_are_not_dataset_dates(text):
    with pytest.raises(Exception):
        edtf.parse_edtf(text)
    with pytest.raises(ValueError):
        parse_edtf(text)


# ===================================================================================== dates people type

MONTH_NAMES = [(m, calendar.month_name[m]) for m in range(1, 13)] + [(m, calendar.month_abbr[m]) for m in range(1, 13)]
MONTH_NAMES.append((9, "Sept"))


def _case(draw, text):
    return draw(st.sampled_from([text, text.lower(), text.upper(), f"  {text}  ", text.replace(" ", "   ")]))


@st.composite
def typed_dates(draw):
    """(text, start, end, precision) of every documented form."""
    year = draw(st.integers(1000, 2999))
    month, name = draw(st.sampled_from(MONTH_NAMES))
    last = calendar.monthrange(year, month)[1]
    day = draw(st.one_of(st.integers(1, last), st.just(last)))
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")
    form = draw(st.sampled_from(["year", "iso-month", "iso-day", "decade", "month-name", "day-month", "month-day",
                                 "ordinal"]))
    if form == "year":
        return f"{year:04d}", date(year, 1, 1), date(year, 12, 31), "year"
    if form == "iso-month":
        return f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last), "month"
    if form == "iso-day":
        return f"{year:04d}-{month:02d}-{day:02d}", date(year, month, day), date(year, month, day), "day"
    if form == "decade":
        first = year // 10 * 10
        text = draw(st.sampled_from([f"{first}s", f"{first}'s"]))
        return text, date(first, 1, 1), date(first + 9, 12, 31), "decade"
    if form == "month-name":
        text = draw(st.sampled_from([f"{name} {year}", f"{name}, {year}", f"{name}. {year}"]))
        return _case(draw, text), date(year, month, 1), date(year, month, last), "month"
    if form == "day-month":
        text = draw(st.sampled_from([f"{day} {name} {year}", f"{day} {name}, {year}", f"{day:02d} {name} {year}"]))
        return _case(draw, text), date(year, month, day), date(year, month, day), "day"
    if form == "month-day":
        text = draw(st.sampled_from([f"{name} {day}, {year}", f"{name} {day} {year}", f"{name} {day}{suffix}, {year}"]))
        return _case(draw, text), date(year, month, day), date(year, month, day), "day"
    text = draw(st.sampled_from([f"{day}{suffix} of {name} {year}", f"the {day}{suffix} of {name} {year}",
                                 f"{day}{suffix} {name} {year}"]))
    return _case(draw, text), date(year, month, day), date(year, month, day), "day"


@FAST
@given(typed_dates())
def test_typed_dates_expand_to_the_whole_range_they_name(case):
    text, start, end, precision = case
    assert parse_user_date(text) == DayRange(start, end, precision)


@st.composite
def impossible_typed_dates(draw):
    year = draw(st.integers(1000, 2999))
    month, name = draw(st.sampled_from(MONTH_NAMES))
    too_far = calendar.monthrange(year, month)[1] + draw(st.integers(1, 5))
    return draw(st.sampled_from([
        f"{year}-{draw(st.integers(13, 99))}-01", f"{year}-{month:02d}-{too_far:02d}", f"{name} {too_far}, {year}",
        f"{too_far} {name} {year}", f"{year % 100:02d}", f"{name} {year % 100:02d}",
        f"{month:02d}/{draw(st.integers(1, 12)):02d}/{year}", f"{name} {draw(st.integers(1, 14))}-{draw(st.integers(15, 28))} {year}",
        f"{year}-{year + 1}", f"{year}/{year + 1}", "", "   ",
    ]))


@FAST
@given(impossible_typed_dates())
def test_impossible_or_ambiguous_typed_dates_are_bad_dates(text):
    with pytest.raises(BadDate):
        parse_user_date(text)


WORDS = ["noon", "monday", "of", "the", "jan", "Sept.", "31st", "12", "5pm", "at", "ago", "UTC", "+0100", "tomorrow",
         "in", "am", "december", "mid", "late", "early", "week", "Q3", "summer", ",", ".", "-", "/", "1", "29", "1960s"]
years_text = st.integers(0, 9999).map(lambda y: f"{y:04d}")
date_like_text = st.lists(st.one_of(st.sampled_from(WORDS), years_text, st.text(max_size=4)), min_size=1, max_size=5
                          ).map(" ".join)


def _years_named(text: str) -> set[int]:
    return {int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", text)}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), date_like_text))
def test_arbitrary_text_is_a_date_inside_what_it_names_or_bad_date(text):
    try:
        found = parse_user_date(text)
    except BadDate:
        return
    assert found.start <= found.end
    named = _years_named(text)
    assert found.start.year in named, (text, found)
    if found.precision == "decade":
        assert found.start.year % 10 == 0 and found.end == date(found.start.year + 9, 12, 31)
    else:
        assert found.end.year == found.start.year
        if found.precision == "year":
            assert (found.start, found.end) == (date(found.start.year, 1, 1), date(found.start.year, 12, 31))
        if found.precision == "month":
            assert found.start.day == 1 and found.end == found.start.replace(
                day=calendar.monthrange(found.start.year, found.start.month)[1])


def _names_a_day(text: str) -> bool:
    """A day of the month named in the text: a one- or two-digit number, perhaps an ordinal."""
    return bool(re.search(r"(?<!\d)\d{1,2}(?!\d)", text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(date_like_text)
@example("noon 1962")
@example("1962 at 5pm")
def test_a_single_day_needs_a_day_in_the_text(text):
    try:
        found = parse_user_date(text)
    except BadDate:
        return
    if found.precision == "day":
        assert _names_a_day(text.replace(str(found.start.year).zfill(4), " ")), (text, found)


def test_typed_dates_never_depend_on_today(monkeypatch):
    import dateparser.parser

    results = set()
    for now in (datetime(2031, 7, 17, 9, 0), datetime(2026, 2, 3, 9, 0)):
        monkeypatch.setattr(dateparser.parser, "_now", lambda settings, tz, now=now: now)
        try:
            results.add(parse_user_date("noon 1962"))
        except BadDate:
            results.add("refused")
    assert len(results) == 1, results


# ===================================================================================== range algebra


@st.composite
def day_ranges(draw):
    start = draw(st.dates(date(1000, 1, 1), date(2999, 12, 31)))
    length = draw(st.one_of(st.just(0), st.integers(0, 40), st.integers(0, 5000)))
    end = min(start + timedelta(days=length), date(2999, 12, 31))
    return DayRange(start, end, draw(st.sampled_from(list(PRECISION_RANK))))


@FAST
@given(day_ranges(), day_ranges())
def test_overlap_is_symmetric_and_reflexive(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    assert a.overlaps(a)
    assert a.contains(a)
    assert a.overlaps(b) == (max(a.start, b.start) <= min(a.end, b.end))


@FAST
@given(day_ranges(), day_ranges())
def test_containment_implies_overlap_and_is_antisymmetric(a, b):
    if a.contains(b):
        assert a.overlaps(b) and b.overlaps(a)
        assert a.start <= b.start and b.end <= a.end
    if a.contains(b) and b.contains(a):
        assert (a.start, a.end) == (b.start, b.end)


@FAST
@given(day_ranges(), day_ranges(), day_ranges())
def test_containment_is_transitive(a, b, c):
    if a.contains(b) and b.contains(c):
        assert a.contains(c)
    if a.contains(b) and b.overlaps(c):
        assert a.overlaps(c)


@FAST
@given(st.one_of(st.none(), day_ranges()), st.one_of(st.none(), day_ranges()))
def test_between_spans_from_the_first_day_to_the_last(first, last):
    if first is None and last is None:
        assert between(first, last) is None
        return
    start = first.start if first else date.min
    end = last.end if last else date.max
    if end < start:
        with pytest.raises(BadDate):
            between(first, last)
        return
    span = between(first, last)
    assert (span.start, span.end) == (start, end)
    if first:
        assert span.contains(DayRange(first.start, min(first.end, end), first.precision))
    if last:
        assert span.contains(DayRange(max(last.start, start), last.end, last.precision))
    given_ = [r.precision for r in (first, last) if r]
    assert span.precision == max(given_, key=PRECISION_RANK.get)


@FAST
@given(typed_dates(), typed_dates())
def test_between_typed_dates_is_what_the_cli_asks(a, b):
    first, last = parse_user_date(a[0]), parse_user_date(b[0])
    if last.end < first.start:
        with pytest.raises(BadDate):
            between(first, last)
    else:
        span = between(first, last)
        assert (span.start, span.end) == (a[1], b[2])


# ===================================================================================== select_events


ID_POOL = [a + b for a in ("a", "b", "z", "a-1", "m") for b in ("", "a", "-2", "9")]
# Dates with shared starts and ends, so ties are common.
TIED_DATES = st.sampled_from(["1962", "1962-10", "1962-10-27", "1962-10-27?", "196X", "1962-10-16/1962-10-28",
                              "1962-10-27/1962-10-28", "1962~", "1962/1963", "1962-01-01", "1962-12-31", "1962-12"])


@st.composite
def datasets(draw):
    """A valid raw dataset of generated events with many ties in start and end."""
    ids = draw(st.lists(st.sampled_from(ID_POOL), unique=True, max_size=25))
    events = []
    for event_id in ids:
        text = draw(st.one_of(TIED_DATES, TIED_DATES, valid_dates().map(lambda c: c[0])))
        events.append({"id": event_id, "date": text, "title": f"Title {event_id}", "summary": "s",
                       "tags": draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=2)),
                       "sources": [{"id": "src"}]})
    return {"schema_version": 2, "sources": [{"id": "src", "type": "book", "quality": "scholarly", "title": "A source"}], "actors": [], "events": events}


def _build(raw):
    def fail(where, message):
        raise AssertionError(f"generated dataset is invalid: {where}: {message}")

    from cold_war_cli import store

    return store.of(schema.build(raw, "generated.json", fail))


event_filters = st.builds(
    EventFilter,
    when=st.one_of(st.none(), day_ranges(), st.sampled_from([DayRange(date(1962, 10, 1), date(1962, 10, 31), "month"),
                                                            DayRange(date(1962, 1, 1), date(1962, 12, 31), "year")])),
    strict=st.booleans(),
    tags=st.lists(st.sampled_from(["a", "b", "c"]), max_size=2).map(tuple),
    sort=st.sampled_from(["start", "end"]),
    reverse=st.booleans(),
    limit=st.one_of(st.none(), st.integers(0, 30)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), event_filters)
def test_select_events_keeps_exactly_the_matching_events_in_order(raw, wanted):
    data = _build(raw)
    found = select_events(data, wanted)

    def key(event):
        if wanted.sort == "start":
            return (event.start, event.end, event.id)
        return (event.end, event.start, event.id)

    expected = []
    for event in data.events:
        if wanted.when is not None:
            if not wanted.when.overlaps(event.range):
                continue
            if wanted.strict and not wanted.when.contains(event.range):
                continue
        if not set(wanted.tags) <= set(event.tags):
            continue
        expected.append(event)
    expected.sort(key=key, reverse=wanted.reverse)
    if wanted.limit is not None:
        expected = expected[: wanted.limit]
    assert [m.event.id for m in found] == [e.id for e in expected]
    keys = [key(m.event) for m in found]
    assert keys == sorted(keys, reverse=wanted.reverse)
    for match in found:
        partial = wanted.when is not None and not wanted.when.contains(match.event.range)
        assert match.partial == partial
        if wanted.strict:
            assert not match.partial


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_loaded_events_are_in_start_end_id_order(raw):
    data = _build(raw)
    keys = [(e.start, e.end, e.id) for e in data.events]
    assert keys == sorted(keys)
    assert len(set(e.id for e in data.events)) == len(data.events) == len(raw["events"])


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_folding_ascii_text_takes_a_shortcut_to_the_same_result(text):
    from cold_war_cli.text import _fold_unicode, fold

    assert fold(text) == _fold_unicode(text)
