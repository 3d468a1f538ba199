"""The dataset as an SQLite database: built once from a validated data file, then opened as it is.

Every command reads through it: a date range, an actor, a tag, an id, a word are indexed queries, and an event
becomes an object only when a command shows it. The same tables are what `cwc export sqlite` writes for Datasette
and `sqlite3`; `cache` decides where a database lives and writes it safely.

Tables (one row an event, in (start, end, id) order, so rowid order is date order):
  events(id, date, start_date, end_date, start, end, precision, month_day, disputed, title, aliases, summary,
         tags, places, actor_names, json, record, csv_head, csv_tail, shown_date, actor_list, ics_head,
         ics_tail)   start/end: day ordinals; month_day: 'MM-DD' when the first
         day is known exactly; json: the event's object as the data file wrote it; record: what `cwc events --json`
         prints for it (compact, "partial" false), made once here so that dumps and listings only copy text;
         csv_head, csv_tail: its CSV row (`--csv`) before and after the `partial` cell (see `record_maker`);
         shown_date, actor_list: its Date and Actors cells in the events table; ics_head, ics_tail: its VEVENT
         before and after the DTSTAMP line (see `exports.vevent`)
  event_actors(actor, event, start, weight), event_tags(folded, event, tag): event = events.rowid; start: the
  event's first day; weight: 2 for a person, 1 for a state or organization (see `query.related_events`);
  folded: the tag folded
  actors(id, name, kind, aliases, json): aliases as a JSON array; sources(id, type, quality, title, issued, url, json)
  citations(event, source, locator, url, alt)   alt 1: cited for an alternative date
  events_fts: FTS5 over title, aliases, summary, tags, places, actor_names (content=events), case and accent
  folded by the unicode61 tokenizer; terms(term, folded, stem, hits): its vocabulary, for inflections and
  misspellings (see `search`)
  events_long: a partial index of the events of 64 days or more, so that a date range is two index ranges (the
  short events start at most 63 days before it) instead of a scan
  meta(key, value): format, schema_version, counts
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date

from cold_war_cli.dates import DayRange, parse_edtf, parse_iso_day, parse_partial_iso
from cold_war_cli.models import Actor, AltDate, Citation, Dataset, Event, Name, Role, Source

FORMAT = "cwc-store-14"  # change it whenever the tables or what they hold change (it is part of the file's name)
TOKENIZER = "unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "aliases", "summary", "tags", "places", "actor_names")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE events (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, date TEXT NOT NULL, start_date TEXT NOT NULL,
    end_date TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, precision TEXT NOT NULL,
    month_day TEXT, disputed INTEGER NOT NULL, title TEXT NOT NULL, aliases TEXT NOT NULL, summary TEXT NOT NULL,
    tags TEXT NOT NULL, places TEXT NOT NULL, actor_names TEXT NOT NULL, json TEXT NOT NULL, record TEXT NOT NULL,
    csv_head TEXT NOT NULL, csv_tail TEXT NOT NULL, shown_date TEXT NOT NULL, actor_list TEXT NOT NULL,
    ics_head TEXT NOT NULL, ics_tail TEXT NOT NULL);
CREATE TABLE event_actors (actor TEXT NOT NULL, event INTEGER NOT NULL, start INTEGER NOT NULL, weight INTEGER NOT NULL);
CREATE TABLE event_tags (folded TEXT NOT NULL, event INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TABLE actors (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL,
    json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (id TEXT PRIMARY KEY, type TEXT NOT NULL, quality TEXT NOT NULL, title TEXT NOT NULL,
    issued TEXT, url TEXT, json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE citations (event INTEGER NOT NULL, source TEXT NOT NULL, locator TEXT, url TEXT, alt INTEGER NOT NULL);
"""
# An event's row (its JSON, record, CSV row, VEVENT and columns) is about 4 KB: in SQLite's default 4 KB pages most
# rows spill into overflow pages, which every read of a later column walks. In 16 KB pages they do not, and both
# the build and the dumps are faster (figures in benchmarks/README.md).
PAGE_SIZE = 16384
FTS_HASH_SIZE = 16 * 1024 * 1024
LONG_DAYS = 64  # events of this many days or more are in the partial index `events_long` (see `query.where`)
# Made once the rows are in: building an index over rows already there is several times faster than keeping it
# up to date through 100,000 inserts.
INDEXES = f"""
CREATE UNIQUE INDEX events_by_id ON events (id);
CREATE INDEX events_by_start ON events (start, "end");
CREATE INDEX events_by_end ON events ("end", start);
CREATE INDEX events_long ON events (start, "end") WHERE "end" - start >= {LONG_DAYS};
CREATE INDEX events_by_month_day ON events (month_day) WHERE month_day IS NOT NULL;
CREATE INDEX event_actors_by_event ON event_actors (event);
CREATE INDEX event_actors_by_time ON event_actors (actor, start, event, weight);
CREATE UNIQUE INDEX event_tags_by_tag ON event_tags (folded, event);
CREATE INDEX citations_by_source ON citations (source);
"""
FULL_TEXT = f"""
CREATE VIRTUAL TABLE events_fts USING fts5({", ".join(FTS_COLUMNS)}, content='events', content_rowid='rowid',
    tokenize='{TOKENIZER}');
CREATE TABLE terms (term TEXT PRIMARY KEY, folded TEXT NOT NULL, stem TEXT NOT NULL, hits INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE INDEX terms_by_folded ON terms (folded);
CREATE INDEX terms_by_stem ON terms (stem);
"""


