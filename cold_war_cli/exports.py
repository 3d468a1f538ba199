"""Events in other tools' formats: iCalendar (RFC 5545), TimelineJS (Knight Lab JSON) and Markdown.

Each exporter takes resolved event records (see `records.event_record`) and returns text; iCalendar copies
each event's VEVENT, which the store makes once (`vevent`).
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import date, datetime, timedelta, timezone

from cold_war_cli.text import inert, inert_url

EXPORT_FORMATS = ("ics", "timelinejs", "csv", "markdown")
ICS_UID_DOMAIN = "cold-war-cli"


# ------------------------------------------------------------------------------------------- iCalendar


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 section 3.3.11). Control characters other than tab and line breaks are not
    allowed in TEXT; they are written as visible escapes, as in the other formats."""
    if not _ICS_SPECIAL.search(text):  # most titles, places and tags: nothing to escape
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ICS_CONTROL.search(text):  # rare (the loader refuses them): only then a loop over the characters
        text = "".join(ch if ch in "\t\n" or not _is_control(ch) else ch.encode("unicode_escape").decode("ascii")
                       for ch in text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _is_control(ch: str) -> bool:
    return ch < " " or "\x7f" <= ch <= "\x9f"


_ICS_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what _is_control finds, but tab and line feed
_ICS_SPECIAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\\\\;,]")  # anything ics_escape changes


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (section 3.1)."""
    if line.isascii():  # one octet a character: cut at fixed places
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75  # continuation lines start with one space: 74 octets after the first
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never inside a character: back off to its first octet
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, 74
    pieces.append(data[start:])
    return "\r\n ".join(piece.decode("utf-8") for piece in pieces)


def _stamp() -> str:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else now. Raises BadDate for a bad value."""
    from cold_war_cli.errors import BadDate

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    try:
        if not (epoch.isascii() and epoch.isdigit()):
            raise ValueError
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    except (ValueError, OverflowError, OSError):
        raise BadDate(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970 "
                      "(up to the year 9999)") from None


def _describe(record) -> str:
    lines = [record.summary]
    if record.label or record.precision != "day":
        lines.append(f"Date: {record.label or record.date} ({record.precision} precision, {record.certainty}).")
    lines += [f"Note: {note}" for note in record.notes]
    for source in record.sources:
        cited = source.title or source.id
        if source.locator:
            cited += f", {source.locator}"
        if source.url:
            cited += f" <{inert_url(source.url)}>"
        lines.append(f"Source: {cited}")
    return "\n".join(lines)


def _ics_day(day: date) -> str:
    """RFC 5545's DATE: always four digits of year (strftime's %Y gives '999' for the year 999 on Linux)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def ics_pieces(vevents, calendar_name: str = "Cold War chronology (cwc)"):
    """The iCalendar file as pieces of text, a batch of events at a time, from the events' stored VEVENTs
    ((head, tail) pairs, see `vevent`). A bad SOURCE_DATE_EPOCH fails here, before anything is written."""
    return _ics_pieces(vevents, calendar_name, _stamp())


def _ics_pieces(vevents, calendar_name: str, stamp: str):
    import itertools

    yield _ics_lines(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cwc//cold-war-cli//EN", "CALSCALE:GREGORIAN",
                      f"X-WR-CALNAME:{ics_escape(calendar_name)}"])
    stamp_line = f"DTSTAMP:{stamp}\r\n"
    while batch := list(itertools.islice(vevents, 500)):
        yield "".join([head + stamp_line + tail for head, tail in batch])
    yield _ics_lines(["END:VCALENDAR"])


def vevent(record) -> tuple[str, str]:
    """An event's VEVENT, folded, as the text before its DTSTAMP line and the text after it (the stamp is the
    export's time): made once for every event when the store is built. `record`: the event's record as a struct
    (`record_maker.RecordMaker.struct`), whose fields are read as attributes."""
    start = date.fromisoformat(record.start)
    end = date.fromisoformat(record.end)
    # DTEND is exclusive; an event ending on 31 December 9999 has no next day, so it gets a DURATION.
    until = (f"DTEND;VALUE=DATE:{_ics_day(end + timedelta(days=1))}" if end < date.max
             else f"DURATION:P{(end - start).days + 1}D")
    lines = [
        f"DTSTART;VALUE=DATE:{_ics_day(start)}",
        until,
        f"SUMMARY:{ics_escape(record.title)}",
        f"DESCRIPTION:{ics_escape(_describe(record))}",
    ]
    if record.places:
        lines.append(f"LOCATION:{ics_escape('; '.join(record.places))}")
    if record.tags:
        lines.append("CATEGORIES:" + ",".join(ics_escape(tag) for tag in record.tags))
    urls = [s.url for s in record.sources if s.url]
    if urls:
        lines.append(f"URL:{inert_url(urls[0])}")  # a URI value: percent-encoded, never a line break
    lines.append("END:VEVENT")
    return _ics_lines(["BEGIN:VEVENT", f"UID:{record.id}@{ICS_UID_DOMAIN}"]), _ics_lines(lines)


def _ics_lines(lines: list[str]) -> str:
    return "".join([(line if len(line) <= 75 and line.isascii() else ics_fold(line)) + "\r\n" for line in lines])


# ------------------------------------------------------------------------------------------- TimelineJS


def _timeline_date(day: str, precision: str) -> dict:
    value = date.fromisoformat(day)
    found = {"year": value.year}
    if precision in ("month", "day"):
        found["month"] = value.month
    if precision == "day":
        found["day"] = value.day
    return found


def _display_date(record: dict) -> str | None:
    if record["label"]:
        return record["label"]
    if record["precision"] == "day" and record["certainty"] == "certain":
        return None  # TimelineJS formats exact days itself
    from cold_war_cli.records import display_date_text

    return display_date_text(record["date"])


def to_timelinejs(records: list[dict], title: str = "The Cold War") -> str:
    """The Knight Lab TimelineJS3 JSON format: https://timeline.knightlab.com/docs/json-format.html"""
    events = []
    for record in records:
        # TimelineJS renders headline and text as HTML: every dataset string is escaped, and the sources go in the
        # slide's text, where TimelineJS shows them (it draws a media credit only for a slide with media).
        slide = {
            "unique_id": record["id"],
            "start_date": _timeline_date(record["start"], record["precision"]),
            "text": {"headline": html.escape(record["title"]), "text": _slide_text(record)},
        }
        end = _timeline_date(record["end"], record["precision"])
        if end != slide["start_date"]:
            slide["end_date"] = end
        if display := _display_date(record):
            slide["display_date"] = display
        if record["tags"]:
            slide["group"] = record["tags"][0]
        events.append(slide)
    document = {"title": {"text": {"headline": html.escape(title),
                                   "text": f"{len(events)} events, each with its sources."}},
                "events": events}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _slide_text(record: dict) -> str:
    """The summary, then the sources as a list (linked where they have an address), all escaped for HTML."""
    cited = []
    for source in record["sources"]:
        label = html.escape(source["title"] or source["id"]) + (f", {html.escape(source['locator'])}"
                                                                 if source["locator"] else "")
        url = source["url"]
        cited.append(f'<li><a href="{html.escape(url)}">{label}</a></li>' if url else f"<li>{label}</li>")
    return f"<p>{html.escape(record['summary'])}</p><p>Sources:</p><ul>{''.join(cited)}</ul>"


