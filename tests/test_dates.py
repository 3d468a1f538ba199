"""The date core: dataset EDTF strings and dates typed by users, without the CLI."""

from datetime import date

import pytest

from cold_war_cli.dates import DayRange, between, parse_edtf, parse_user_date
from cold_war_cli.errors import BadDate


def rng(a, b):
    return (date.fromisoformat(a), date.fromisoformat(b))


# ------------------------------------------------------------------------------------------- EDTF


@pytest.mark.parametrize(
    "text, start, end, precision, certainty",
    [
        ("1962", "1962-01-01", "1962-12-31", "year", "certain"),
        ("1962-10", "1962-10-01", "1962-10-31", "month", "certain"),
        ("1962-10-27", "1962-10-27", "1962-10-27", "day", "certain"),
        ("1960-02", "1960-02-01", "1960-02-29", "month", "certain"),  # leap year
        ("1961-02", "1961-02-01", "1961-02-28", "month", "certain"),
        ("1961-06-03/1961-06-04", "1961-06-03", "1961-06-04", "day", "certain"),
        ("1956-06/1956-08", "1956-06-01", "1956-08-31", "month", "certain"),
        ("1960/1961-03-01", "1960-01-01", "1961-03-01", "year", "certain"),
        ("196X", "1960-01-01", "1969-12-31", "decade", "certain"),
        ("1960?", "1960-01-01", "1960-12-31", "year", "uncertain"),
        ("1960-10~", "1960-10-01", "1960-10-31", "month", "approximate"),
        ("1960-10-12%", "1960-10-12", "1960-10-12", "day", "uncertain and approximate"),
        ("196X~", "1960-01-01", "1969-12-31", "decade", "approximate"),
        ("1961-06-03?/1961-06-04~", "1961-06-03", "1961-06-04", "day", "uncertain and approximate"),
    ],
)
def test_edtf_resolves_to_one_closed_range_and_qualifiers_never_widen(text, start, end, precision, certainty):
    parsed = parse_edtf(text)
    assert (parsed.range.start, parsed.range.end) == rng(start, end)
    assert parsed.range.precision == precision
    assert parsed.certainty == certainty


@pytest.mark.parametrize(
    "text",
    ["", "62", "1962-13", "1962-02-30", "1962-1-5", "1962/", "/1962", "1945/..", "1956-22", "1956-24",
     "1962-10-27/1962-10-01", "1962??", "19XX", "1962-XX", "late 1960", "1960s", "1962-10-27T10:00",
     "1/2/3", " 1962", "0000"],
)
def test_edtf_rejects_everything_outside_the_grammar(text):
    with pytest.raises(ValueError):
        parse_edtf(text)


def test_edtf_rejects_non_strings():
    with pytest.raises(ValueError, match="must be a string"):
        parse_edtf(1962)


# ------------------------------------------------------------------------------------- user dates


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("1959", "1959-01-01", "1959-12-31", "year"),
        ("1959-04", "1959-04-01", "1959-04-30", "month"),
        ("1961-02", "1961-02-01", "1961-02-28", "month"),
        ("1959-04-23", "1959-04-23", "1959-04-23", "day"),
        ("1960s", "1960-01-01", "1969-12-31", "decade"),
        ("March 1958", "1958-03-01", "1958-03-31", "month"),
        ("mar 1958", "1958-03-01", "1958-03-31", "month"),
        ("Sept. 1961", "1961-09-01", "1961-09-30", "month"),
        ("27 October 1962", "1962-10-27", "1962-10-27", "day"),
        ("27th Oct 1962", "1962-10-27", "1962-10-27", "day"),
        ("Oct 27, 1962", "1962-10-27", "1962-10-27", "day"),
        ("  October   27 1962 ", "1962-10-27", "1962-10-27", "day"),
        ("27th of October 1962", "1962-10-27", "1962-10-27", "day"),  # through dateparser
        ("October of 1962", "1962-10-01", "1962-10-31", "month"),  # through dateparser
        ("1962 October 27", "1962-10-27", "1962-10-27", "day"),  # through dateparser
    ],
)
def test_user_dates_expand_to_their_own_precision(text, start, end, precision):
    parsed = parse_user_date(text)
    assert (parsed.start, parsed.end, parsed.precision) == (*rng(start, end), precision)


