"""The dataset format: turn decoded JSON into models, reporting every departure from the format.

`build` calls `report(where, message)` for each problem. The loader passes a `report` that
raises at the first problem; `cwc validate` passes one that collects them all, so both share these rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cold_war_cli.dates import parse_edtf, parse_iso_day, parse_partial_iso
from cold_war_cli.models import Actor, AltDate, Citation, Dataset, Event, Name, Role, Source

Report = Callable[[str, str], None]

SCHEMA_VERSION = 2
ACTOR_KINDS = ("person", "state", "organization", "group")
# What kind of work a source is (each maps to a CSL-JSON type), and how much weight it carries: the founding
# narrative is its own kind, cited only for the claims it makes (alt dates and notes), never as support.
SOURCE_TYPES = ("book", "chapter", "journal-article", "magazine-article", "newspaper-article", "web-page",
                "government-document", "archival-document", "treaty", "speech", "dataset", "report")
SOURCE_QUALITIES = ("primary", "scholarly", "official-history", "press", "reference", "narrative")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
SLUG = re.compile(SLUG_PATTERN)
# A control character (C0, DEL, C1) or a bidirectional override anywhere in a dataset's text could drive a
# terminal, forge a line in an export or reorder what a reader sees: the format refuses them all.
CONTROL_PATTERN = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
CONTROL = re.compile(CONTROL_PATTERN)
URL = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?\Z")

TOP_KEYS = {"schema_version", "sources", "actors", "events"}
SOURCE_KEYS = {"id", "type", "quality", "title", "authors", "editors", "container", "volume", "publisher", "place",
               "issued", "url", "accessed", "note", "isbn"}
NAME_KEYS = {"family", "given", "literal"}
ACTOR_KEYS = {"id", "name", "kind", "aliases", "born", "died", "roles", "summary", "sources"}
ROLE_KEYS = {"title", "start", "end", "sources"}
EVENT_KEYS = {"id", "date", "title", "summary", "sources", "label", "bounds", "actors", "places", "tags", "notes",
              "alt_dates", "aliases"}
CITATION_KEYS = {"id", "locator", "url"}
ALT_DATE_KEYS = {"date", "sources", "note"}


class _Skip(Exception):
    """Raised inside one record after a problem has been reported, to move on to the next record."""


class _Reader:
    def __init__(self, report: Report):
        self.report = report

    def problem(self, where: str, message: str) -> None:
        self.report(where, message)
        raise _Skip

    def obj(self, value: object, where: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            self.problem(where, f"expected an object, found {_kind(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            self.problem(where, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
        return value

    def text(self, record: dict, key: str, where: str, *, required: bool = True) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self.problem(where, f"missing required field '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"field '{key}' must be a non-empty string, found {_kind(value)}")
        self.characters(value, key, where)
        return value

    def characters(self, value: str, key: str, where: str) -> None:
        """Refuse what a string may not hold: a lone surrogate, a control character."""
        if not _encodable(value):
            self.problem(where, f"field '{key}' holds a lone surrogate (an invalid \\uD800-\\uDFFF escape)")
        if CONTROL.search(value):
            self.problem(where, f"field '{key}' holds a control character ({_control(value)})")

    def url(self, record: dict, key: str, where: str) -> str | None:
        value = self.text(record, key, where, required=False)
        if value is not None and not URL.match(value):
            self.problem(where, f"field '{key}' must be an http(s) URL with a host, found {value!r}")
        return value

    def strings(self, record: dict, key: str, where: str) -> tuple[str, ...]:
        value = record.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(where, f"field '{key}' must be a list of non-empty strings")
        for v in value:
            self.characters(v, key, where)
        return tuple(value)

    def slug(self, record: dict, where: str) -> str:
        value = self.text(record, "id", where)
        if not SLUG.match(value):
            self.problem(where, f"id {value!r} must be lower-case letters, digits and single hyphens")
        return value

    def citations(self, value: object, where: str, *, required: bool) -> tuple[Citation, ...]:
        if value is None:
            if required:
                self.problem(where, "missing required field 'sources'")
            return ()
        if not isinstance(value, list) or (required and not value):
            self.problem(where, "field 'sources' must be a non-empty list of {id, locator}")
        found = []
        for i, item in enumerate(value):
            item = self.obj(item, f"{where} sources[{i}]", CITATION_KEYS)
            source_id = self.text(item, "id", f"{where} sources[{i}]")
            locator = self.text(item, "locator", f"{where} sources[{i}]", required=False)
            found.append(Citation(source_id, locator, self.url(item, "url", f"{where} sources[{i}]")))
        return tuple(found)

    def names(self, record: dict, key: str, where: str) -> tuple[Name, ...]:
        value = record.get(key, [])
        if not isinstance(value, list):
            self.problem(where, f"field '{key}' must be a list of names")
        found = []
        for i, item in enumerate(value):
            at = f"{where} {key}[{i}]"
            item = self.obj(item, at, NAME_KEYS)
            name = Name(*(self.text(item, part, at, required=False) for part in ("family", "given", "literal")))
            if (name.literal is None) == (name.family is None):
                self.problem(at, "a name is either 'family' (with an optional 'given') or 'literal'")
            if name.literal is not None and name.given is not None:
                self.problem(at, "a 'literal' name has no 'given' part")
            found.append(name)
        return tuple(found)

    def choice(self, record: dict, key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.text(record, key, where)
        if value not in allowed:
            self.problem(where, f"{key} {value!r} is not one of {', '.join(allowed)}")
        return value


def _control(text: str) -> str:
    return f"U+{ord(CONTROL.search(text).group()):04X}"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), f"a {type(value).__name__}")


def build(raw: object, path: str, report: Report) -> Dataset | None:
    """Build a Dataset from decoded JSON; returns None only when the top level is unusable."""
    reader = _Reader(report)
    try:
        top = reader.obj(raw, "top level", TOP_KEYS)
        for key in ("schema_version", "sources", "actors", "events"):
            if key not in top:
                reader.problem("top level", f"missing required field '{key}'")
        if type(top["schema_version"]) is not int or top["schema_version"] != SCHEMA_VERSION:
            reader.problem("top level", f"schema_version {top['schema_version']!r} is not supported (expected {SCHEMA_VERSION})")
        for key in ("sources", "actors", "events"):
            if not isinstance(top[key], list):
                reader.problem("top level", f"'{key}' must be a list, found {_kind(top[key])}")
    except _Skip:
        return None

    dataset = Dataset(path=path, schema_version=SCHEMA_VERSION)
    for i, item in enumerate(top["sources"]):
        _add(reader, dataset.sources, _source, item, f"sources[{i}]")
    for i, item in enumerate(top["actors"]):
        _add(reader, dataset.actors, _actor, item, f"actors[{i}]")
    for actor in list(dataset.actors.values()):
        cited = actor.citations + tuple(c for role in actor.roles for c in role.citations)
        try:
            _known_sources(reader, cited, dataset, f"actor '{actor.id}'")
        except _Skip:
            del dataset.actors[actor.id]
    seen_events: set[str] = set()
    for i, item in enumerate(top["events"]):
        try:
            event = _event(reader, item, _event_where(item, i), dataset)
        except _Skip:
            continue
        if event.id in seen_events:
            report(f"event '{event.id}'", "duplicate id")
            continue
        seen_events.add(event.id)
        dataset.events.append(event)
    dataset.events.sort(key=lambda e: (e.range.start, e.range.end, e.id))
    return dataset


def hygiene(dataset: Dataset, report: Report) -> None:
    """What `validate` refuses beyond what loading needs: a bibliography entry that nothing cites."""
    for source_id in sorted(dataset.sources.keys() - cited_sources(dataset)):
        report(f"source '{source_id}'", "is cited nowhere (cite it, or remove it from the bibliography)")


def cited_sources(dataset: Dataset) -> set[str]:
    """The ids of every source that an event, an alternative date, an actor or a term of office cites."""
    cited = {c.source_id for e in dataset.events for c in e.citations}
    cited |= {c.source_id for e in dataset.events for alt in e.alt_dates for c in alt.citations}
    cited |= {c.source_id for a in dataset.actors.values() for c in a.citations}
    cited |= {c.source_id for a in dataset.actors.values() for r in a.roles for c in r.citations}
    return cited


def _event_where(item: object, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"event '{item['id']}'"
    return f"events[{index}]"


def _add(reader: _Reader, into: dict, make: Callable, item: object, where: str) -> None:
    try:
        record = make(reader, item, where)
    except _Skip:
        return
    if record.id in into:
        reader.report(where, f"duplicate id '{record.id}'")
        return
    into[record.id] = record


def _source(reader: _Reader, item: object, where: str) -> Source:
    item = reader.obj(item, where, SOURCE_KEYS)
    source_id = reader.slug(item, where)
    where = f"source '{source_id}'"
    days = {}
    for key in ("issued", "accessed"):
        days[key] = reader.text(item, key, where, required=False)
        if days[key] is not None:
            _partial(reader, days[key], f"{where} {key}")
    return Source(
        source_id,
        reader.choice(item, "type", where, SOURCE_TYPES),
        reader.choice(item, "quality", where, SOURCE_QUALITIES),
        reader.text(item, "title", where),
        reader.names(item, "authors", where),
        reader.names(item, "editors", where),
        *(reader.text(item, key, where, required=False) for key in ("container", "volume", "publisher", "place")),
        issued=days["issued"],
        url=reader.url(item, "url", where),
        accessed=days["accessed"],
        note=reader.text(item, "note", where, required=False),
        isbn=reader.text(item, "isbn", where, required=False),
    )


def _actor(reader: _Reader, item: object, where: str) -> Actor:
    item = reader.obj(item, where, ACTOR_KEYS)
    actor_id = reader.slug(item, where)
    where = f"actor '{actor_id}'"
    kind = reader.text(item, "kind", where)
    if kind not in ACTOR_KINDS:
        reader.problem(where, f"kind {kind!r} is not one of {', '.join(ACTOR_KINDS)}")
    born = reader.text(item, "born", where, required=False)
    died = reader.text(item, "died", where, required=False)
    for key, value in (("born", born), ("died", died)):
        if value is not None:
            _partial(reader, value, f"{where} {key}")
    roles = item.get("roles", [])
    if not isinstance(roles, list):
        reader.problem(where, "field 'roles' must be a list")
    return Actor(
        id=actor_id,
        name=reader.text(item, "name", where),
        kind=kind,
        aliases=reader.strings(item, "aliases", where),
        born=born,
        died=died,
        roles=tuple(_role(reader, role, f"{where} roles[{i}]") for i, role in enumerate(roles)),
        summary=reader.text(item, "summary", where, required=False) or "",
        citations=reader.citations(item.get("sources"), where, required=False),
    )


def _partial(reader: _Reader, value: str, where: str):
    try:
        return parse_partial_iso(value)
    except ValueError as exc:
        reader.problem(where, str(exc))


def _role(reader: _Reader, item: object, where: str) -> Role:
    item = reader.obj(item, where, ROLE_KEYS)
    title = reader.text(item, "title", where)
    start_text = reader.text(item, "start", where)
    end_text = reader.text(item, "end", where, required=False)
    start = _partial(reader, start_text, f"{where} start")
    end = _partial(reader, end_text, f"{where} end") if end_text else None
    if end is not None and end.end < start.start:
        reader.problem(where, f"term ends ({end_text}) before it starts ({start_text})")
    return Role(title, start, end, start_text, end_text, reader.citations(item.get("sources"), where, required=False))


def _event(reader: _Reader, item: object, where: str, dataset: Dataset) -> Event:
    item = reader.obj(item, where, EVENT_KEYS)
    event_id = reader.slug(item, where)
    fields: dict[str, object] = {}
    failed = False

    def check(name: str, read: Callable[[], object]) -> None:
        """Read one field; a problem in it is reported and the other fields are still checked."""
        nonlocal failed
        try:
            fields[name] = read()
        except _Skip:
            failed = True

    check("parsed", lambda: _event_date(reader, item, where))
    check("title", lambda: reader.text(item, "title", where))
    check("summary", lambda: reader.text(item, "summary", where))
    check("citations", lambda: _known_sources(reader, reader.citations(item.get("sources"), where, required=True),
                                              dataset, where))
    check("actors", lambda: _known_actors(reader, reader.strings(item, "actors", where), dataset, where))
    for key in ("places", "tags", "notes", "aliases"):
        check(key, lambda key=key: reader.strings(item, key, where))
    check("label", lambda: reader.text(item, "label", where, required=False))
    check("alt_dates", lambda: _alt_dates(reader, item.get("alt_dates", []), where, dataset))
    if failed:
        raise _Skip
    parsed, rng = fields["parsed"]
    event = Event(
        id=event_id,
        date=parsed.text,
        range=rng,
        certainty=parsed.certainty,
        title=fields["title"],
        summary=fields["summary"],
        citations=fields["citations"],
        actor_ids=fields["actors"],
        places=fields["places"],
        tags=fields["tags"],
        label=fields["label"],
        notes=fields["notes"],
        alt_dates=fields["alt_dates"],
        aliases=fields["aliases"],
    )
    return event


def _event_date(reader: _Reader, item: dict, where: str):
    text = reader.text(item, "date", where)
    try:
        parsed = parse_edtf(text)
    except ValueError as exc:
        reader.problem(f"{where} date", str(exc))
    bounds = item.get("bounds")
    rng = parsed.range if bounds is None else _bounds(reader, bounds, parsed.range, f"{where} bounds")
    return parsed, rng


def _alt_dates(reader: _Reader, value: object, where: str, dataset: Dataset) -> tuple[AltDate, ...]:
    if not isinstance(value, list):
        reader.problem(where, "field 'alt_dates' must be a list")
    alts = tuple(_alt_date(reader, alt, f"{where} alt_dates[{i}]") for i, alt in enumerate(value))
    _known_sources(reader, tuple(c for alt in alts for c in alt.citations), dataset, where)
    return alts


def _bounds(reader: _Reader, bounds: object, within, where: str):
    from cold_war_cli.dates import DayRange

    bounds = reader.obj(bounds, where, {"earliest", "latest"})
    try:
        earliest = parse_iso_day(reader.text(bounds, "earliest", where))
        latest = parse_iso_day(reader.text(bounds, "latest", where))
    except ValueError as exc:
        reader.problem(where, str(exc))
    if latest < earliest:
        reader.problem(where, "latest is before earliest")
    narrowed = DayRange(earliest, latest, within.precision)
    if not within.contains(narrowed):
        reader.problem(where, f"{earliest}..{latest} lies outside the date's range {within.start}..{within.end}")
    return narrowed


def _alt_date(reader: _Reader, item: object, where: str) -> AltDate:
    item = reader.obj(item, where, ALT_DATE_KEYS)
    text = reader.text(item, "date", where)
    try:
        parse_edtf(text)
    except ValueError as exc:
        reader.problem(f"{where} date", str(exc))
    return AltDate(text, reader.citations(item.get("sources"), where, required=True),
                   reader.text(item, "note", where, required=False))


def _known_actors(reader: _Reader, actor_ids: tuple[str, ...], dataset: Dataset, where: str) -> tuple[str, ...]:
    _report_unknown(reader, [a for a in actor_ids if a not in dataset.actors], "actor", where)
    return actor_ids


def _known_sources(reader: _Reader, citations: tuple[Citation, ...], dataset: Dataset, where: str):
    _report_unknown(reader, [c.source_id for c in citations if c.source_id not in dataset.sources], "source", where)
    return citations


def _report_unknown(reader: _Reader, unknown: list[str], what: str, where: str) -> None:
    for name in unknown:
        reader.report(where, f"unknown {what} '{name}'")
    if unknown:
        raise _Skip
