"""show, today, who --role, actors, tags, stats, --fields, export, completion and the pager."""

import csv
import io
import json
from datetime import date

import pytest

from cold_war_cli import onthisday, render
from cold_war_cli.errors import BadDate
from cold_war_cli.query import office_holders, related_events
from cold_war_cli.dates import parse_user_date


# ------------------------------------------------------------------------------------------- show


def test_show_gives_the_whole_event_with_related_events(run):
    result = run("show", "beria-executed", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    record = json.loads(result.stdout)
    assert record["alt_dates"][0]["date"] == "1953-12-07"
    assert record["alt_dates"][0]["sources"][0]["id"] == "narrative"
    assert record["notes"] == ["The founding narrative says 7 December."]
    assert "related" in record


def test_show_table_lists_sources_with_locator_and_url(run):
    out = run("show", "cuban-revolution-victory", "--table", env={"COLUMNS": "120"}).stdout
    assert "[1953-1960/cuba]" in out and "https://history.state.gov/milestones" in out
    assert "Fidel Castro (castro)" in out


def test_show_plain_is_tagged_lines(run):
    lines = run("show", "vienna-summit").stdout.splitlines()
    assert "actor\tkennedy\tJohn F. Kennedy" in lines
    assert any(line.startswith("related\t1961-11-30\toperation-mongoose") for line in lines)


def test_unknown_event_id_suggests_close_ids(run):
    result = run("show", "viena")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == "Error: no event has the id 'viena'. Did you mean: vienna-summit?"


def test_related_events_share_actors_and_are_close_in_time(mini):
    vienna = next(e for e in mini.events if e.id == "vienna-summit")
    related = [e.id for e in related_events(mini, vienna)]
    assert related[0] == "operation-mongoose"  # shares Kennedy, five months away
    assert "cuban-revolution-victory" not in related  # no shared actor


def test_related_events_are_scored_as_documented_on_the_shipped_data():
    from cold_war_cli.dataset import load

    data = load()
    events = list(data.events)
    kinds = {a.id: a.kind for a in data.actors.values()}

    def expected(event):
        mine = set(event.actor_ids)
        scored = []
        for other in events:
            shared = mine & set(other.actor_ids)
            gap = abs(other.start.toordinal() - event.start.toordinal())
            if other.id != event.id and shared and gap <= 730:
                score = sum(2 if kinds[a] == "person" else 1 for a in shared)
                scored.append((-score, gap, other.id))
        return [i for _, _, i in sorted(scored)[:5]]

    for event in events[::97]:
        assert [e.id for e in related_events(data, event)] == expected(event), event.id


# ------------------------------------------------------------------------------------------- today


def test_today_uses_cwc_today_and_counts_years(run):
    rows = json.loads(run("today", "--json", env={"CWC_TODAY": "2026-11-30"}).stdout)
    assert [(r["id"], r["years_ago"], r["on"]) for r in rows] == [("operation-mongoose", 65, "2026-11-30")]


def test_today_date_option_and_window(run):
    rows = json.loads(run("today", "--date", "06-02", "-A", "1", "--json", env={"CWC_TODAY": "2000-01-01"}).stdout)
    assert [r["id"] for r in rows] == ["vienna-summit"]
    rows = json.loads(run("today", "--date", "06-05", "-B", "1", "--json", env={"CWC_TODAY": "2000-01-01"}).stdout)
    assert rows == []  # the summit's first day, 3 June, is two days back


def test_today_skips_events_not_known_to_the_day(run):
    rows = json.loads(run("today", "--date", "01-01", "--json", env={"CWC_TODAY": "2026-05-05"}).stdout)
    assert [r["id"] for r in rows] == ["cuban-revolution-victory"]  # not the year-precision 1960 events


def test_today_window_crosses_the_new_year(run):
    rows = json.loads(run("today", "-A", "2", "--json", env={"CWC_TODAY": "2025-12-31"}).stdout)
    assert [(r["id"], r["on"], r["years_ago"]) for r in rows] == [("cuban-revolution-victory", "2026-01-01", 67)]


def test_february_29(mini, write_dataset, mini_raw, run):
    mini_raw["events"].append({"id": "leap", "date": "1960-02-29", "title": "Leap day event", "summary": "A test.",
                               "sources": [{"id": "oh-milestones"}]})
    path = write_dataset(mini_raw)
    in_common_year = json.loads(run("today", "--json", data=path, env={"CWC_TODAY": "2027-02-28"}).stdout)
    assert [r["id"] for r in in_common_year] == ["leap"]
    in_leap_year = json.loads(run("today", "--json", data=path, env={"CWC_TODAY": "2028-02-28"}).stdout)
    assert in_leap_year == []
    asked = json.loads(run("today", "--date", "02-29", "--json", data=path, env={"CWC_TODAY": "2028-01-01"}).stdout)
    assert [(r["id"], r["on"], r["years_ago"]) for r in asked] == [("leap", "2028-02-29", 68)]


@pytest.mark.parametrize("value", ["13-01", "02-30", "2-3", "10/27", "x"])
def test_bad_month_day_is_a_usage_error(run, value):
    result = run("today", "--date", value)
    assert result.exit_code == 2 and "MM-DD" in result.stderr and result.stdout == ""


def test_bad_cwc_today_is_a_usage_error(run):
    result = run("today", env={"CWC_TODAY": "2026-02-30"})
    assert result.exit_code == 2 and "CWC_TODAY" in result.stderr


def test_month_day_parsing_accepts_leap_day():
    assert onthisday.parse_month_day("02-29") == (2, 29)
    with pytest.raises(BadDate):
        onthisday.parse_month_day("04-31")
    assert onthisday.window(date(2027, 3, 1), 2, 29, 0, 0) == [date(2027, 2, 28)]


# ------------------------------------------------------------------------------------------- roles and actors


def test_office_holders_on_a_date(mini):
    found = office_holders(mini, "premier", parse_user_date("1960-06-01"))
    assert [t.actor.id for t in found] == ["khrushchev"]
    assert office_holders(mini, "premier", parse_user_date("1957")) == []
    assert [t.actor.id for t in office_holders(mini, "PRESIDENT united states", None)] == ["kennedy"]


def test_who_role_cli(run):
    result = run("who", "--role", "premier", "--on", "1960-06-01", "--json")
    assert json.loads(result.stdout) == [{
        "actor": "khrushchev", "name": "Nikita Khrushchev",
        "title": "Premier of the Soviet Union (Chairman of the Council of Ministers)",
        "start": "1958-03-27", "end": "1964-10-14"}]
    nobody = run("who", "--role", "premier", "--on", "1950")
    assert nobody.exit_code == 1 and "nobody" in nobody.stderr


@pytest.mark.parametrize("args", [["who"], ["who", "kennedy", "--role", "president"], ["who", "kennedy", "--on", "1961"]])
def test_who_needs_a_name_or_a_role(run, args):
    assert run(*args).exit_code == 2


def test_actors_listing_filters_by_kind_and_keyword(run):
    rows = json.loads(run("actors", "--kind", "state", "--json").stdout)
    assert [r["id"] for r in rows] == ["cuba"]
    people = json.loads(run("actors", "--keyword", "president", "--json").stdout)
    assert [r["id"] for r in people] == ["kennedy"]
    assert people[0]["events"] == 2


def test_tags_with_counts(run):
    rows = json.loads(run("tags", "--json").stdout)
    assert rows[0] == {"tag": "cuba", "count": 2}
    assert sum(r["count"] for r in rows) == 7


@pytest.mark.parametrize("by, first", [("year", {"year": "1953", "count": 1}),
                                       ("decade", {"decade": "1950s", "count": 2}),
                                       ("tag", {"tag": "cuba", "count": 2})])
def test_stats_counts(run, by, first):
    assert json.loads(run("stats", "--by", by, "--json").stdout)[0] == first


def test_stats_applies_event_filters_and_names_actors(run):
    rows = json.loads(run("stats", "--by", "actor", "--from", "1961", "--json").stdout)
    assert rows[0] == {"actor": "kennedy", "name": "John F. Kennedy", "count": 2}
    assert list(csv.reader(io.StringIO(run("stats", "--by", "decade", "--csv").stdout)))[0] == ["decade", "count"]


def test_stats_draws_bars_on_a_terminal(run, as_terminal):
    out = run("stats", "--by", "decade", env={"COLUMNS": "60", "NO_COLOR": "1"}).stdout
    lines = out.splitlines()
    assert lines[0].startswith("1950s") and "█" in lines[0]
    assert lines[1].count("█") > lines[0].count("█")
    assert max(len(line) for line in lines) <= 60


# ------------------------------------------------------------------------------------------- --fields


def test_fields_select_and_order_in_every_format(run):
    rows = json.loads(run("events", "--tag", "cuba", "--fields", "title,start", "--json").stdout)
    assert rows[0] == {"title": "Batista flees; the revolution wins", "start": "1959-01-01"}
    plain = run("events", "--tag", "cuba", "--fields", "id,actors").stdout.splitlines()
    assert plain == ["cuban-revolution-victory\tcastro; cuba", "operation-mongoose\tkennedy; castro"]
    table = run("events", "--tag", "cuba", "--fields", "id,start", "--table").stdout
    assert "id" in table and "title" not in table


def test_bare_fields_lists_them(run):
    result = run("events", "--fields")
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "id" and "alt_dates" in result.stdout


def test_unknown_field_is_a_usage_error_listing_the_fields(run):
    result = run("actors", "--fields", "id,nope")
    assert result.exit_code == 2 and "unknown field 'nope'" in result.stderr and "summary" in result.stderr


# ------------------------------------------------------------------------------------------- export


def test_ics_export_parses_back(run, monkeypatch):
    icalendar = pytest.importorskip("icalendar")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    text = run("export", "ics").stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    calendar = icalendar.Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 7
    vienna = events["vienna-summit@cold-war-cli"]
    assert vienna.decoded("DTSTART") == date(1961, 6, 3)
    assert vienna.decoded("DTEND") == date(1961, 6, 5)  # exclusive
    assert str(vienna["SUMMARY"]) == "Vienna summit"
    beria = events["beria-executed@cold-war-cli"]
    assert "Note: The founding narrative says 7 December." in str(beria["DESCRIPTION"])
    cuba = events["cuban-revolution-victory@cold-war-cli"]
    assert "Batista flees; the revolution wins" == str(cuba["SUMMARY"])  # ';' escaped and unescaped
    assert str(events["late-1960@cold-war-cli"].decoded("DTSTART")) == "1960-09-01"
    assert events["vienna-summit@cold-war-cli"]["DTSTAMP"].dt.year == 1970


def test_ics_escaping_and_folding_keep_utf8_whole():
    from cold_war_cli.exports import ics_escape, ics_fold

    assert ics_escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "Władysław Gomułka " * 10
    folded = ics_fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    for size in range(0, 400):  # plain ASCII takes a shortcut: every physical line full but the last
        ascii_line = ("SUMMARY:" + "abc; " * 80)[:size]
        parts = ics_fold(ascii_line).split("\r\n")
        assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == ascii_line
        assert all(len(p) == 75 for p in parts[:-1]) and len(parts[-1]) <= 75
        assert all(p.startswith(" ") for p in parts[1:])


def test_timelinejs_export_keeps_precision_and_display_dates(run):
    document = json.loads(run("export", "timelinejs").stdout)
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["vienna-summit"]["start_date"] == {"year": 1961, "month": 6, "day": 3}
    assert slides["vienna-summit"]["end_date"] == {"year": 1961, "month": 6, "day": 4}
    assert slides["sino-soviet-split"]["start_date"] == {"year": 1960}
    assert "end_date" not in slides["sino-soviet-split"]
    assert slides["sixties"]["display_date"] == "c. 1960s" and slides["sixties"]["end_date"] == {"year": 1969}
    assert slides["late-1960"]["display_date"] == "late 1960"
    text = slides["vienna-summit"]["text"]["text"]
    assert "<p>Sources:</p><ul><li>" in text and "Milestones" in text  # shown by TimelineJS, unlike a media credit
    assert '<a href="https://history.state.gov/milestones">' in text
    assert "media" not in slides["vienna-summit"]
    assert document["title"]["text"]["headline"]


def test_ics_dates_before_the_year_1000_have_four_digits(run, write_dataset, mini_raw):
    mini_raw["events"][0]["date"] = "0999-07-04"
    text = run("export", "ics", "--on", "0999", data=write_dataset(mini_raw)).stdout
    assert "DTSTART;VALUE=DATE:09990704" in text.splitlines() and "DTEND;VALUE=DATE:09990705" in text.splitlines()


def test_markdown_export_escapes_and_cites(run):
    text = run("export", "markdown", "--on", "1953").stdout
    assert "## 1953-12-23: Beria shot \\[sic\\]" in text
    assert "- Source: [Milestones in the History of U.S. Foreign Relations](https://history.state.gov/milestones)" in text
    assert "> Also dated 1953-12-07" in text


def test_export_csv_and_output_file(run, tmp_path):
    target = tmp_path / "out.csv"
    result = run("export", "csv", "--tag", "cuba", "-o", target)
    assert result.exit_code == 0 and result.stdout == "" and "Wrote 2 events" in result.stderr
    assert [r["id"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["cuban-revolution-victory",
                                                                              "operation-mongoose"]


def test_export_to_an_unwritable_place_fails_cleanly(run, tmp_path):
    result = run("export", "ics", "-o", tmp_path / "missing-dir" / "x.ics")
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot write")


# ------------------------------------------------------------------------------------------- completion and pager


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "#compdef cwc"),
                                           ("fish", "complete --no-files --command cwc")])