# ------------------------------------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    """Escape the characters Markdown would read as formatting."""
    text = inert(text)
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def to_markdown(records: list[dict], title: str = "Cold War chronology", data=None, style: str | None = None) -> str:
    """A heading per event with its summary, actors, notes, other dates and linked sources. With the dataset and a
    citation style (chicago, apa, mla), every source also gets a footnote in that style (pandoc's `[^n]`), the same
    citation sharing one note."""
    from cold_war_cli.records import display_date_text

    notes = _Footnotes(data, style) if data is not None and style else None
    out = [f"# {_md(title)}", ""]
    for record in records:
        when = record["label"] or display_date_text(record["date"])
        out += [f"## {_md(when)}: {_md(record['title'])}", "", _md(record["summary"]), ""]
        if record["actors"]:
            out += ["Actors: " + ", ".join(_md(a["name"]) for a in record["actors"]), ""]
        for note in record["notes"]:
            out += [f"> {_md(note)}", ""]
        for alt in record["alt_dates"]:
            claimed = ", ".join(_md(s["title"] or s["id"]) + (notes.mark(s) if notes else "") for s in alt["sources"])
            out += [f"> Also dated {_md(alt['date'])} by {claimed}" + (f": {_md(alt['note'])}" if alt["note"] else ""), ""]
        for source in record["sources"]:
            cited = _md(source["title"] or source["id"])
            if source["url"]:
                cited = f"[{cited}]({inert_url(source['url']).replace('(', '%28').replace(')', '%29')})"
            if source["locator"]:
                cited += f", {_md(source['locator'])}"
            out.append(f"- Source: {cited}" + (notes.mark(source) if notes else ""))
        out.append("")
    if notes and notes.texts:
        out += [f"[^{n}]: {text}" for n, text in enumerate(notes.texts, 1)] + [""]
    return "\n".join(out)


class _Footnotes:
    """Footnote numbers and texts for citation records, formatted by cold_war_cli.cite (imported only here)."""

    def __init__(self, data, style: str):
        self.data, self.style = data, style
        self.numbers: dict[tuple, int] = {}
        self.texts: list[str] = []

    def mark(self, source: dict) -> str:
        if source["id"] not in self.data.sources:
            return ""
        key = (source["id"], source["locator"], source["url"])
        if key not in self.numbers:
            from cold_war_cli import cite
            from cold_war_cli.models import Citation

            formatted = cite.format_citation(self.data, Citation(*key), self.style)
            # A note style's note is the footnote; APA and MLA give the reference, then the in-text citation
            # with the locator.
            spans = formatted.note if self.style == "chicago" else (*formatted.entry, cite.Span(" "),
                                                                     *formatted.note)
            self.texts.append("".join(f"*{_md(s.text).strip()}*" if s.style == "italic" and s.text.strip()
                                      else _md_keep_spaces(s.text) for s in spans))
            self.numbers[key] = len(self.texts)
        return f"[^{self.numbers[key]}]"


def _md_keep_spaces(text: str) -> str:
    """_md without dropping the spaces at the ends (a span of a citation runs on into the next)."""
    core = _md(text)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and core else ""
    return lead + core + trail
