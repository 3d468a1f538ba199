"""The bibliography of selected events as BibTeX, RIS and CSL-JSON, for Zotero, Mendeley, pandoc and LaTeX.

Every writer takes the dataset and the selected events (query.EventMatch) and returns text holding each source
they cite (for their dates or their alternative dates) once, in id order. Dataset text never reaches a record
raw: single-line fields have their line breaks folded and control characters escaped (`text.visible`), so no
value can start a new record or drive a terminal.
"""

from __future__ import annotations

import json
import re

from cold_war_cli import csl
from cold_war_cli.models import Dataset, Name, Source
from cold_war_cli.text import inert_url, visible


def cited_sources(data: Dataset, matches, alt_dates: bool = True) -> list[Source]:
    """The sources the events cite, once each, by id; with alt_dates, those of their alternative dates too."""
    ids = {c.source_id for m in matches for c in (*m.event.citations, *(
        c for alt in (m.event.alt_dates if alt_dates else ()) for c in alt.citations))}
    return [data.sources[i] for i in sorted(ids) if i in data.sources]


# ------------------------------------------------------------------------------------------- CSL-JSON

# json.dumps escapes C0 controls but not DEL, C1 controls or bidi overrides; these are escaped too (still valid
# JSON, and the same data once read).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")


def to_csl_json(data: Dataset, matches, alt_dates: bool = True) -> str:
    items = [csl.item(s) for s in cited_sources(data, matches, alt_dates)]
    text = json.dumps(items, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# ------------------------------------------------------------------------------------------- BibTeX

BIBTEX_TYPES = {
    "book": "book", "government-document": "book", "chapter": "incollection", "journal-article": "article",
    "magazine-article": "article", "newspaper-article": "article", "report": "techreport", "web-page": "misc",
    "archival-document": "misc", "treaty": "misc", "speech": "misc", "dataset": "misc",
}
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                  "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bibtex_escape(text: str) -> str:
    """One line of text as a BibTeX value: LaTeX's special characters escaped, so braces always balance."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in visible(text))


def _bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + bibtex_escape(name.literal) + "}"  # an organization: never split into family and given
    return ", ".join(bibtex_escape(part) for part in (name.family, name.given) if part)


def _bibtex_key(source_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:.\-]", "-", source_id) or "source"


def _bibtex_entry(source: Source) -> str:
    kind = BIBTEX_TYPES[source.type]
    fields: list[tuple[str, str]] = []
    if source.authors:
        fields.append(("author", " and ".join(_bibtex_name(n) for n in source.authors)))
    if source.editors:
        fields.append(("editor", " and ".join(_bibtex_name(n) for n in source.editors)))
    fields.append(("title", "{" + bibtex_escape(source.title) + "}"))  # the title's capitals kept as written
    if source.container:
        container_field = {"article": "journal", "incollection": "booktitle"}.get(kind, "series" if kind in (
            "book", "techreport") else "howpublished")
        fields.append((container_field, bibtex_escape(source.container)))
    if source.publisher:
        fields.append(("institution" if kind == "techreport" else "publisher", bibtex_escape(source.publisher)))
    for key, value in (("address", source.place), ("volume", source.volume), ("isbn", source.isbn),
                       ("note", source.note)):
        if value:
            fields.append((key, bibtex_escape(value)))
    if source.issued:
        fields.append(("year", source.issued[:4]))
        fields.append(("date", source.issued))  # biblatex reads the full date
    if source.url:
        fields.append(("url", bibtex_escape(inert_url(source.url))))
    if source.accessed:
        fields.append(("urldate", source.accessed))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{kind}{{{_bibtex_key(source.id)},\n{body}\n}}\n"


def to_bibtex(data: Dataset, matches, alt_dates: bool = True) -> str:
    return "\n".join(_bibtex_entry(s) for s in cited_sources(data, matches, alt_dates))


# ------------------------------------------------------------------------------------------- RIS

RIS_TYPES = {
    "book": "BOOK", "government-document": "GOVDOC", "chapter": "CHAP", "journal-article": "JOUR",
    "magazine-article": "MGZN", "newspaper-article": "NEWS", "report": "RPRT", "web-page": "ELEC",
    "archival-document": "MANSCPT", "treaty": "LEGAL", "speech": "GEN", "dataset": "DATA",
}


def _ris_date(text: str) -> str:
    """RIS DA: YYYY/MM/DD/ with the parts not known left empty."""
    parts = text.split("-") + ["", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


def _ris_record(source: Source) -> list[tuple[str, str]]:
    lines = [("TY", RIS_TYPES[source.type]), ("ID", source.id)]
    lines += [("AU", str(n) if n.literal else ", ".join(p for p in (n.family, n.given) if p)) for n in source.authors]
    lines += [("A2", str(n) if n.literal else ", ".join(p for p in (n.family, n.given) if p)) for n in source.editors]
    lines.append(("TI", source.title))
    if source.container:
        lines.append(("T3" if source.type in ("book", "government-document", "report") else "T2", source.container))
    for tag, value in (("VL", source.volume), ("PB", source.publisher), ("CY", source.place), ("SN", source.isbn),
                       ("N1", source.note)):
        if value:
            lines.append((tag, value))
    if source.issued:
        lines += [("PY", source.issued[:4]), ("DA", _ris_date(source.issued))]
    if source.url:
        lines.append(("UR", inert_url(source.url)))
    if source.accessed:
        lines.append(("Y2", _ris_date(source.accessed)))
    lines.append(("ER", ""))
    return lines


def to_ris(data: Dataset, matches, alt_dates: bool = True) -> str:
    """RIS: one `TAG  - value` per line, CRLF line ends, each record ended by `ER  -`."""
    out = []
    for source in cited_sources(data, matches, alt_dates):
        out += [f"{tag}  - {visible(value)}".rstrip() + "\r\n" for tag, value in _ris_record(source)]
        out.append("\r\n")
    return "".join(out)