def test_completion_scripts(run, shell, marker):
    result = run("completion", shell, data=None)
    assert result.exit_code == 0 and marker in result.stdout and "_CWC_COMPLETE" in result.stdout


def test_completion_of_tags_and_event_ids(monkeypatch):
    from click.shell_completion import ShellComplete

    from cold_war_cli.cli import cli
    from tests.conftest import MINI

    monkeypatch.setenv("CWC_DATA", str(MINI))
    complete = ShellComplete(cli, {}, "cwc", "_CWC_COMPLETE")
    assert [c.value for c in complete.get_completions(["events", "--tag"], "co")] == ["covert-action"]
    assert [c.value for c in complete.get_completions(["show"], "vi")] == ["vienna-summit"]


def test_pager_only_on_a_terminal_and_when_needed(run, monkeypatch, as_terminal):
    paged = []
    monkeypatch.setattr(render, "_page", lambda text: paged.append(text) or True)
    run("events", "--pager", env={"COLUMNS": "100"})
    assert len(paged) == 1
    run("events", env={"COLUMNS": "100", "LINES": "200"})
    assert len(paged) == 1  # short output: no pager
    run("events", env={"COLUMNS": "100", "LINES": "5"})
    assert len(paged) == 2  # taller than the screen
    run("events", "--no-pager", env={"COLUMNS": "100", "LINES": "5"})
    assert len(paged) == 2