class Damaged(Exception):
    """A database that is not one cwc wrote, or is not whole."""


# ------------------------------------------------------------------------------------------ what a build takes


class EventRow:
    """What the store keeps of one validated event: its JSON text and the fields its indexes are made of."""

    __slots__ = ("id", "date", "start", "end", "title", "aliases", "summary", "tags", "places", "actor_ids",
                 "citations", "disputed", "json", "label", "notes", "alt_dates")

    def __init__(self, id, date, start, end, title, aliases, summary, tags, places, actor_ids, citations,
                 disputed, json, label, notes, alt_dates):
        self.id, self.date, self.start, self.end = id, date, start, end  # start, end: day ordinals
        self.title, self.aliases, self.summary, self.tags, self.places = title, aliases, summary, tags, places
        self.actor_ids = actor_ids
        self.citations = citations  # (source id, locator, url, alt) tuples
        self.disputed, self.json = disputed, json  # json: str or UTF-8 bytes
        self.label, self.notes = label, notes
        self.alt_dates = alt_dates  # (date, note, [(source id, locator, url)]) of each


class Contents:
    """A validated dataset as the store is built from it: records as JSON texts, events sorted."""

    __slots__ = ("schema_version", "sources", "actors", "events")

    def __init__(self, schema_version: int, sources: list, actors: list, events: list[EventRow]):
        self.schema_version = schema_version
        self.sources = sources  # (id, type, quality, title, issued, url, json text)
        self.actors = actors  # (id, name, kind, aliases, json text)
        self.events = events  # in (start, end, id) order


def contents_of(dataset: Dataset) -> Contents:
    """The contents of a dataset the careful reader built (`schema.build`)."""
    sources = [(s.id, s.type, s.quality, s.title, s.issued, s.url, json.dumps(source_object(s)))
               for s in dataset.sources.values()]
    actors = [(a.id, a.name, a.kind, a.aliases, json.dumps(actor_object(a))) for a in dataset.actors.values()]
    events = []
    for e in dataset.events:
        cited = [(c.source_id, c.locator, c.url, 0) for c in e.citations]
        cited += [(c.source_id, c.locator, c.url, 1) for alt in e.alt_dates for c in alt.citations]
        events.append(EventRow(e.id, e.date, e.start.toordinal(), e.end.toordinal(), e.title, e.aliases, e.summary,
                               e.tags, e.places, e.actor_ids, cited, bool(e.alt_dates),
                               json.dumps(event_object(e)), e.label, e.notes,
                               [(a.date, a.note, [(c.source_id, c.locator, c.url) for c in a.citations])
                                for a in e.alt_dates]))
    return Contents(dataset.schema_version, sources, actors, events)


# ------------------------------------------------------------------------------------------ build


def build(connection: sqlite3.Connection, contents: Contents) -> None:
    """Fill an empty database with the contents (the caller closes or keeps the connection)."""
    db = connection
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    db.execute("PRAGMA journal_mode = OFF")  # a database being built is thrown away if anything fails
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")  # 64 MB
    db.execute("PRAGMA temp_store = MEMORY")  # the index builds' sorts: in memory, not in temporary files
    db.executescript(SCHEMA)
    with db:
        db.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)", contents.sources)
        db.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?)",
                       [(i, n, k, json.dumps(list(aliases), ensure_ascii=False), j)
                        for i, n, k, aliases, j in contents.actors])
        links: tuple[list, list, list] = ([], [], [])
        db.executemany(f"INSERT INTO events VALUES ({', '.join('?' * 24)})", _event_rows(contents, links))
        actor_links, tag_links, cited = links
        db.executemany("INSERT INTO event_actors VALUES (?, ?, ?, ?)", actor_links)
        db.executemany("INSERT INTO event_tags VALUES (?, ?, ?)", tag_links)
        db.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?)", cited)
        del actor_links, tag_links, cited, links
    db.executescript(INDEXES)
    try:
        db.executescript(FULL_TEXT)
        full_text = True
    except sqlite3.OperationalError:  # this SQLite has no FTS5: everything but word search still works
        full_text = False
    with db:
        if full_text:
            _index_words(db)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", FORMAT), ("schema_version", contents.schema_version), ("events", len(contents.events)),
            ("actors", len(contents.actors)), ("sources", len(contents.sources)), ("full_text", int(full_text))])
    db.execute("PRAGMA optimize")


