"""The fast way from dataset bytes to models: typed decoding with msgspec, then the checks it cannot express.

msgspec checks types, required fields and unknown fields in C while it decodes, about twice as fast as json.loads
alone. This module only says "valid, here are the models" or gives up (NotFast); `schema.build` stays the reference
that explains every problem, so a file this path refuses is read again by `schema` for its message.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

import msgspec

from cold_war_cli.dates import DayRange, parse_edtf, parse_iso_day, parse_partial_iso
from cold_war_cli.models import Actor, AltDate, Citation, Dataset, Event, Role, Source
from cold_war_cli.schema import ACTOR_KINDS, SCHEMA_VERSION, SLUG_PATTERN

Text = Annotated[str, msgspec.Meta(min_length=1)]  # blank text is refused below: a regex per string costs 3x
Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN)]


class NotFast(Exception):
    """The fast path cannot vouch for this file; read it with `schema.build`."""


class _Citation(msgspec.Struct, forbid_unknown_fields=True):
    id: Text
    locator: Optional[Text] = None


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


class _Role(msgspec.Struct, forbid_unknown_fields=True):
    title: Text
    start: Text
    end: Optional[Text] = None


class _Actor(msgspec.Struct, forbid_unknown_fields=True):
    id: Slug
    name: Text
    kind: Literal[ACTOR_KINDS]  # type: ignore[valid-type]
    aliases: list[Text] = []
    born: Optional[Text] = None
    died: Optional[Text] = None
    roles: list[_Role] = []
    summary: Optional[Text] = None


class _Source(msgspec.Struct, forbid_unknown_fields=True):
    id: Slug
    title: Text
    author: Optional[Text] = None
    year: Optional[int] = None
    url: Optional[Text] = None


class _File(msgspec.Struct, forbid_unknown_fields=True):
    schema_version: int
    sources: list[_Source]
    actors: list[_Actor]
    events: list[_Event]


_DECODER = msgspec.json.Decoder(_File)


def build(data: bytes, path: str) -> Dataset:
    """Models from a valid dataset file; raises NotFast when anything is off (or merely unusual)."""
    try:
        top = _DECODER.decode(data)
        if top.schema_version != SCHEMA_VERSION:
            raise NotFast
        return _models(top, path)
    except (msgspec.DecodeError, ValueError, KeyError, TypeError, RecursionError):
        raise NotFast from None


def _blank(*values) -> bool:
    """True if any given string (or string in a given list) is only whitespace; None counts as absent."""
    for value in values:
        if isinstance(value, list):
            if any(item.isspace() for item in value):
                return True
        elif value is not None and value.isspace():
            return True
    return False


def _citations(items: list[_Citation], sources: dict) -> tuple[Citation, ...]:
    for item in items:
        if item.id not in sources or _blank(item.id, item.locator):
            raise NotFast
    return tuple(Citation(item.id, item.locator) for item in items)


def _models(top: _File, path: str) -> Dataset:
    sources = {}
    for s in top.sources:
        if s.id in sources or _blank(s.title, s.author, s.url) or isinstance(s.year, bool):
            raise NotFast
        sources[s.id] = Source(s.id, s.title, s.author, s.year, s.url)
    actors = {}
    for a in top.actors:
        if a.id in actors or _blank(a.name, a.aliases, a.born, a.died, a.summary):
            raise NotFast
        for day in (a.born, a.died):
            if day is not None:
                parse_partial_iso(day)
        roles = []
        for r in a.roles:
            if _blank(r.title, r.start, r.end):
                raise NotFast
            start = parse_partial_iso(r.start)
            end = parse_partial_iso(r.end) if r.end else None
            if end is not None and end.end < start.start:
                raise NotFast
            roles.append(Role(r.title, start, end, r.start, r.end))
        actors[a.id] = Actor(a.id, a.name, a.kind, tuple(a.aliases), a.born, a.died, tuple(roles), a.summary or "")
    events = []
    seen = set()
    for e in top.events:
        if e.id in seen or _blank(e.date, e.title, e.summary, e.label, e.actors, e.places, e.tags, e.notes):
            raise NotFast
        seen.add(e.id)
        parsed = parse_edtf(e.date)
        rng = parsed.range
        if e.bounds is not None:
            if _blank(e.bounds.earliest, e.bounds.latest):
                raise NotFast
            earliest, latest = parse_iso_day(e.bounds.earliest), parse_iso_day(e.bounds.latest)
            if latest < earliest or earliest < rng.start or rng.end < latest:
                raise NotFast
            rng = DayRange(earliest, latest, rng.precision)
        for actor_id in e.actors:
            if actor_id not in actors:
                raise NotFast
        alt_dates = []
        for alt in e.alt_dates:
            if _blank(alt.date, alt.note):
                raise NotFast
            parse_edtf(alt.date)
            alt_dates.append(AltDate(alt.date, _citations(alt.sources, sources), alt.note))
        events.append(Event(e.id, e.date, rng, parsed.certainty, e.title, e.summary, _citations(e.sources, sources),
                            tuple(e.actors), tuple(e.places), tuple(e.tags), e.label, tuple(e.notes),
                            tuple(alt_dates)))
    events.sort(key=lambda ev: (ev.range.start, ev.range.end, ev.id))
    return Dataset(path=path, schema_version=SCHEMA_VERSION, sources=sources, actors=actors, events=events)
