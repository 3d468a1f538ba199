"""The curators' scripts: the coverage report's figures, and merging candidate files."""

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


coverage = _script("coverage")
merge = _script("merge_candidates")


def test_minimums_follow_the_breadth_issues():
    assert [coverage.minimum(y) for y in (1945, 1952, 1953, 1964, 1965, 1988, 1989, 1990, 1991)] == \
           [25, 25, 45, 45, 25, 25, 60, 40, 45]


def _write(path, content):
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_merging_adds_what_it_can_and_reports_the_rest(tmp_path, mini_raw, capsys):
    from cold_war_cli.dataset import problems

    data = _write(tmp_path / "events.json", mini_raw)
    new = {"id": "new-event", "date": "1961-08-13", "title": "A new event", "summary": "Something happened.",
           "actors": ["kennedy"], "sources": [{"id": "oh-milestones", "locator": "1953-1960/berlin-crises"}]}
    candidates = _write(tmp_path / "c.json", {"sources": [], "actors": [], "events": [
        new, dict(new, id=mini_raw["events"][0]["id"]), dict(new, id="ghost-actor", actors=["nobody"])]})
    merge.main([str(candidates), "--data", str(data)])
    report = capsys.readouterr().err
    merged = json.loads(data.read_text(encoding="utf-8"))
    ids = [e["id"] for e in merged["events"]]
    assert "new-event" in ids and "ghost-actor" not in ids and ids.count(mini_raw["events"][0]["id"]) == 1
    assert "is taken" in report and "unknown actor 'nobody'" in report and "added 0 sources, 0 actors and 1 events" in report
    assert problems(data) == []


def test_fixes_change_events_actors_and_source_dates_and_dry_run_writes_nothing(tmp_path, mini_raw):
    data = _write(tmp_path / "events.json", mini_raw)
    event_id = mini_raw["events"][0]["id"]
    fixes = _write(tmp_path / "f.json", {"events": {event_id: {"aliases": ["Another name"]}},
                                         "actors": {"kennedy": {"born": "1917-05-29"}},
                                         "sources_issued": {"narrative": "2026"}})
    before = data.read_text(encoding="utf-8")
    merge.main(["--fixes", "--dry-run", str(fixes), "--data", str(data)])
    assert data.read_text(encoding="utf-8") == before
    merge.main(["--fixes", str(fixes), "--data", str(data)])
    merged = json.loads(data.read_text(encoding="utf-8"))
    assert next(e for e in merged["events"] if e["id"] == event_id)["aliases"] == ["Another name"]
    assert next(a for a in merged["actors"] if a["id"] == "kennedy")["born"] == "1917-05-29"


def test_a_split_source_moves_its_citations_and_the_record_it_leaves_uncited_is_removed(tmp_path, mini_raw, capsys):
    from cold_war_cli.dataset import problems

    mini_raw["sources"].append({"id": "archive", "type": "web-page", "quality": "press", "title": "An archive",
                                "url": "https://example.org"})
    beria = next(e for e in mini_raw["events"] if e["id"] == "beria-executed")
    beria["sources"].append({"id": "archive", "locator": "The Press, 24 December 1953"})
    beria["alt_dates"][0]["sources"].append({"id": "archive"})
    next(a for a in mini_raw["actors"] if a["id"] == "castro")["sources"] = [{"id": "archive"}, {"id": "narrative"}]
    next(a for a in mini_raw["actors"] if a["id"] == "kennedy")["sources"] = [{"id": "narrative"}]  # its only one
    data = _write(tmp_path / "events.json", mini_raw)
    item = {"id": "press-1953-12-24", "type": "newspaper-article", "quality": "press", "title": "Beria shot",
            "container": "The Press", "issued": "1953-12-24", "url": "https://example.org/1953-12-24"}
    fixes = _write(tmp_path / "f.json", {
        "sources": [item],
        "add_citations": {"beria-executed": [{"id": item["id"]}]},
        "drop_citations": {"beria-executed": ["archive"]},
        "alt_sources": {"beria-executed": [{"date": "1953-12-07", "drop": ["archive"]},
                                           {"date": "1999-01-01", "drop": ["narrative"]}]},
        "actor_sources_drop": {"castro": ["archive"], "kennedy": ["narrative"]},
        "actor_sources_add": {"kennedy": [{"id": item["id"]}]},
        "source_fixes": {"narrative": {"title": "The founding narrative"}}})
    merge.main(["--fixes", str(fixes), "--data", str(data)])
    report = capsys.readouterr().err
    merged = json.loads(data.read_text(encoding="utf-8"))
    beria = next(e for e in merged["events"] if e["id"] == "beria-executed")
    assert [c["id"] for c in beria["sources"]] == ["oh-milestones", item["id"]]
    assert [c["id"] for c in beria["alt_dates"][0]["sources"]] == ["narrative"]
    assert next(a for a in merged["actors"] if a["id"] == "castro")["sources"] == [{"id": "narrative"}]
    assert next(a for a in merged["actors"] if a["id"] == "kennedy")["sources"] == [{"id": item["id"]}]
    assert "archive" not in {s["id"] for s in merged["sources"]}
    assert next(s for s in merged["sources"] if s["id"] == "narrative")["title"] == "The founding narrative"
    assert "1999-01-01 not found" in report and "cited nowhere: ['archive']" in report
    assert problems(data) == []


def test_a_term_can_be_redated_to_what_its_new_citation_supports_and_nothing_else_is_set(tmp_path, mini_raw, capsys):
    data = _write(tmp_path / "events.json", mini_raw)
    title = "First Secretary of the Communist Party of the Soviet Union"
    fixes = _write(tmp_path / "f.json", {"role_sources": {"khrushchev": [
        {"title": title, "start": "1953-09-07", "add": [{"id": "oh-milestones", "locator": "a page"}],
         "set": {"start": "1953-09", "end": "1964-10"}},
        {"title": "President of the United States", "start": "1961-01-20", "set": {"start": "1961"}},
        {"title": title, "start": "1953-09", "set": {"sources": []}}]}})
    merge.main(["--fixes", str(fixes), "--data", str(data)])
    report = capsys.readouterr().err
    roles = next(a for a in json.loads(data.read_text(encoding="utf-8"))["actors"] if a["id"] == "khrushchev")["roles"]
    assert roles[0] == {"title": title, "start": "1953-09", "end": "1964-10",
                        "sources": [{"id": "oh-milestones", "locator": "a page"}]}
    assert "term 'President of the United States' from 1961-01-20 not found" in report
    assert "only a term's title, start and end can be set" in report
