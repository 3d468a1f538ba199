"""`cwc cite` and `cwc sources`, and the citation core (cold_war_cli.cite) with citeproc-py.

The golden strings below were compared by hand with the manuals' patterns and examples as university library
guides reproduce them (read 2026-12-02; the manuals themselves were not at hand):
- Chicago 17 notes and bibliography, book: University of Queensland Library, "Chicago 17th edition notes and
  bibliography: book" (note "Alastair Blanshard, Hercules: A Heroic Life (London: Granta, 2006), 151.";
  bibliography "Blanshard, Alastair. Hercules: A Heroic Life. London: Granta, 2006.") and the University of West
  Florida's guide (CMOS 14.100);
- APA 7 reference, book: University of Malaya Library, "APA Style 7th Edition" ("Sapolsky, R. M. (2017).
  Behave: ... Penguin Books."; in text "(Sapolsky, 2017)");
- MLA 9 works cited, book: Monmouth University, "MLA 9 Works Cited" ("Hayles, Katherine. My Mother Was a
  Computer: ... U of Chicago, 2005."), in text (Author page).
What was compared: the order and punctuation of the elements, italics for book and website titles, quotation
marks for a page of a site in Chicago and MLA, full given names in Chicago and MLA and initials in APA, the
locator after the facts of publication (a page with "p." in APA only). The FRUS and web-page strings follow the
same element rules; their container and locator forms were not compared with a manual's own example of that type.
A documented limit: titles keep the case the dataset gives (APA asks for sentence case, which CSL leaves to the
data).
"""

import warnings

import pytest

from cold_war_cli import cite, terminal
from cold_war_cli.dataset import load
from cold_war_cli.models import Citation

pytest.importorskip("citeproc")
DATA = load()
FRUS = Citation("frus-1961-63-v10", "Document 270", "https://history.state.gov/historicaldocuments/frus1961-63v10/d270")
BOOK = Citation("taubman-khrushchev", "p. 530")
WEB = Citation("oh-milestones", "1961-1968/cuban-missile-crisis",
               "https://history.state.gov/milestones/1961-1968/cuban-missile-crisis")
FRUS_TITLE = "Foreign Relations of the United States, 1961-1963, Volume X, Cuba, January 1961-September 1962"


def marked(spans) -> str:
    """Spans with italics marked *like this*, so a golden string shows where the style sets italics."""
    return "".join(f"*{s.text}*" if s.style == "italic" else s.text for s in spans)


GOLDEN = {
    ("chicago", "frus"): (
        f"U.S. Department of State, *{FRUS_TITLE}* (Office of the Historian, 1997), Document 270, "
        "https://history.state.gov/historicaldocuments/frus1961-63v10/d270.",
        f"U.S. Department of State. *{FRUS_TITLE}*. Office of the Historian, 1997. "
        "https://history.state.gov/historicaldocuments/frus1961-63v10."),
    ("chicago", "book"): ("William Taubman, *Khrushchev: The Man and His Era* (New York: W. W. Norton, 2003), 530.",
                          "Taubman, William. *Khrushchev: The Man and His Era*. New York: W. W. Norton, 2003."),
    ("chicago", "web"): (
        "U.S. Department of State, Office of the Historian, “Milestones in the History of U.S. Foreign Relations,” "
        "Office of the Historian, U.S. Department of State, 2016, 1961-1968/cuban-missile-crisis, "
        "https://history.state.gov/milestones/1961-1968/cuban-missile-crisis.",
        "U.S. Department of State, Office of the Historian. “Milestones in the History of U.S. Foreign Relations.” "
        "Office of the Historian, U.S. Department of State, 2016. https://history.state.gov/milestones."),
    ("apa", "frus"): ("(U.S. Department of State, 1997, Document 270)",
                      f"U.S. Department of State. (1997). *{FRUS_TITLE}*. Office of the Historian. "
                      "https://history.state.gov/historicaldocuments/frus1961-63v10"),
    ("apa", "book"): ("(Taubman, 2003, p. 530)", "Taubman, W. (2003). *Khrushchev: The Man and His Era*. W. W. Norton."),
    ("apa", "web"): ("(U.S. Department of State, Office of the Historian, 2016, 1961-1968/cuban-missile-crisis)",
                     "U.S. Department of State, Office of the Historian. (2016). *Milestones in the History of U.S. "
                     "Foreign Relations*. Office of the Historian, U.S. Department of State. "
                     "https://history.state.gov/milestones"),
    ("mla", "frus"): ("(U.S. Department of State, Document 270)",
                      f"U.S. Department of State. *{FRUS_TITLE}*. Office of the Historian, 1997, "
                      "https://history.state.gov/historicaldocuments/frus1961-63v10."),
    ("mla", "book"): ("(Taubman 530)", "Taubman, William. *Khrushchev: The Man and His Era*. W. W. Norton, 2003."),
    ("mla", "web"): ("(U.S. Department of State, Office of the Historian, 1961-1968/cuban-missile-crisis)",
                     "U.S. Department of State, Office of the Historian. “Milestones in the History of U.S. Foreign "
                     "Relations.” *Office of the Historian, U.S. Department of State*, 2016, "
                     "https://history.state.gov/milestones."),
}


