"""BibTeX, RIS and CSL-JSON bibliographies (`cwc export bibtex|ris|csl-json`), read back by independent parsers:
bibtexparser, rispy and the CSL-JSON schema (tests/data/csl-data.json, see csl-data.README.md there)."""

import json
from pathlib import Path

import pytest

from cold_war_cli import bibliography
from cold_war_cli.dataset import load
from cold_war_cli.query import EventMatch

DATA = load()
ALL = [EventMatch(e, False) for e in DATA.events]
SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text(encoding="utf-8"))


def test_every_shipped_source_cited_by_an_event_is_in_the_bibliography():
    cited = {c.source_id for e in DATA.events for c in (*e.citations, *(c for a in e.alt_dates for c in a.citations))}
    assert {s.id for s in bibliography.cited_sources(DATA, ALL)} == cited


def test_csl_json_of_the_whole_dataset_validates_against_the_csl_schema():
    jsonschema = pytest.importorskip("jsonschema")
    items = json.loads(bibliography.to_csl_json(DATA, ALL))
    jsonschema.validate(items, SCHEMA)
    assert len(items) == len(bibliography.cited_sources(DATA, ALL))


def test_bibtex_of_the_whole_dataset_parses_with_bibtexparser_and_keeps_the_fields():
    bibtexparser = pytest.importorskip("bibtexparser")
    library = bibtexparser.parse_string(bibliography.to_bibtex(DATA, ALL))
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert set(entries) == {s.id for s in bibliography.cited_sources(DATA, ALL)}
    frus = entries["frus-1961-63-v10"]
    assert frus.entry_type == "book" and frus["year"] == "1997"
    assert frus["author"] == "{U.S. Department of State}"  # an organization is one name, never "State, U.S."
    taubman = entries["taubman-khrushchev"]
    assert taubman["author"] == "Taubman, William" and taubman["title"] == "{Khrushchev: The Man and His Era}"


def test_ris_of_the_whole_dataset_parses_with_rispy():
    rispy = pytest.importorskip("rispy")
    text = bibliography.to_ris(DATA, ALL)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    records = rispy.loads(text)
    assert len(records) == len(bibliography.cited_sources(DATA, ALL))
    frus = next(r for r in records if r["id"] == "frus-1961-63-v10")
    assert frus["type_of_reference"] == "GOVDOC" and frus["year"] == "1997"
    assert frus["urls"] == ["https://history.state.gov/historicaldocuments/frus1961-63v10"]
    taubman = next(r for r in records if r["id"] == "taubman-khrushchev")
    assert taubman["authors"] == ["Taubman, William"] and taubman["type_of_reference"] == "BOOK"


def test_latex_specials_are_escaped_and_braces_balance():
    assert bibliography.bibtex_escape("50% & {x} $5 #1 a_b ~ ^ \\") == (
        r"50\% \& \{x\} \$5 \#1 a\_b \~{} \^{} \textbackslash{}")


def test_export_commands_write_the_formats(run):
    bib = run("export", "bibtex", "--on", "1962-10")
    assert bib.exit_code == 0 and bib.stdout.startswith("@") and bib.stderr == ""
    ris = run("export", "ris", "--on", "1962-10")
    assert ris.exit_code == 0 and ris.stdout.startswith("TY  - ")
    items = json.loads(run("export", "csl-json", "--on", "1962-10").stdout)
    assert items and all({"id", "type", "title"} <= set(item) for item in items)
    assert json.loads(run("export", "csl-json", "--on", "1800").stdout) == []


def test_hostile_text_cannot_start_a_record_or_reach_the_terminal(run, hostile):
    for fmt in ("bibtex", "ris", "csl-json"):
        result = run("export", fmt, data=hostile)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout
    ris = run("export", "ris", data=hostile).stdout
    assert all(line[:2].isupper() and line[2:6] == "  - " or line in ("", "ER  -")
               for line in ris.split("\r\n")), ris
    bib = run("export", "bibtex", data=hostile).stdout
    assert all(line.startswith(("@", "  ", "}")) or line == "" for line in bib.split("\n")), bib


@pytest.fixture
def hostile(write_dataset, monkeypatch):
    from tests.test_hostile import hostile_dataset, let_control_characters_load

    let_control_characters_load(monkeypatch)
    raw = hostile_dataset()
    source = next(s for s in raw["sources"] if s["id"] == "hostile-source")
    source["title"] += " \x1b[31mred\u202e\n@misc{forged, title={x}}\r\nTY  - BOOK\x07"
    source["note"] = "}\n@book{forged2,"
    return write_dataset(raw, name="hostile.json")