def _event_rows(contents: Contents, links: tuple[list, list, list]):
    """The events table's rows, made one at a time (never all held at once); the link tables' rows are gathered
    into `links` on the way."""
    from cold_war_cli.exports import vevent
    from cold_war_cli.record_maker import RecordMaker, csv_parts, encode
    from cold_war_cli.records import display_date_text
    from cold_war_cli.text import fold

    actor_links, tag_links, cited = links
    names = {i: " ".join((n, *aliases)) for i, n, _, aliases, _ in contents.actors}
    sources = {row[0]: row[-1] for row in contents.sources}
    actor_names = {i: n for i, n, _, _, _ in contents.actors}
    weights = {i: 2 if k == "person" else 1 for i, _, k, _, _ in contents.actors}
    make = RecordMaker(lambda s: source_from(json.loads(sources[s])) if s in sources else None,
                       lambda a: actor_names.get(a, a)).struct
    precisions: dict[str, str] = {}
    folded: dict[str, str] = {}
    for rowid, e in enumerate(contents.events, 1):
        precision = precisions.get(e.date)
        if precision is None:
            precision = precisions[e.date] = _precision(e.date)
        start, end = date.fromordinal(e.start).isoformat(), date.fromordinal(e.end).isoformat()
        # On this day: only events whose first day the date itself gives (not bounds, not a coarser end)
        day_known = precision == "day" and e.date[:10] == start
        for tag in e.tags:
            if tag not in folded:
                folded[tag] = fold(tag)
        actor_links += [(a, rowid, e.start, weights.get(a, 1)) for a in dict.fromkeys(e.actor_ids)]
        tag_links += [(f, rowid, t) for f, t in {folded[t]: t for t in reversed(e.tags)}.items()]
        cited += [(rowid, *c) for c in e.citations]
        own = [c[:3] for c in e.citations if not c[3]]
        made = make(e.id, e.date, e.label, start, end, precision, e.title, e.aliases, e.summary, e.actor_ids,
                    e.places, e.tags, own, e.notes, e.alt_dates)
        ics_head, ics_tail = vevent(made)
        head, tail = csv_parts(made)
        yield (rowid, e.id, e.date, start, end, e.start, e.end, precision, start[5:] if day_known else None,
               int(e.disputed), e.title, " | ".join(e.aliases), e.summary, " | ".join(e.tags), " | ".join(e.places),
               " | ".join([names.get(a, a) for a in e.actor_ids]),
               e.json.decode() if isinstance(e.json, bytes) else e.json, encode(made), head, tail,
               e.label or display_date_text(e.date), ", ".join([actor_names.get(a, a) for a in e.actor_ids]),
               ics_head, ics_tail)


def _precision(text: str) -> str:
    """The precision of a dataset date: the common plain forms by their shape, anything else by parsing."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        return "day"
    if len(text) == 21 and text[10] == "/" and text.replace("-", "").replace("/", "").isdigit():
        return "day"
    if len(text) == 7 and text[4] == "-" and text.replace("-", "").isdigit():
        return "month"
    return parse_edtf(text).range.precision


def _index_words(db: sqlite3.Connection) -> None:
    from cold_war_cli.search import stem
    from cold_war_cli.text import fold

    columns = ", ".join(FTS_COLUMNS)
    # FTS5 writes a segment each time its in-memory terms pass `hashsize` (1 MB by default), then merges them:
    # with 16 MB it writes and merges far fewer, and the index builds about a third faster (benchmarks/README.md).
    db.execute(f"INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', {FTS_HASH_SIZE})")
    db.execute(f"INSERT INTO events_fts (rowid, {columns}) SELECT rowid, {columns} FROM events")
    db.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, events_fts, 'row')")
    db.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)",
                   [(term, fold(term), stem(fold(term)), hits)
                    for term, hits in db.execute("SELECT term, doc FROM temp.vocabulary")])
    db.execute("DROP TABLE temp.vocabulary")


def in_memory(contents: Contents) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    build(db, contents)
    return db


def connect(path: str) -> sqlite3.Connection:
    """Open a database file cwc wrote, read only (it never changes once written, so no locks are taken)."""
    try:
        db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro&immutable=1", uri=True)
        check(db)
    except sqlite3.DatabaseError as exc:
        raise Damaged(str(exc)) from None
    return db


_URI_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.~")


def _uri_path(path: str) -> str:
    """A path as an SQLite URI's, percent-encoded as urllib.parse.quote does it (which costs 4 ms to import)."""
    return "".join(ch if ch in _URI_SAFE else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogateescape"))
                   for ch in path)


