"""The record of an event (what JSON, NDJSON and CSV output show) made as JSON text: when the store is built, for
every event, and for an event shown on its own (`records.event_record`); and its CSV row, made once when the store
is built (`csv_parts`)."""

from __future__ import annotations

import msgspec

from cold_war_cli.dates import certainty
from cold_war_cli.text import inert


# The record's shape, as msgspec structs: encoding a struct is several times faster than json.dumps of a dict, and
# the store makes one for every event when it is built (their field order is the JSON's).
class _ActorRef(msgspec.Struct):
    id: str
    name: str


class _Cited(msgspec.Struct):
    id: str
    title: str | None
    author: str | None
    year: int | None
    type: str | None
    quality: str | None
    container: str | None
    url: str | None
    locator: str | None


class _AltDate(msgspec.Struct):
    date: str
    note: str | None
    sources: list


class _Record(msgspec.Struct):
    id: str
    date: str
    label: str | None
    start: str
    end: str
    precision: str
    certainty: str
    partial: bool
    title: str
    aliases: list
    summary: str
    actors: list
    places: list
    tags: list
    sources: list
    notes: list
    alt_dates: list


_ENCODE = msgspec.json.Encoder().encode


class RecordMaker:
    """Makes event records (the shape of JSON, NDJSON and CSV output) as compact JSON text with `partial` false
    (`records.record_text` sets it: no string value can hold '"partial":false', whose quotes JSON escapes); each
    actor's name and each source's fields are looked up once (`source`: id -> models.Source or None; `name`:
    id -> name)."""

    __slots__ = ("_source", "_name", "_names", "_sources")

    def __init__(self, source, name):
        self._source, self._name = source, name
        self._names: dict[str, _ActorRef] = {}
        self._sources: dict[str, tuple] = {}

    @classmethod
    def of(cls, dataset) -> RecordMaker:
        def name(actor_id):
            actor = dataset.actor(actor_id)
            return actor.name if actor else actor_id
        return cls(dataset.sources.get, name)

    def make(self, id, date, label, start, end, precision, title, aliases, summary, actor_ids, places, tags,
             cited, notes, alt_dates) -> str:
        """`cited`: (source id, locator, url) of each citation; `alt_dates`: (date, note, cited) of each."""
        return encode(self.struct(id, date, label, start, end, precision, title, aliases, summary, actor_ids,
                                  places, tags, cited, notes, alt_dates))

    def struct(self, id, date, label, start, end, precision, title, aliases, summary, actor_ids, places, tags,
               cited, notes, alt_dates) -> _Record:
        """The record as a struct (its fields are the record's keys, as attributes; `exports.vevent` reads them)."""
        cite = self.citation
        return _Record(
            id, date, label, start, end, precision, certainty(date), False, title, list(aliases), summary,
            [self.actor(a) for a in actor_ids], list(places), list(tags), [cite(*c) for c in cited], list(notes),
            [_AltDate(d, note, [cite(*c) for c in alt_cited]) for d, note, alt_cited in alt_dates])

    def actor(self, actor_id: str) -> _ActorRef:
        ref = self._names.get(actor_id)
        if ref is None:
            ref = self._names[actor_id] = _ActorRef(actor_id, self._name(actor_id))
        return ref

    def citation(self, source_id: str, locator: str | None, url: str | None) -> _Cited:
        known = self._sources.get(source_id)
        if known is None:
            s = self._source(source_id)
            known = self._sources[source_id] = (
                (s.title, s.author, s.year, s.type, s.quality, s.container, s.url) if s else (None,) * 7)
        title, author, year, kind, quality, container, work_url = known
        return _Cited(source_id, title, author, year, kind, quality, container, url or work_url, locator)


def encode(record: _Record) -> str:
    return _ENCODE(record).decode()


def csv_cell(text: str) -> str:
    """One CSV field as csv.writer's default (excel) dialect writes it: quoted, its quotes doubled, only when it
    holds a comma, a quote or a line break. (Four scans in C take a tenth of the time the csv module's
    character-by-character writer takes on long summaries, which matters when the store writes a row for every
    event; tests hold the two equal.)"""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_parts(record: _Record) -> tuple[str, str]:
    """An event's CSV row (`records.CSV_FIELDS`), from its record struct, as two texts, the cells before `partial`
    and those after it, so that a dump only joins them around "true" or "false": `head + "false" + tail`. The
    cells are what `records.csv_row` gives, written as `render` writes CSV (RFC 4180 quoting, nothing that could
    drive a terminal)."""
    r = record
    head = [r.id, r.date, r.label or "", r.start, r.end, r.precision, r.certainty]
    tail = [r.title, r.summary, "; ".join([a.id for a in r.actors]), "; ".join(r.places), "; ".join(r.tags),
            "; ".join([f"{c.id} ({c.locator})" if c.locator else c.id for c in r.sources])]
    if inert(joined := "\t".join(head + tail)) is not joined:
        head, tail = [inert(cell) for cell in head], [inert(cell) for cell in tail]
    return ",".join(map(csv_cell, head)) + ",", "," + ",".join(map(csv_cell, tail)) + "\r\n"
