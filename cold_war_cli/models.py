"""The dataset as plain objects: sources, actors, events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from cold_war_cli.dates import DayRange
from cold_war_cli.value import Value


class Source(Value):
    __slots__ = ("id", "title", "author", "year", "url")

    def __init__(self, id: str, title: str, author: str | None = None, year: int | None = None,
                 url: str | None = None):
        self.id, self.title, self.author, self.year, self.url = id, title, author, year, url


class Citation(Value):
    """A source cited for one claim, with where in it to look."""

    __slots__ = ("source_id", "locator")

    def __init__(self, source_id: str, locator: str | None = None):
        self.source_id, self.locator = source_id, locator


class Role(Value):
    __slots__ = ("title", "start", "end", "start_text", "end_text")

    def __init__(self, title: str, start: DayRange, end: DayRange | None, start_text: str, end_text: str | None):
        self.title, self.start, self.end = title, start, end  # end None: still held
        self.start_text, self.end_text = start_text, end_text

    def held_during(self, when: DayRange) -> bool:
        """True if the term overlaps the given range (a term ending on a day includes that day)."""
        last = self.end.end if self.end else date.max
        return self.start.start <= when.end and when.start <= last


class Actor(Value):
    __slots__ = ("id", "name", "kind", "aliases", "born", "died", "roles", "summary")

    def __init__(self, id: str, name: str, kind: str, aliases: tuple[str, ...] = (), born: str | None = None,
                 died: str | None = None, roles: tuple[Role, ...] = (), summary: str = ""):
        self.id, self.name, self.kind, self.aliases = id, name, kind, aliases
        self.born, self.died, self.roles, self.summary = born, died, roles, summary

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.aliases)


class AltDate(Value):
    __slots__ = ("date", "citations", "note")

    def __init__(self, date: str, citations: tuple[Citation, ...], note: str | None = None):
        self.date, self.citations, self.note = date, citations, note


class Event(Value):
    __slots__ = ("id", "date", "range", "certainty", "title", "summary", "citations", "actor_ids", "places", "tags",
                 "label", "notes", "alt_dates")

    def __init__(self, id: str, date: str, range: DayRange, certainty: str, title: str, summary: str,
                 citations: tuple[Citation, ...], actor_ids: tuple[str, ...] = (), places: tuple[str, ...] = (),
                 tags: tuple[str, ...] = (), label: str | None = None, notes: tuple[str, ...] = (),
                 alt_dates: tuple[AltDate, ...] = ()):
        self.id, self.date, self.range, self.certainty = id, date, range, certainty
        self.title, self.summary, self.citations = title, summary, citations
        self.actor_ids, self.places, self.tags = actor_ids, places, tags
        self.label, self.notes, self.alt_dates = label, notes, alt_dates

    @property
    def start(self) -> date:
        return self.range.start

    @property
    def end(self) -> date:
        return self.range.end

    @property
    def precision(self) -> str:
        return self.range.precision


class Dataset:
    __slots__ = ("path", "schema_version", "sources", "actors", "events")

    def __init__(self, path: str, schema_version: int, sources: dict[str, Source] | None = None,
                 actors: Mapping[str, Actor] | None = None, events: list[Event] | None = None):
        self.path, self.schema_version = path, schema_version
        self.sources = {} if sources is None else sources
        self.actors = {} if actors is None else actors
        self.events = [] if events is None else events

    def actor(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)
