"""The SQLite store as commands use it: streamed dumps, the stat record that spares hashing, SQL answers that
match the events' own fields."""

import json
import os
import time

from click.testing import CliRunner

from cold_war_cli import cache, render, terminal
from cold_war_cli.cli import cli
from cold_war_cli.dataset import load
from cold_war_cli.query import EventFilter, iter_events, select_events
from cold_war_cli.stats import count_events
from tests.conftest import MINI


def test_a_streamed_dump_is_byte_for_byte_what_the_whole_rendering_is(monkeypatch):
    data = load()
    pipe = terminal.Terminal(is_tty=False, color=False, width=80, height=24)
    matches = select_events(data, EventFilter())
    for fmt in ("json", "nl", "csv"):
        whole = render.render_events(data, matches, fmt, pipe)
        streamed = "".join(render.stream_events(data, iter_events(data, EventFilter()), fmt))
        assert streamed == whole, fmt
    monkeypatch.setattr(render, "STREAM_BATCH", 3)  # batches that end anywhere
    assert "".join(render.stream_events(data, iter_events(data, EventFilter(limit=10)), "json")) == \
        render.render_events(data, matches[:10], "json", pipe)


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
