"""The dataset as plain objects: sources, actors, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cold_war_cli.dates import DayRange


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    author: str | None = None
    year: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A source cited for one claim, with where in it to look."""

    source_id: str
    locator: str | None = None


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    start: DayRange
    end: DayRange | None  # None: still held
    start_text: str
    end_text: str | None

    def held_during(self, when: DayRange) -> bool:
        """True if the term overlaps the given range (a term ending on a day includes that day)."""
        last = self.end.end if self.end else date.max
        return self.start.start <= when.end and when.start <= last


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    born: str | None = None
    died: str | None = None
    roles: tuple[Role, ...] = ()
    summary: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class AltDate:
    date: str
    citations: tuple[Citation, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: str
    range: DayRange
    certainty: str
    title: str
    summary: str
    citations: tuple[Citation, ...]
    actor_ids: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    label: str | None = None
    notes: tuple[str, ...] = ()
    alt_dates: tuple[AltDate, ...] = ()

    @property
    def start(self) -> date:
        return self.range.start

    @property
    def end(self) -> date:
        return self.range.end

    @property
    def precision(self) -> str:
        return self.range.precision


@dataclass(slots=True)
class Dataset:
    path: str
    schema_version: int
    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def actor(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)