def test_no_part_of_today_leaks_into_partial_dates():
    # Today is neither January nor the 1st for most of the year; a leak would show up as another month or day.
    today = date.today()
    for text in ("1959", "October of 1962", "March 1958", "1958-03"):
        parsed = parse_user_date(text)
        assert parsed.start.day == 1
        assert parsed.start.year != today.year
    assert parse_user_date("October of 1962").start.month == 10


@pytest.mark.parametrize(
    "text, reason",
    [
        ("1962-13-01", "not a real date"),
        ("1962-02-30", "not a real date"),
        ("Feb 30, 1962", "not a real date"),
        ("31 April 1961", "not a real date"),
        ("61", "4-digit year"),
        ("Oct 62", "4-digit year"),
        ("10/27/62", "4-digit year"),
        ("banana", "not a date cwc can read"),
        ("", "empty"),
        ("NA", "not a date"),
        ("on:", "not a date"),
        ("yesterday", "not a date"),
        ("2 weeks ago", "absolute dates"),
        ("Oct 16-28 1962", "not a date"),
        ("03/04/1961", "not a date"),
        ("summer 1956", "not a date"),
        ("1961 1962", "not a date"),
    ],
)
def test_bad_user_dates_say_what_is_accepted(text, reason):
    with pytest.raises(BadDate) as caught:
        parse_user_date(text)
    message = str(caught.value)
    assert reason in message
    assert "YYYY-MM-DD" in message and "27 October 1962" in message
    assert "\n" not in message


def test_between_spans_first_day_of_start_to_last_day_of_end():
    span = between(parse_user_date("1959"), parse_user_date("1961"))
    assert (span.start, span.end) == rng("1959-01-01", "1961-12-31")
    assert between(None, parse_user_date("1961-02")).end == date(1961, 2, 28)
    assert between(parse_user_date("1961-02"), None).start == date(1961, 2, 1)
    assert between(None, None) is None


def test_between_refuses_a_start_after_the_end():
    with pytest.raises(BadDate):
        between(parse_user_date("1962"), parse_user_date("1961"))


def test_overlap_and_containment():
    asked = DayRange(date(1960, 9, 15), date(1960, 12, 31), "day")
    september = DayRange(date(1960, 9, 1), date(1960, 9, 30), "month")
    october = DayRange(date(1960, 10, 1), date(1960, 10, 31), "month")
    august = DayRange(date(1960, 8, 1), date(1960, 8, 31), "month")
    assert asked.overlaps(september) and not asked.contains(september)
    assert asked.overlaps(october) and asked.contains(october)
    assert not asked.overlaps(august)


@pytest.mark.parametrize("text, plain", [("1959", True), ("1962-10", True), ("1962-10-27", True), (" 1962-10-27 ", True),
                                         ("2000-02-29", True), ("1962-02-30", True), ("1962-13", True), ("0000", True),
                                         ("1962?", False), ("١٩٦٢", False), ("1962-1-2", False), ("1960s", False)])
def test_plain_iso_dates_read_without_the_patterns_mean_what_the_patterns_say(text, plain, monkeypatch):
    from cold_war_cli import dates

    def outcome():
        try:
            return parse_user_date(text)
        except BadDate as exc:
            return str(exc)

    monkeypatch.setattr(dates, "_patterns", None)
    quick = outcome()
    quick_used_patterns = dates._patterns is not None
    monkeypatch.setattr(dates, "_split_point", lambda text: (_ for _ in ()).throw(ValueError))  # patterns only
    assert outcome() == quick
    assert quick_used_patterns is not plain