def test_never_a_pager_in_a_pipe(run, monkeypatch):
    monkeypatch.setattr(render, "_page", lambda text: pytest.fail("paged in a pipe"))
    assert run("events", "--pager").exit_code == 0


def test_today_in_a_pipe_splices_the_stored_records_into_the_rows_it_would_render(run):
    from cold_war_cli import onthisday, records
    from cold_war_cli.dataset import load

    data = load()
    found = onthisday.anniversaries(data, onthisday.window(date(2026, 10, 27), 10, 27, 2, 2))
    assert len(found) > 5
    piped = run("today", "--date", "10-27", "-B", "2", "-A", "2", "--json", data=None, env={"CWC_TODAY": "2026-10-27"})
    assert piped.exit_code == 0 and piped.stderr == ""
    pipe = render.Terminal(is_tty=False, color=False, width=80, height=24)
    assert piped.stdout == render.render_rows(records.anniversary_records(found), records.ANNIVERSARY_FIELDS, "json", pipe)
    lines = run("today", "--date", "10-27", "--nl", data=None, env={"CWC_TODAY": "2026-10-27"}).stdout.splitlines()
    assert [json.loads(line)["years_ago"] for line in lines] == [a.years_ago for a in found if a.on == date(2026, 10, 27)]


def test_stats_by_year_and_decade_count_each_event_once_by_its_first_day(run, write_dataset, mini_raw):
    # First days on the edges of years and decades, at both ends of the calendar, an event spanning a new year and
    # one of a whole year: the counts must be what counting the first days of the file gives, filtered or not.
    template = mini_raw["events"][0]
    dates = ["0001-01-01", "0009-12-31", "0010-01-01", "1959-12-31", "1959-12-31/1960-01-02", "1960-01-01",
             "1960", "1969-12-31", "1970-01-01", "9999-12-31"]
    mini_raw["events"] = [{**template, "id": f"e{i}", "date": day} for i, day in enumerate(dates)]
    path = write_dataset(mini_raw)
    years = {}
    for day in dates:
        years[int(day[:4])] = years.get(int(day[:4]), 0) + 1
    by_year = json.loads(run("stats", "--json", data=path).stdout)
    assert by_year == [{"year": str(y), "count": n} for y, n in sorted(years.items())]
    decades = {}
    for year, n in years.items():
        decades[year // 10 * 10] = decades.get(year // 10 * 10, 0) + n
    by_decade = json.loads(run("stats", "--by", "decade", "--json", data=path).stdout)
    assert by_decade == [{"decade": f"{d}s", "count": n} for d, n in sorted(decades.items())]
    filtered = json.loads(run("stats", "--from", "1960", "--to", "1969", "--strict", "--json", data=path).stdout)
    assert filtered == [{"year": "1960", "count": 2}, {"year": "1969", "count": 1}]
