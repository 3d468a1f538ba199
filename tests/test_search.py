"""`cwc search`, word-based `--keyword`, and `cwc export sqlite`: through the CLI and through the core."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from cold_war_cli import search as search_module
from cold_war_cli.dataset import load
from cold_war_cli.query import EventFilter, select_events
from cold_war_cli.search import parse, stem
from cold_war_cli.text import fold
from tests.conftest import MINI

ROOT = MINI.parent.parent.parent
SHIPPED = ROOT / "data" / "events.json"


def ids_of(result):
    return [row["id"] for row in json.loads(result.stdout)]


# ------------------------------------------------------------------------------------------ the core


@pytest.mark.parametrize("forms", [("invade", "invaded", "invading", "invasion", "invasions", "invades"),
                                   ("nationalise", "nationalize", "nationalised", "nationalization",
                                    "nationalisation"),
                                   ("missile", "missiles"), ("sign", "signed", "signing", "signs"),
                                   ("shoot", "shot"), ("hungary", "hungarian"), ("decide", "decision"),
                                   ("agree", "agreed", "agreement")])
def test_inflections_share_a_stem(forms):
    assert len({stem(form) for form in forms}) == 1, {form: stem(form) for form in forms}


@pytest.mark.parametrize("different", [("test", "testament"), ("ban", "bank"), ("crisis", "cris"), ("war", "warsaw")])
def test_different_words_keep_different_stems(different):
    assert stem(different[0]) != stem(different[1])


def test_a_query_is_words_and_quoted_phrases_without_common_words():
    terms = parse('when did the "Bay of Pigs" invasion happen')
    assert [(t.words, t.phrase) for t in terms] == [(("bay", "of", "pigs"), True), (("invasion",), False)]
    assert [t.words for t in parse("the")] == [("the",)]  # nothing but common words: keep them
    assert parse('  "" ') == []


def test_results_come_best_first_with_a_score_and_a_marked_snippet(run):
    result = run("search", "vienna", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "vienna-summit"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert "**Vienna**" in rows[0]["snippet"]
    assert set(rows[0]) >= {"id", "title", "sources", "score", "snippet"}


def test_filters_combine_with_search(run):
    assert ids_of(run("search", "kennedy", "--json")) and "vienna-summit" in ids_of(run("search", "kennedy", "--json"))
    assert "vienna-summit" not in ids_of(run("search", "kennedy", "--from", "1962", "--json"))
    assert ids_of(run("search", "kennedy", "--actor", "castro", "--json")) == ["operation-mongoose"]
    assert ids_of(run("search", "kennedy", "--limit", "1", "--json")) == ids_of(run("search", "kennedy", "--json"))[:1]


def test_the_default_limit_is_twenty():
    data = load(SHIPPED)
    assert len(search_module.search(data, "soviet", EventFilter(), 20).hits) == 20
    from click.testing import CliRunner

    from cold_war_cli.cli import cli

    result = CliRunner().invoke(cli, ["search", "soviet", "--json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 20


def test_sort_puts_the_found_events_in_date_order(run):
    ranked = json.loads(run("search", "kennedy", "--json").stdout)
    dated = json.loads(run("search", "kennedy", "--sort", "start", "--json").stdout)
    assert sorted(r["id"] for r in ranked) == sorted(r["id"] for r in dated)
    assert [r["start"] for r in dated] == sorted(r["start"] for r in dated)


def test_a_phrase_matches_only_its_words_in_order(run):
    assert ids_of(run("search", '"vienna summit"', "--json")) == ["vienna-summit"]
    assert ids_of(run("search", '"summit vienna"', "--json")) == []


def test_a_misspelling_is_corrected_with_a_note_on_stderr_only(run):
    result = run("search", "khruschov", "--json")
    assert result.exit_code == 0
    assert "vienna-summit" in ids_of(result)
    assert result.stderr.startswith("Note: no event has the word 'khruschov'; showing results for")
    assert len(result.stderr.splitlines()) == 1


def test_synonyms_widen_a_query():
    data = load(SHIPPED)
    found = [h.event.id for h in search_module.search(data, "blockade", EventFilter(), 50).hits]
    assert "quarantine-proclamation" in found  # its text says interdiction and quarantine, never blockade
    assert [h.event.id for h in search_module.search(data, "U2", EventFilter(), 5).hits][:1] == \
           [h.event.id for h in search_module.search(data, "U-2", EventFilter(), 5).hits][:1]


def test_an_empty_query_is_a_usage_error(run):
    for query in ([], [""], ['""'], ["  ", "!!"]):
        result = run("search", *query)
        assert result.exit_code == 2, query
        assert result.stdout == "" and result.stderr.startswith("Error:") and len(result.stderr.splitlines()) == 1


def test_nothing_found_is_an_empty_result_not_an_error(run):
    result = run("search", "zzzzqqqq", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_the_table_highlights_the_matched_words(run, as_terminal):
    result = run("search", "vienna", "--color", "always")
    assert result.exit_code == 0
    assert "\x1b[1;7mVienna" in result.stdout or "\x1b[7;1mVienna" in result.stdout
    assert "vienna-summit" in result.stdout


def test_csv_and_plain_carry_the_score(run):
    rows = run("search", "vienna", "--csv").stdout.splitlines()
    assert rows[0].endswith("score,snippet")
    plain = run("search", "vienna", "--plain").stdout.splitlines()
    assert plain[0].split("\t")[2] == "vienna-summit" and float(plain[0].split("\t")[-1]) > 0


def test_without_fts5_search_says_so_in_one_line_and_the_rest_still_works(run, monkeypatch):
    monkeypatch.setattr(search_module, "has_fts5", lambda db: False)
    for args in (["search", "vienna"], ["events", "-k", "vienna"]):
        result = run(*args)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == "Error: word search needs SQLite's FTS5, which this Python's sqlite3 module lacks\n"
    assert run("events", "--on", "1961", "--json").exit_code == 0


# ------------------------------------------------------------------------------------------ --keyword


def test_keywords_are_whole_words_or_their_beginnings():
    data = load(SHIPPED)

    def found(*words):
        return [m.event for m in select_events(data, EventFilter(keywords=words))]

    for event in found("ban"):  # not 'bank', 'urban' or 'Albania'
        text = " ".join([event.title, *event.aliases, event.summary, *event.tags, *event.places]).lower()
        names = " ".join(n for a in event.actor_ids for n in data.actors[a].names).lower()
        assert any(w.startswith("ban") for w in fold(text + " " + names).split()), event.id
    assert {e.id for e in found("u-2")} == {e.id for e in found("U-2")} and "u2-shot-down" in {e.id for e in found("u-2")}
    assert "khrushchev-berlin-speech" in {e.id for e in found("khrush")}
    assert found("gomulka") == found("Gomułka") != []


# ------------------------------------------------------------------------------------------ export sqlite


def test_export_sqlite_writes_a_database_datasette_can_search(run, tmp_path):
    target = tmp_path / "crisis.db"
    result = run("export", "sqlite", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    db = sqlite3.connect(target)
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 7
    assert db.execute("SELECT id FROM events WHERE rowid IN "
                      "(SELECT rowid FROM events_fts WHERE events_fts MATCH 'vienna')").fetchall() == [("vienna-summit",)]
    assert db.execute("SELECT count(*) FROM citations").fetchone()[0] >= 7
    metadata = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["databases"]["crisis"]["tables"]["events"]["fts_table"] == "events_fts"
    assert metadata["license"]


def test_datasette_offers_search_on_the_exported_database(run, tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    target = tmp_path / "cwc.db"
    assert run("export", "sqlite", "-o", target).exit_code == 0
    metadata = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))

    async def ask():
        ds = datasette_app.Datasette([str(target)], metadata=metadata)
        response = await ds.client.get("/cwc/events.json?_search=vienna&_shape=array")
        return response.status_code, response.json()

    status, rows = asyncio.run(ask())
    assert status == 200 and [row["id"] for row in rows] == ["vienna-summit"]


def test_export_sqlite_needs_a_file_and_says_when_it_cannot_write(run, tmp_path):
    result = run("export", "sqlite")
    assert result.exit_code == 2 and "-o FILE" in result.stderr
    result = run("export", "sqlite", "-o", tmp_path / "no" / "such" / "folder" / "x.db")
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot write") and len(result.stderr.splitlines()) == 1


# ------------------------------------------------------------------------------------------ the store under load


@pytest.mark.slow
def test_eight_processes_on_a_cold_cache_agree_and_leave_one_database(tmp_path):
    folder = tmp_path / "cache"
    env = {**os.environ, "CWC_CACHE_DIR": str(folder)}
    command = [sys.executable, "-m", "cold_war_cli", "search", "berlin", "--json"]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(ROOT))
                for _ in range(8)]
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1 and json.loads(outputs[0][0])
    assert len(list(folder.glob("*.db"))) == 1
    assert not list(folder.glob("*.tmp"))