def check(db: sqlite3.Connection) -> None:
    """Raise Damaged unless this is a whole database of this format (its counts match its tables)."""
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        last_row = db.execute("SELECT max(rowid) FROM events").fetchone()[0] or 0  # rowids are 1..count
        whole = meta.get("format") == FORMAT and last_row == meta.get("events")
    except sqlite3.DatabaseError as exc:
        raise Damaged(str(exc)) from None
    if not whole:
        raise Damaged("not a cwc database of this format")


# ------------------------------------------------------------------------------------------ objects


def event_object(e: Event) -> dict:
    """The JSON object `event_from` reads back as this event."""
    def cites(citations):
        return [{"id": c.source_id, "locator": c.locator, "url": c.url} for c in citations]

    obj = {"id": e.id, "date": e.date, "title": e.title, "summary": e.summary, "sources": cites(e.citations),
           "actors": list(e.actor_ids), "places": list(e.places), "tags": list(e.tags), "label": e.label,
           "notes": list(e.notes), "aliases": list(e.aliases),
           "alt_dates": [{"date": a.date, "sources": cites(a.citations), "note": a.note} for a in e.alt_dates]}
    written = parse_edtf(e.date).range
    if (e.range.start, e.range.end) != (written.start, written.end):
        obj["bounds"] = {"earliest": e.range.start.isoformat(), "latest": e.range.end.isoformat()}
    return obj


def _cites(items) -> tuple[Citation, ...]:
    return tuple([Citation(item["id"], item.get("locator"), item.get("url")) for item in items or ()])


def event_from(obj: dict) -> Event:
    """An event from its JSON object, as validated when the database was built."""
    parsed = parse_edtf(obj["date"])
    when = parsed.range
    bounds = obj.get("bounds")
    if bounds is not None:
        when = DayRange(parse_iso_day(bounds["earliest"]), parse_iso_day(bounds["latest"]), when.precision)
    get = obj.get
    return Event(obj["id"], obj["date"], when, parsed.certainty, obj["title"], obj["summary"],
                 _cites(obj["sources"]), tuple(get("actors") or ()), tuple(get("places") or ()),
                 tuple(get("tags") or ()), get("label"), tuple(get("notes") or ()),
                 tuple([AltDate(a["date"], _cites(a["sources"]), a.get("note")) for a in get("alt_dates") or ()]),
                 tuple(get("aliases") or ()))


def _names_object(names) -> list[dict]:
    return [{k: v for k, v in (("family", n.family), ("given", n.given), ("literal", n.literal)) if v} for n in names]


def source_object(s: Source) -> dict:
    obj = {"id": s.id, "type": s.type, "quality": s.quality, "title": s.title, "authors": _names_object(s.authors),
           "editors": _names_object(s.editors)}
    for field in ("container", "volume", "publisher", "place", "issued", "url", "accessed", "note", "isbn"):
        if getattr(s, field) is not None:
            obj[field] = getattr(s, field)
    return obj


def source_from(obj: dict) -> Source:
    names = lambda people: tuple(Name(p.get("family"), p.get("given"), p.get("literal")) for p in people or ())  # noqa: E731
    get = obj.get
    return Source(obj["id"], obj["type"], obj["quality"], obj["title"], names(get("authors")), names(get("editors")),
                  get("container"), get("volume"), get("publisher"), get("place"), get("issued"), get("url"),
                  get("accessed"), get("note"), get("isbn"))


def _citation_objects(citations) -> list[dict]:
    return [{"id": c.source_id, "locator": c.locator, "url": c.url} for c in citations]


