"""Sources as CSL-JSON items: what citation processors (citeproc-py, pandoc, Zotero) read to format a citation."""

from __future__ import annotations

from cold_war_cli.models import Citation, Name, Source

# Our kinds of work as CSL types. A government document here is a published volume (a FRUS volume, a printed
# report or proclamation), which citation styles set as a book with its series.
CSL_TYPES = {
    "book": "book", "chapter": "chapter", "journal-article": "article-journal", "magazine-article": "article-magazine",
    "newspaper-article": "article-newspaper", "web-page": "webpage", "government-document": "book",
    "archival-document": "manuscript", "treaty": "treaty", "speech": "speech", "dataset": "dataset", "report": "report",
}
# For these the container is the series (collection-title); for the rest it is the journal, paper or site.
_IN_A_SERIES = {"book", "report", "dataset", "manuscript", "treaty", "speech"}


def item(source: Source, citation: Citation | None = None) -> dict:
    """The CSL-JSON item for a source; with a citation, the cited place's own URL replaces the work's."""
    csl_type = CSL_TYPES[source.type]
    found: dict = {"id": source.id, "type": csl_type, "title": source.title}
    if source.authors:
        found["author"] = [_name(n) for n in source.authors]
    if source.editors:
        found["editor"] = [_name(n) for n in source.editors]
    # A series already named at the head of the title ("Foreign Relations of the United States, 1961-1963, Volume
    # X") would be printed twice.
    if source.container and not (csl_type in _IN_A_SERIES and source.title.startswith(source.container)):
        found["collection-title" if csl_type in _IN_A_SERIES else "container-title"] = source.container
    for key, value in (("volume", source.volume), ("publisher", source.publisher), ("publisher-place", source.place),
                       ("ISBN", source.isbn), ("note", source.note)):
        if value:
            found[key] = value
    if source.issued:
        found["issued"] = date_parts(source.issued)
        if csl_type == "speech":  # a speech's date is the day it was given, which note styles print as event-date
            found["event-date"] = date_parts(source.issued)
    if source.accessed:
        found["accessed"] = date_parts(source.accessed)
    url = (citation.url if citation else None) or source.url
    if url:
        found["URL"] = url
    return found


def _name(name: Name) -> dict:
    if name.literal:
        return {"literal": name.literal}
    return {"family": name.family, **({"given": name.given} if name.given else {})}


def date_parts(text: str) -> dict:
    """'1962', '1962-10' or '1962-10-27' as a CSL date."""
    return {"date-parts": [[int(part) for part in text.split("-")]]}
