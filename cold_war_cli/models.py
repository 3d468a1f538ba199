"""The dataset as plain objects: sources, actors, events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from cold_war_cli.dates import DayRange
from cold_war_cli.value import Value


class Name(Value):
    """A person (family and given names) or an organization (literal), as CSL-JSON writes names."""

    __slots__ = ("family", "given", "literal")

    def __init__(self, family: str | None = None, given: str | None = None, literal: str | None = None):
        self.family, self.given, self.literal = family, given, literal

    def __str__(self) -> str:
        return self.literal or " ".join(filter(None, (self.given, self.family)))


class Source(Value):
    """A bibliographic record: what a reader needs to find the work, and what a citation style needs to cite it."""

    __slots__ = ("id", "type", "quality", "title", "authors", "editors", "container", "volume", "publisher", "place",
                 "issued", "url", "accessed", "note", "isbn")

    def __init__(self, id: str, type: str, quality: str, title: str, authors: tuple[Name, ...] = (),
                 editors: tuple[Name, ...] = (), container: str | None = None, volume: str | None = None,
                 publisher: str | None = None, place: str | None = None, issued: str | None = None,
                 url: str | None = None, accessed: str | None = None, note: str | None = None,
                 isbn: str | None = None):
        self.id, self.type, self.quality, self.title = id, type, quality, title
        self.authors, self.editors, self.container, self.volume = authors, editors, container, volume
        self.publisher, self.place, self.issued = publisher, place, issued
        self.url, self.accessed, self.note, self.isbn = url, accessed, note, isbn

    @property
    def author(self) -> str | None:
        """The authors (else the editors, else the publisher) as one line, for display."""
        names = self.authors or self.editors
        return "; ".join(str(n) for n in names) if names else self.publisher

    @property
    def year(self) -> int | None:
        return int(self.issued[:4]) if self.issued else None


class Citation(Value):
    """A source cited for one claim, with where in it to look (and that place's own address, when it has one)."""

    __slots__ = ("source_id", "locator", "url")

    def __init__(self, source_id: str, locator: str | None = None, url: str | None = None):
        self.source_id, self.locator, self.url = source_id, locator, url


class Role(Value):
    __slots__ = ("title", "start", "end", "start_text", "end_text", "citations")

    def __init__(self, title: str, start: DayRange, end: DayRange | None, start_text: str, end_text: str | None,
                 citations: tuple[Citation, ...] = ()):
        self.title, self.start, self.end = title, start, end  # end None: still held
        self.start_text, self.end_text, self.citations = start_text, end_text, citations

    def held_during(self, when: DayRange) -> bool:
        """True if the term overlaps the given range (a term ending on a day includes that day)."""
        last = self.end.end if self.end else date.max
        return self.start.start <= when.end and when.start <= last


class Actor(Value):
    __slots__ = ("id", "name", "kind", "aliases", "born", "died", "roles", "summary", "citations")

    def __init__(self, id: str, name: str, kind: str, aliases: tuple[str, ...] = (), born: str | None = None,
                 died: str | None = None, roles: tuple[Role, ...] = (), summary: str = "",
                 citations: tuple[Citation, ...] = ()):
        self.id, self.name, self.kind, self.aliases = id, name, kind, aliases
        self.born, self.died, self.roles, self.summary = born, died, roles, summary
        self.citations = citations  # for the life dates and who the actor was

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.aliases)


class AltDate(Value):
    __slots__ = ("date", "citations", "note")

    def __init__(self, date: str, citations: tuple[Citation, ...], note: str | None = None):
        self.date, self.citations, self.note = date, citations, note


class Event(Value):
    __slots__ = ("id", "date", "range", "certainty", "title", "summary", "citations", "actor_ids", "places", "tags",
                 "label", "notes", "alt_dates", "aliases")

    def __init__(self, id: str, date: str, range: DayRange, certainty: str, title: str, summary: str,
                 citations: tuple[Citation, ...], actor_ids: tuple[str, ...] = (), places: tuple[str, ...] = (),
                 tags: tuple[str, ...] = (), label: str | None = None, notes: tuple[str, ...] = (),
                 alt_dates: tuple[AltDate, ...] = (), aliases: tuple[str, ...] = ()):
        self.id, self.date, self.range, self.certainty = id, date, range, certainty
        self.title, self.summary, self.citations = title, summary, citations
        self.actor_ids, self.places, self.tags = actor_ids, places, tags
        self.label, self.notes, self.alt_dates = label, notes, alt_dates
        self.aliases = aliases  # the names people know the event by

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

    def __init__(self, path: str, schema_version: int, sources: Mapping[str, Source] | None = None,
                 actors: Mapping[str, Actor] | None = None, events: list[Event] | None = None):
        self.path, self.schema_version = path, schema_version
        self.sources = {} if sources is None else sources
        self.actors = {} if actors is None else actors
        self.events = [] if events is None else events

    def actor(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)