def actor_object(a: Actor) -> dict:
    return {"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases), "born": a.born, "died": a.died,
            "summary": a.summary, "sources": _citation_objects(a.citations),
            "roles": [{"title": r.title, "start": r.start_text, "end": r.end_text,
                       "sources": _citation_objects(r.citations)} for r in a.roles]}


def actor_from(obj: dict) -> Actor:
    get = obj.get
    roles = tuple(Role(r["title"], parse_partial_iso(r["start"]), parse_partial_iso(r["end"]) if r.get("end") else None,
                       r["start"], r.get("end"), _cites(r.get("sources"))) for r in get("roles") or ())
    return Actor(obj["id"], obj["name"], obj["kind"], tuple(get("aliases") or ()), get("born"), get("died"), roles,
                 get("summary") or "", _cites(get("sources")))


# ------------------------------------------------------------------------------------------ reading


class _Records(Mapping):
    """Actors or sources by id, each made from its row when first looked up (a command shows a handful)."""

    __slots__ = ("_db", "_table", "_make", "_built", "_ids")

    def __init__(self, db: sqlite3.Connection, table: str, make):
        self._db, self._table, self._make = db, table, make
        self._built: dict = {}
        self._ids: list[str] | None = None

    def get(self, key: str, default=None):
        value = self._built.get(key)
        if value is None:
            row = self._db.execute(f"SELECT json FROM {self._table} WHERE id = ?", (key,)).fetchone()
            if row is None:
                return default
            value = self._built[key] = self._make(json.loads(row[0]))
        return value

    def fetch(self, keys) -> None:
        """Build the records of these ids that are not built yet, with one query (a page of events names dozens of
        actors and sources: one query each cost more than the rest of the page)."""
        missing = [key for key in dict.fromkeys(keys) if key not in self._built]
        for first in range(0, len(missing), 500):  # SQLite's limit on parameters is far above this
            part = missing[first : first + 500]
            rows = self._db.execute(f"SELECT id, json FROM {self._table} WHERE id IN ({', '.join('?' * len(part))})",
                                    part)
            for key, text in rows:
                self._built[key] = self._make(json.loads(text))

    def __getitem__(self, key: str):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._built or self.get(key) is not None)

    def __iter__(self) -> Iterator[str]:
        """Ids in id order; iterating builds every record (what listing them all needs anyway)."""
        if self._ids is None:
            rows = self._db.execute(f"SELECT id, json FROM {self._table} ORDER BY id").fetchall()
            for key, text in rows:
                if key not in self._built:
                    self._built[key] = self._make(json.loads(text))
            self._ids = [key for key, _ in rows]
        return iter(self._ids)

    def __len__(self) -> int:
        if self._ids is None:
            return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]
        return len(self._ids)


EVENT_BATCH = 500


class Store(Dataset):
    """A dataset read through its database. `events` (every event, built on first use) serves the few views that
    need them all; everything else asks the database (see `query`)."""

    __slots__ = ("db", "_all")

    def __init__(self, path: str, db: sqlite3.Connection):  # not Dataset.__init__: `events` is a property here
        self.db, self.path = db, path
        self.schema_version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        self.sources = _Records(db, "sources", source_from)
        self.actors = _Records(db, "actors", actor_from)
        self._all: list[Event] | None = None

    @property
    def events(self) -> list[Event]:  # type: ignore[override]
        if self._all is None:
            self._all = list(self.event_rows("SELECT json FROM events ORDER BY rowid"))
        return self._all

    def event_rows(self, sql: str, params=()) -> Iterator[Event]:
        """Events from a query whose first column is the events' json, in the query's order, decoded in batches."""
        cursor = self.db.execute(sql, params)
        while batch := cursor.fetchmany(EVENT_BATCH):
            events = [event_from(obj) for obj in json.loads("[" + ",".join(row[0] for row in batch) + "]")]
            # What showing them will look up: their actors and every source they cite
            self.actors.fetch([a for e in events for a in e.actor_ids])
            self.sources.fetch([c.source_id for e in events
                                for c in (*e.citations, *(c for alt in e.alt_dates for c in alt.citations))])
            yield from events

    def stored_record(self, event_id: str) -> str | None:
        """The record the database keeps for this event (`partial` false), or None."""
        row = self.db.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM events").fetchone()[0]

    def actor_names(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(id, name, aliases) of every actor, without building the actors (what completion offers)."""
        return [(i, n, tuple(json.loads(a))) for i, n, a in self.db.execute("SELECT id, name, aliases FROM actors")]


def of(dataset: Dataset) -> Store:
    """A store in memory for a dataset the careful reader built (no cache involved)."""
    return Store(dataset.path, in_memory(contents_of(dataset)))