@pytest.mark.parametrize("style,kind", sorted(GOLDEN))
def test_golden_citations_checked_against_the_manuals(style, kind):
    formatted = cite.format_citation(DATA, {"frus": FRUS, "book": BOOK, "web": WEB}[kind], style)
    assert (marked(formatted.note), marked(formatted.entry)) == GOLDEN[style, kind]


@pytest.mark.parametrize("style", cite.NOTE_STYLES)
def test_the_known_citeproc_faults_are_gone(style):
    """Initials for given names, a stray 'Edition', an unsigned speech's title twice (see cite._fix_citeproc and
    cold_war_cli/styles/README.md)."""
    newspaper = cite.format_citation(DATA, Citation("20minutes-2019-01-08-de-gaulle"), style)
    speech = cite.format_citation(DATA, Citation("app-carter-remarks-olympic-teams-1980-03-21"), style)
    title = DATA.sources["app-carter-remarks-olympic-teams-1980-03-21"].title
    for spans in (newspaper.note, newspaper.entry, speech.note, speech.entry):
        assert "Edition" not in cite.plain(spans)
    assert cite.plain(speech.entry).count(title) == 1
    if style != "apa":
        assert "Charlotte" in cite.plain(newspaper.entry)


SOURCES = sorted(DATA.sources)


@pytest.mark.parametrize("style", cite.NOTE_STYLES)
def test_every_shipped_source_formats_in_every_style_without_a_missing_field(style):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for source_id in SOURCES:
            formatted = cite.format_citation(DATA, Citation(source_id, "Document 1"), style)
            for spans in (formatted.note, formatted.entry):
                text = cite.plain(spans)
                assert text.strip() and "None" not in text and "()" not in text and ", ," not in text, (source_id,
                                                                                                       text)
                assert DATA.sources[source_id].title[:20].lower() in text.lower() or style == "apa" or (
                    source_id, text)
            assert "Document 1" in cite.plain(formatted.note), source_id


# ------------------------------------------------------------------------------------------- the commands


def test_cite_plain_in_a_pipe_with_the_locator_and_the_document_url(run):
    result = run("cite", "cuban-revolution-victory")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("cuban-revolution-victory\t")
    assert any(line.startswith("Note: ") for line in lines) and any(line.startswith("Bibliography: ") for line in lines)
    assert "\x1b" not in result.stdout


def test_cite_apa_and_mla_label_their_parts(run):
    assert "\nIn text: (" in run("cite", "cuban-revolution-victory", "--style", "apa").stdout
    assert "\nWorks cited: " in run("cite", "cuban-revolution-victory", "--style", "mla").stdout


def test_cite_all_sources_adds_the_alternative_dates_sources(run, mini):
    event = next(e for e in mini.events if e.alt_dates)
    plain = run("cite", event.id).stdout
    every = run("cite", event.id, "--all-sources").stdout
    assert "(alternative date)" not in plain and "(alternative date)" in every


