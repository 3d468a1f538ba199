"""`cwc at DATE`: the world on one day, through the pure core and the command line."""

import json

import pytest

from cold_war_cli.dataset import load
from cold_war_cli.dates import parse_user_date
from cold_war_cli.world import default_around, is_key_office, world_at

DATA = load()


def view(text: str, around=None):
    when = parse_user_date(text)
    return world_at(DATA, when, default_around(when) if around is None else around)


def holders(v) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for place, tenure in v.office:
        found.setdefault(place, set()).add(tenure.actor.id)
    return found


def test_27_october_1962_who_held_office():
    found = holders(view("1962-10-27"))
    assert found["usa"] >= {"kennedy", "rusk"}
    assert found["ussr"] >= {"khrushchev", "brezhnev", "gromyko"}  # party leader and premier; head of state
    assert "macmillan" in found["uk"] and found["france"] >= {"de-gaulle", "pompidou"}
    assert found["prc"] >= {"mao", "zhou-enlai", "liu-shaoqi"}
    assert "u-thant" in found["un"] and "stikker" in found["nato"]  # U Thant still acting Secretary-General
    assert "adenauer" in found["west-germany"] and "ulbricht" in found["east-germany"]
    assert "castro" in found["cuba"]  # a state of the events on screen
    assert "chiang-kai-shek" not in found.get("prc", set())  # 'Republic of China' is not the PRC


def test_27_october_1962_the_crisis_is_going_on_and_the_days_events_come_first():
    v = view("1962-10-27")
    assert "cuban-missile-crisis" in {e.id for e in v.going_on}
    assert {n.event.id for n in v.nearby if n.days == 0} >= {"u2-shot-down-over-cuba", "khrushchev-public-letter-turkey"}
    assert [abs(n.days) for n in v.nearby] == sorted(abs(n.days) for n in v.nearby)
    assert all(-3 <= n.days <= 3 for n in v.nearby)
    assert "castro-letter-to-khrushchev" in {e.id for e in v.disputed}
    assert all(e.alt_dates for e in v.disputed)


def test_on_the_day_a_successor_takes_office_both_are_listed():
    assert {"kennedy", "johnson"} <= holders(view("1963-11-22"))["usa"]
    assert holders(view("1963-11-23"))["usa"] & {"kennedy", "johnson"} == {"johnson"}


def test_a_date_before_the_dataset_says_how_far_the_nearest_event_is():
    v = view("1944-01-01")
    assert not v.going_on and not v.nearby and v.nearest_before is None
    assert v.nearest_after is not None and v.nearest_after.days > 0


def test_key_offices_leave_out_deputies_ambassadors_and_secret_police():
    assert is_key_office("US Secretary of State") and is_key_office("Premier of the Soviet Union")
    assert not is_key_office("First Deputy Premier of the Soviet Union")
    assert not is_key_office("Soviet Ambassador to the United States")
    assert not is_key_office("Chairman of the KGB (Soviet Committee for State Security)")


def test_cli_json_is_one_object_with_the_four_sections(run):
    result = run("at", "1962-10-27", "--json", data=None)
    assert result.exit_code == 0 and result.stderr == ""
    record = json.loads(result.stdout)
    assert {"office", "going_on", "nearby", "disputed"} <= set(record)
    assert any(o["actor"] == "kennedy" and o["sources"] for o in record["office"])
    assert any(e["id"] == "cuban-missile-crisis" for e in record["going_on"])
    crisis = next(e for e in record["disputed"] if e["id"] == "cuban-missile-crisis")
    assert len(crisis["claims"]) >= 2 and all(c["sources"] for c in crisis["claims"])


@pytest.mark.parametrize("fmt", ["--plain", "--csv", "--nl", "--table"])
def test_every_format_and_an_empty_window_is_not_an_error(run, fmt):
    result = run("at", "1944-01-01", fmt, data=None, env={"COLUMNS": "100"})
    assert result.exit_code == 0 and result.stderr == ""
    assert "Malta" in result.stdout or "nearest_after" in result.stdout


def test_a_month_looks_at_the_whole_month_and_around_widens_a_day(run):
    month = view("1961-08")
    assert month.window.start.isoformat() == "1961-08-01" and month.window.end.isoformat() == "1961-08-31"
    assert "berlin-wall-built" in {n.event.id for n in month.nearby}
    assert len(view("1962-10-27", around=7).nearby) > len(view("1962-10-27").nearby)


@pytest.mark.parametrize("args", [["at"], ["at", "banana"], ["at", "1962", "--around", "-1"],
                                  ["at", "1962", "--fields", "id"]])
def test_usage_errors(run, args):
    result = run(*args, data=None)
    assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_who_role_country_answers_one_question(run):
    result = run("who", "--role", "premier", "--country", "USSR", "--on", "1960-06-01", "--plain", data=None)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["khrushchev"]
    assert run("who", "--country", "france", data=None).exit_code == 2


def test_events_disputed_keeps_only_events_with_alternative_dates(run):
    result = run("events", "--disputed", "--on", "1962", "--json", data=None)
    rows = json.loads(result.stdout)
    assert rows and all(r["alt_dates"] for r in rows)
    assert {r["id"] for r in rows} < {r["id"] for r in json.loads(run("events", "--on", "1962", "--json",
                                                                     data=None).stdout)}
