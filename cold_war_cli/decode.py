"""The fast way from dataset bytes to the store's contents: typed decoding with msgspec, then the checks it cannot
express.

msgspec checks types, required fields and unknown fields in C while it decodes, about twice as fast as json.loads
alone. This module only says "valid, here are the contents" or gives up (NotFast); `schema.build` stays the reference
that explains every problem, so a file this path refuses is read again by `schema` for its message. Models are
built only for the events a command shows (`store.Store.event_rows`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

import msgspec

from cold_war_cli.store import Contents, EventRow
from cold_war_cli.dates import edtf_days, parse_iso_day, parse_partial_iso
from cold_war_cli.schema import ACTOR_KINDS, SCHEMA_VERSION, SLUG_PATTERN, SOURCE_QUALITIES, SOURCE_TYPES, URL

Text = Annotated[str, msgspec.Meta(min_length=1)]  # blank text: see _BLANK_STRING (a pattern per string costs 3x)
Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN)]


class NotFast(Exception):
    """The fast path cannot vouch for this file; read it with `schema.build`."""


class _Citation(msgspec.Struct, forbid_unknown_fields=True):
    id: Text
    locator: Optional[Text] = None
    url: Optional[Text] = None


class _Name(msgspec.Struct, forbid_unknown_fields=True):
    family: Optional[Text] = None
    given: Optional[Text] = None
    literal: Optional[Text] = None


class _Bounds(msgspec.Struct, forbid_unknown_fields=True):
    earliest: Text
    latest: Text


class _AltDate(msgspec.Struct, forbid_unknown_fields=True):
    date: Text
    sources: Annotated[list[_Citation], msgspec.Meta(min_length=1)]
    note: Optional[Text] = None


class _Event(msgspec.Struct, forbid_unknown_fields=True):
    id: Slug
    date: Text
    title: Text
    summary: Text
    sources: Annotated[list[_Citation], msgspec.Meta(min_length=1)]
    label: Optional[Text] = None
    bounds: Optional[_Bounds] = None
    actors: list[Text] = []
    places: list[Text] = []
    tags: list[Text] = []
    notes: list[Text] = []
    alt_dates: list[_AltDate] = []
    aliases: list[Text] = []


class _Role(msgspec.Struct, forbid_unknown_fields=True):
    title: Text
    start: Text
    end: Optional[Text] = None
    sources: list[_Citation] = []


class _Actor(msgspec.Struct, forbid_unknown_fields=True):
    id: Slug
    name: Text
    kind: Literal[ACTOR_KINDS]  # type: ignore[valid-type]
    aliases: list[Text] = []
    born: Optional[Text] = None
    died: Optional[Text] = None
    roles: list[_Role] = []
    summary: Optional[Text] = None
    sources: list[_Citation] = []


class _Source(msgspec.Struct, forbid_unknown_fields=True):
    id: Slug
    type: Literal[SOURCE_TYPES]  # type: ignore[valid-type]
    quality: Literal[SOURCE_QUALITIES]  # type: ignore[valid-type]
    title: Text
    authors: list[_Name] = []
    editors: list[_Name] = []
    container: Optional[Text] = None
    volume: Optional[Text] = None
    publisher: Optional[Text] = None
    place: Optional[Text] = None
    issued: Optional[Text] = None
    url: Optional[Text] = None
    accessed: Optional[Text] = None
    note: Optional[Text] = None
    isbn: Optional[Text] = None


class _File(msgspec.Struct, forbid_unknown_fields=True):
    schema_version: int
    sources: list[_Source]
    actors: list[_Actor]
    events: list[msgspec.Raw]  # each event's JSON text: decoded in batches below, and kept for the store


_FILE = msgspec.json.Decoder(_File)
_EVENTS = msgspec.json.Decoder(list[_Event])
# Events are decoded (and checked) a batch at a time, so that one batch's objects are freed before the next is
# made and their memory is reused: decoding 100,000 events at once doubled the first read's peak memory and took
# about 40% longer, much of it in page faults on fresh memory. Batches of 256 measured fastest (128 to 2048 tried).
BATCH = 256


def contents(data: bytes) -> Contents:
    """The dataset as the store is built from it; raises NotFast when anything is off (or merely unusual)."""
    for candidate in _MAYBE_BLANK.finditer(data):
        if _BLANK_STRING.match(data, candidate.start()):
            raise NotFast  # some string is only whitespace: the careful reader will say where
    if _SURROGATE_ESCAPE.search(data):
        raise NotFast  # a surrogate pair is fine, a lone one is not: the careful reader tells them apart
    if _CONTROL.search(data):
        raise NotFast  # a control character in some string (or an escaped backslash before a letter: harmless)
    try:
        top = _FILE.decode(data)
        if type(top.schema_version) is not int or top.schema_version != SCHEMA_VERSION:
            raise NotFast
        return _contents(top)
    except (msgspec.DecodeError, ValueError, KeyError, TypeError, RecursionError):
        raise NotFast from None


# Every character for which str.isspace() is true (Python 3.11's Unicode data); a test keeps the list complete.
_SPACES = (0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
           0x2028, 0x2029, 0x202F, 0x205F, 0x3000)


def _blank_string_pattern() -> re.Pattern:
    """A JSON string token made only of characters for which str.isspace() is true, written raw or escaped.

    JSON forbids raw control characters inside strings, so such a token always appears in the bytes as a quote,
    these characters (or their escapes), and a quote. One scan of the bytes replaces a check of every string;
    a false alarm only sends the file to the careful reader.
    """
    spaces = [chr(code) for code in _SPACES]
    forms = {r"\\t", r"\\n", r"\\f", r"\\r"}
    for ch in spaces:
        forms.add(re.escape(ch.encode("utf-8")).decode("latin-1"))
        code = f"{ord(ch):04x}"
        forms.add(r"\\u" + "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in code))
    return re.compile(('"(?:' + "|".join(sorted(forms)) + ')+"').encode("latin-1"))


_BLANK_STRING = _blank_string_pattern()
# Where such a token could start: a quote, then a space, an escape, or the first byte of a non-ASCII space.
# Scanning for these first is six times faster than trying the full pattern at every quote.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# schema.CONTROL as it can appear in the bytes: escaped, or raw (DEL, C1 and the bidi controls in UTF-8). Raw
# C0 bytes cannot be inside a JSON string, and outside one they are whitespace or a decoding error.
_CONTROL = re.compile(rb"\\[bfnrt]|\\u00[01189][0-9a-fA-F]|\\u007[fF]|\\u20(?:2[a-eA-E]|6[6-9])"
                      rb"|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
_MAYBE_BLANK = re.compile(rb'"(?:[ \x09-\x0d\x1c-\x1f\xc2\xe1\xe2\xe3]|\\[tnfru])')


def _json(struct) -> str:
    return _ENCODE(struct).decode()


_ENCODE = msgspec.json.Encoder().encode


def _contents(top: _File) -> Contents:
    sources = {}
    urls = []
    for s in top.sources:
        if s.id in sources or any((n.literal is None) == (n.family is None) or (n.literal and n.given)
                                  for n in (*s.authors, *s.editors)):
            raise NotFast
        for day in (s.issued, s.accessed):
            if day is not None:
                parse_partial_iso(day)
        urls.append(s.url)
        sources[s.id] = (s.id, s.type, s.quality, s.title, s.issued, s.url, _json(s))
    actors = {}
    cited = set()
    for a in top.actors:
        if a.id in actors:
            raise NotFast
        cited |= {c.id for c in a.sources} | {c.id for r in a.roles for c in r.sources}
        urls += [c.url for c in a.sources] + [c.url for r in a.roles for c in r.sources]
        for day in (a.born, a.died):
            if day is not None:
                parse_partial_iso(day)
        for r in a.roles:
            start = parse_partial_iso(r.start)
            end = parse_partial_iso(r.end) if r.end else None
            if end is not None and end.end < start.start:
                raise NotFast
        actors[a.id] = (a.id, a.name, a.kind, tuple(a.aliases), _json(a))

    # Each batch of events is checked a field at a time across the batch: comprehensions cost a fraction of one
    # loop doing everything per event.
    texts = top.events
    rows, bounded, named, alt_dates = [], [], set(), set()
    for first in range(0, len(texts), BATCH):
        batch = _EVENTS.decode(b"[" + b",".join(texts[first : first + BATCH]) + b"]")
        rows += [EventRow(e.id, e.date, 0, 0, e.title, e.aliases, e.summary, e.tags, e.places, e.actors,
                          [(c.id, c.locator, c.url, 0) for c in e.sources]
                          + [(c.id, c.locator, c.url, 1) for alt in e.alt_dates for c in alt.sources],
                          bool(e.alt_dates), bytes(texts[first + i]), e.label, e.notes,
                          [(alt.date, alt.note, [(c.id, c.locator, c.url) for c in alt.sources])
                           for alt in e.alt_dates]) for i, e in enumerate(batch)]
        bounded += [(first + i, e.bounds) for i, e in enumerate(batch) if e.bounds is not None]
        named |= {name for e in batch for name in e.actors}
        cited |= {c.id for e in batch for c in e.sources}
        urls += [c.url for e in batch for c in e.sources]
        alts = [alt for e in batch for alt in e.alt_dates]
        cited |= {c.id for alt in alts for c in alt.sources}
        urls += [c.url for alt in alts for c in alt.sources]
        alt_dates |= {alt.date for alt in alts}
    ids = [row.id for row in rows]
    if len(set(ids)) != len(ids) or not actors.keys() >= named or not sources.keys() >= cited:
        raise NotFast  # the careful reader names the duplicate, or the unknown actor or source
    if not all(URL.match(url) for url in set(urls) if url is not None):
        raise NotFast
    for text in alt_dates:
        edtf_days(text)
    spans = {text: edtf_days(text) for text in {row.date for row in rows}}
    for row in rows:
        row.start, row.end = spans[row.date]  # first and last day ordinals
    for i, bounds in bounded:
        row = rows[i]
        earliest = parse_iso_day(bounds.earliest).toordinal()
        latest = parse_iso_day(bounds.latest).toordinal()
        if latest < earliest or earliest < row.start or row.end < latest:
            raise NotFast
        row.start, row.end = earliest, latest
    # Order by (start, end, id) as two stable sorts, by id and then by start and end packed into one int (a day's
    # ordinal is below 2**22): two and a half times as fast as sorting tuples.
    rows.sort(key=lambda row: row.id)
    rows.sort(key=lambda row: row.start << 22 | row.end)
    return Contents(SCHEMA_VERSION, list(sources.values()), list(actors.values()), rows)