def test_cite_unknown_id_exits_1_with_suggestions(run, mini):
    event_id = mini.events[0].id
    result = run("cite", event_id[:-1] + "x")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and event_id in result.stderr and len(result.stderr.splitlines()) == 1


def test_cite_needs_an_id_and_a_known_style(run):
    assert run("cite").exit_code == 2
    assert run("cite", "x", "--style", "harvard").exit_code == 2


def test_cite_bibtex_ris_csl_json(run, mini):
    event_id = mini.events[0].id
    assert run("cite", event_id, "--style", "bibtex").stdout.startswith("@")
    assert run("cite", event_id, "--style", "ris").stdout.startswith("TY  - ")
    assert run("cite", event_id, "--style", "csl-json").stdout.startswith("[")


def test_cite_on_a_terminal_sets_titles_in_italics(run, as_terminal, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("cite", "beria-executed", data=None)  # cites a FRUS volume, whose title is set in italics
    assert result.exit_code == 0
    assert "\x1b[3m" in result.stdout  # italic on
    plain = run("cite", "beria-executed", data=None, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


def test_hostile_source_text_never_reaches_the_output_raw(run, write_dataset, monkeypatch):
    from tests.test_hostile import hostile_dataset, let_control_characters_load

    let_control_characters_load(monkeypatch)
    raw = hostile_dataset()
    source = next(s for s in raw["sources"] if s["id"] == "hostile-source")
    source["title"] += " \x1b[31mred\u202e\nForged line"
    path = write_dataset(raw, name="hostile.json")
    event_id = next(e["id"] for e in raw["events"] if any(c["id"] == "hostile-source" for c in e["sources"]))
    for style in cite.NOTE_STYLES:
        result = run("cite", event_id, "--style", style, data=path)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert not any(line.startswith("Forged") for line in result.stdout.splitlines())
    markdown = run("export", "markdown", data=path).stdout
    assert "\x1b" not in markdown and not any(line.startswith("Forged") for line in markdown.splitlines())


def test_sources_lists_the_bibliography_with_counts(run, mini):
    import json

    rows = json.loads(run("sources", "--json").stdout)
    assert {r["id"] for r in rows} == set(mini.sources)
    counts = {r["id"]: r["events"] for r in rows}
    expected = sum(1 for e in mini.events if any(c.source_id == "oh-milestones" for c in (
        *e.citations, *(c for a in e.alt_dates for c in a.citations))))
    assert counts["oh-milestones"] == expected > 0
    books = json.loads(run("sources", "--kind", "web-page", "--json").stdout)
    assert books and all(r["type"] == "web-page" for r in books)
    assert run("sources", "--kind", "poem").exit_code == 2


def test_sources_id_shows_one_source_and_its_events(run):
    import json

    record = json.loads(run("sources", "oh-milestones", "--json").stdout)
    assert record["id"] == "oh-milestones" and record["events"] and record["csl"]["type"] == "webpage"
    plain = run("sources", "oh-milestones").stdout
    assert plain.startswith("id\toh-milestones\n") and "\nevent\t" in plain
    missing = run("sources", "oh-milestone")
    assert missing.exit_code == 1 and "oh-milestones" in missing.stderr and missing.stdout == ""


def test_markdown_export_has_footnotes_in_the_chosen_style(run):
    text = run("export", "markdown", "--on", "1953-12", data=None).stdout
    assert "[^1]" in text and "\n[^1]: " in text
    apa = run("export", "markdown", "--on", "1953-12", "--style", "apa", data=None).stdout
    assert apa != text and "\n[^1]: " in apa


def test_citeproc_stays_off_the_start_up_of_other_commands(run):
    import subprocess
    import sys

    code = ("import sys; from cold_war_cli.cli import cli; "
            "assert 'citeproc' not in sys.modules and 'cold_war_cli.cite' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert terminal  # the module under test for the terminal case above
