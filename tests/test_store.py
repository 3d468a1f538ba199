"""The SQLite store as commands use it: streamed dumps, the stat record that spares hashing, SQL answers that
match the events' own fields."""

import json
import os
import time
from datetime import date

from click.testing import CliRunner

from cold_war_cli import cache, render, terminal
from cold_war_cli.cli import cli
from cold_war_cli.dataset import load
from cold_war_cli.dates import DayRange
from cold_war_cli.query import EventFilter, select_events
from cold_war_cli.stats import count_events
from tests.conftest import MINI


def test_a_streamed_dump_of_stored_records_is_byte_for_byte_the_records_made_from_events(monkeypatch):
    """The store keeps every event's record ready as text; a dump copies them. Made again from the Event objects
    (`records.event_record`), they must be the same, `partial` included (a range whose edges cut events)."""
    from cold_war_cli import records

    data = load(MINI)
    pipe = terminal.Terminal(is_tty=False, color=False, width=80, height=24)
    cut = EventFilter(when=DayRange(date(1959, 1, 1), date(1960, 12, 31), "year"))  # whole: 1959, 1960; cut: 1960s
    for wanted in (EventFilter(), cut):
        matches = select_events(data, wanted)
        for fmt in ("json", "nl", "csv"):
            whole = render.render_events(data, matches, fmt, pipe)
            assert "".join(render.stream_dump(data, wanted, fmt)) == whole, fmt
    assert any(m.partial for m in select_events(data, cut)) and any(not m.partial for m in select_events(data, cut))
    shipped = load()
    for event in shipped.events:  # every shipped event: the stored record is the one made from its Event
        stored = shipped.stored_record(event.id)
        assert stored == records.made_record(shipped, event), event.id
        assert render._compact(json.loads(stored)) == stored, event.id  # both encoders write the same JSON
        assert json.loads(stored)["sources"] == records.citations(shipped, event.citations), event.id
    monkeypatch.setattr(render, "STREAM_BATCH", 3)  # batches that end anywhere
    assert "".join(render.stream_dump(data, EventFilter(limit=10), "json")) == \
        render.render_events(data, select_events(data, EventFilter())[:10], "json", pipe)


def test_events_json_in_a_pipe_streams_and_stays_valid(run):
    result = run("events", "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 7
    assert run("events", "--on", "1800", "--json").stdout == "[]\n"
    assert run("events", "--on", "1800", "--csv").stdout.count("\n") == 1  # the header alone


def test_counts_by_sql_agree_with_the_events_themselves():
    data = load()
    by_year: dict[str, int] = {}
    by_tag: dict[str, int] = {}
    for event in data.events:
        by_year[str(event.start.year)] = by_year.get(str(event.start.year), 0) + 1
        for tag in set(event.tags):
            by_tag[tag] = by_tag.get(tag, 0) + 1
    assert dict(count_events(data, EventFilter(), "year")) == by_year
    assert dict(count_events(data, EventFilter(), "tag")) == by_tag
    sixties = EventFilter(when=DayRange(date(1960, 1, 1), date(1969, 12, 31), "decade"), tags=("cuba",))
    chosen = select_events(data, sixties)
    by_actor: dict[str, int] = {}
    for match in chosen:
        for actor in set(match.event.actor_ids):
            by_actor[actor] = by_actor.get(actor, 0) + 1
    assert dict(count_events(data, sixties, "actor")) == by_actor and len(chosen) > 10
    assert sum(n for _, n in count_events(data, sixties, "year")) == len(chosen)


def test_a_file_whose_stat_is_unchanged_is_not_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CWC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "events.json"
    path.write_bytes(MINI.read_bytes())
    settled = time.time() - cache.STAT_SETTLE - 5
    os.utime(path, (settled, settled))
    expected = [e.id for e in load(path).events]  # hashes it and records its stat
    hashed = []
    real = cache.database_name
    monkeypatch.setattr(cache, "database_name", lambda data: hashed.append(1) or real(data))
    assert [e.id for e in load(path).events] == expected
    assert hashed == []
    path.write_bytes(MINI.read_bytes().replace(b"Vienna summit", b"Vienna Summit"))  # same size, new content
    os.utime(path, (settled, settled))  # even with the old modification time: the change time moved
    assert any(e.title == "Vienna Summit" for e in load(path).events)
    assert hashed


def test_a_stat_record_of_another_store_format_is_not_trusted(tmp_path, monkeypatch):
    """A new cwc (another store format) must hash the file, build its own database once, record it, and open that
    database from then on (trusting the old record had it build again on every run)."""
    from cold_war_cli import store

    monkeypatch.setenv("CWC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "events.json"
    path.write_bytes(MINI.read_bytes())
    settled = time.time() - cache.STAT_SETTLE - 5
    os.utime(path, (settled, settled))
    load(path)  # the record names this format's database
    monkeypatch.setattr(store, "FORMAT", store.FORMAT + "-next")
    built = []
    real = cache.build
    monkeypatch.setattr(cache, "build", lambda contents, name: built.append(name) or real(contents, name))
    load(path)
    load(path)
    assert len(built) == 1 and (tmp_path / "cache" / built[0]).is_file()


def test_a_just_modified_file_is_not_trusted_by_its_stat(tmp_path, monkeypatch):
    monkeypatch.setenv("CWC_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "events.json"
    path.write_bytes(MINI.read_bytes())  # modified now: within STAT_SETTLE
    load(path)
    assert not list((tmp_path / "cache").glob("*" + cache.STAT_SUFFIX))


def test_search_and_show_agree_through_the_cli():
    runner = CliRunner()
    found = json.loads(runner.invoke(cli, ["search", "vienna", "--json", "--data", str(MINI)]).stdout)
    shown = json.loads(runner.invoke(cli, ["show", found[0]["id"], "--json", "--data", str(MINI)]).stdout)
    assert shown["id"] == found[0]["id"] and shown["title"] == found[0]["title"]


def test_who_in_a_pipe_copies_the_stored_records_into_the_actor(run):
    """`who NAME --json` in a pipe splices the stored records into the actor's object as text: it must parse, and be
    the actor with the records made from the events (in a pipe, one compact line)."""
    from cold_war_cli import records

    result = run("who", "khrushchev", "--json")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1 and ", " not in result.stdout[:200]
    got = json.loads(result.stdout)
    data = load(MINI)
    actor = data.actor("khrushchev")
    theirs = select_events(data, EventFilter(actor_ids=("khrushchev",)))
    assert theirs
    assert got == {**records.actor_row(actor, 0, data), "events": [records.event_record(data, m) for m in theirs]}
    assert json.loads(run("who", "khrushchev", "--nl").stdout) == got


def test_an_events_csv_row_is_the_generic_flattening_of_its_record():
    """Dumps flatten event records by a direct path; it must give what `flat` gives field by field, for every event
    of the shipped data (lists, locators, labels, partial)."""
    from cold_war_cli import records

    data = load()
    rows = list(records.iter_event_records(data, EventFilter(when=DayRange(date(1961, 6, 1), date(1961, 6, 30),
                                                                           "month"))))
    rows += list(records.iter_event_records(data, EventFilter()))
    assert any(r["partial"] for r in rows) and any(r["label"] for r in rows)
    assert any(c["locator"] for r in rows for c in r["sources"]) and any(not c["locator"] for r in rows for c in r["sources"])
    for row in rows:
        assert records.csv_row(row) == [records.flat(row[key]) for key in records.CSV_FIELDS]
    pipe = terminal.Terminal(is_tty=False, color=False, width=80, height=24)
    for wanted in (EventFilter(), EventFilter(when=DayRange(date(1961, 6, 1), date(1961, 6, 30), "month"))):
        # the store's ready CSV rows, joined around `partial`, are the rows made from the records
        assert "".join(render.stream_dump(data, wanted, "csv")) == \
            render.render_events(data, select_events(data, wanted), "csv", pipe)


def test_a_stored_csv_row_is_inert_and_quoted_like_any_other():
    from cold_war_cli.record_maker import RecordMaker, csv_parts

    made = RecordMaker(lambda source_id: None, lambda actor_id: actor_id).struct(
        "x", "1961", 'a "label", with commas', "1961-01-01", "1961-12-31", "year", "bad\x1b[31m", [], "two\nlines",
        ["a", "b"], [], ["t"], [("s", "p. 1", None), ("u", None, None)], [], [])
    head, tail = csv_parts(made)
    row = head + "false" + tail
    assert "\x1b" not in row and "\\x1b[31m" in row
    assert row == render._csv([["x", "1961", 'a "label", with commas', "1961-01-01", "1961-12-31", "year", "certain",
                                "false", "bad\\x1b[31m", "two\nlines", "a; b", "", "t", "s (p. 1); u"]], None)


def test_csv_cells_that_could_drive_a_terminal_are_made_inert_even_in_a_row_that_has_other_cells():
    text = render._csv([["plain", "bad\x1b[31m", "tab\tkept"]], None)
    assert "\x1b" not in text and "\\x1b[31m" in text and "tab\tkept" in text
    assert render._csv([["plain", "also plain"]], None) == "plain,also plain\r\n"


def test_a_database_path_is_quoted_for_sqlite_as_urllib_quotes_it():
    from urllib.parse import quote

    from cold_war_cli.store import _uri_path

    for path in ("/home/a b/.cache/cwc/x.db", "/tmp/what?#%&=.db", "/tmp/Ünïcode/✓.db", "/tmp/\udcff.db", "/~x/_-."):
        assert _uri_path(path) == quote(path, errors="surrogateescape"), path


def test_a_csv_cell_is_quoted_exactly_as_the_csv_module_quotes_it():
    import csv
    import io

    from hypothesis import given, strategies as st

    from cold_war_cli.record_maker import csv_cell

    def written(cells):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(cells)
        return out.getvalue()

    @given(st.lists(st.text(alphabet=st.sampled_from('ab ,"\r\n\t;é\'x'), max_size=12), min_size=2, max_size=5))
    def same(cells):
        assert ",".join(map(csv_cell, cells)) + "\r\n" == written(cells)

    same()


def test_every_stored_vevent_is_the_one_made_from_the_event_s_record():
    """`export ics` copies the VEVENTs the store made when it was built; made again from each shipped event's
    record (read back as attributes), they must be the same text."""
    from types import SimpleNamespace

    from cold_war_cli import exports

    data = load()
    stored = dict((row[0], row[1:]) for row in data.db.execute("SELECT record, ics_head, ics_tail FROM events"))
    assert len(stored) == data.count()
    for record, parts in stored.items():
        assert exports.vevent(json.loads(record, object_hook=lambda d: SimpleNamespace(**d))) == parts
    head, tail = next(iter(stored.values()))
    assert head.startswith("BEGIN:VEVENT\r\nUID:") and tail.endswith("END:VEVENT\r\n") and "DTSTAMP" not in head + tail
