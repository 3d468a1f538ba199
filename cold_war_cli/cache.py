"""A persistent snapshot of a loaded dataset, so the next run skips decoding and checking the JSON.

The snapshot's name is a hash of cwc's version and the data file's bytes, so a changed file (or a new cwc) can
never meet an old snapshot. It lives in $CWC_CACHE_DIR, else $XDG_CACHE_HOME/cwc, else ~/.cache/cwc;
CWC_NO_CACHE=1 turns it off. A folder that cannot be read or written costs only speed.

Layout: MAGIC, the header length (8 bytes), the header's checksum (16 bytes), a marshal'd header (sources, actors,
per-chunk first start day, per-chunk latest end day, chunk offsets, chunk checksums, chunk encoding), then the
chunks: events sorted by start day, 64 at a time (marshal, or msgpack for large datasets), so a date query decodes
only the chunks it needs. Every part read is checked against its checksum first: a damaged snapshot is rebuilt
from the data file, never believed.
"""

from __future__ import annotations

import marshal
import os
from datetime import date
from pathlib import Path

from cold_war_cli.dates import DayRange
from cold_war_cli.models import Actor, AltDate, Citation, Dataset, Event, Role, Source

MAGIC = b"CWCSNAP3"  # change it whenever the layout or the rows change
CHUNK = 64
# Chunks of large datasets are written with msgspec's msgpack, twice as fast as marshal; small ones with marshal,
# so that reading the shipped dataset's snapshot never imports msgspec (about 12 ms).
MSGPACK_FROM = 5000
KEEP = 8  # snapshots kept; the least recently used go first


def cache_dir() -> Path | None:
    env = os.environ
    if env.get("CWC_NO_CACHE"):
        return None
    if env.get("CWC_CACHE_DIR"):
        return Path(env["CWC_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cwc"


try:
    from _blake2 import blake2b  # what hashlib wraps; importing hashlib also loads OpenSSL (~2.5 ms)
except ImportError:  # another Python implementation
    from hashlib import blake2b


class Damaged(Exception):
    """A snapshot whose bytes do not match their checksums."""


def _checksum(data) -> bytes:
    return blake2b(data, digest_size=16).digest()


def snapshot_name(data: bytes) -> str:
    """A name that changes with the file's bytes, cwc's version and the snapshot format."""
    from cold_war_cli import __version__

    digest = blake2b(data, digest_size=20, person=b"cwc-snapshot")
    digest.update(MAGIC + __version__.encode())
    return digest.hexdigest() + ".snap"


# ------------------------------------------------------------------------------------------ to and from tuples


def _cites(citations) -> tuple:
    return tuple((c.source_id, c.locator) for c in citations)


def _event_tuple(e: Event) -> tuple:
    return (e.id, e.date, e.range.start.toordinal(), e.range.end.toordinal(), e.range.precision, e.certainty,
            e.title, e.summary, _cites(e.citations), e.actor_ids, e.places, e.tags, e.label, e.notes,
            tuple((a.date, _cites(a.citations), a.note) for a in e.alt_dates))


def _event(t: tuple) -> Event:
    (id_, date_text, start, end, precision, certainty, title, summary, cites, actors, places, tags, label, notes,
     alts) = t
    return Event(id_, date_text, DayRange(date.fromordinal(start), date.fromordinal(end), precision), certainty,
                 title, summary, tuple(Citation(s, loc) for s, loc in cites), tuple(actors), tuple(places),
                 tuple(tags), label, tuple(notes), tuple(AltDate(d, tuple(Citation(s, loc) for s, loc in c), n)
                                                         for d, c, n in alts))


def _range_tuple(r: DayRange | None):
    return None if r is None else (r.start.toordinal(), r.end.toordinal(), r.precision)


def _range(t) -> DayRange | None:
    return None if t is None else DayRange(date.fromordinal(t[0]), date.fromordinal(t[1]), t[2])


def _actor_tuple(a: Actor) -> tuple:
    roles = tuple((r.title, _range_tuple(r.start), _range_tuple(r.end), r.start_text, r.end_text) for r in a.roles)
    return (a.id, a.name, a.kind, a.aliases, a.born, a.died, roles, a.summary)


def _actor(t: tuple) -> Actor:
    id_, name, kind, aliases, born, died, roles, summary = t
    return Actor(id_, name, kind, aliases, born, died,
                 tuple(Role(title, _range(s), _range(e), st, et) for title, s, e, st, et in roles), summary)


# ------------------------------------------------------------------------------------------ write and read


class Rows:
    """A validated dataset as plain tuples (the snapshot's form): events sorted by (start, end, id)."""

    __slots__ = ("schema_version", "sources", "actors", "events")

    def __init__(self, schema_version: int, sources: tuple, actors: tuple, events: list):
        self.schema_version, self.sources, self.actors, self.events = schema_version, sources, actors, events

    @classmethod
    def of(cls, dataset: Dataset) -> Rows:
        return cls(dataset.schema_version,
                   tuple((s.id, s.title, s.author, s.year, s.url) for s in dataset.sources.values()),
                   tuple(_actor_tuple(a) for a in dataset.actors.values()),
                   [_event_tuple(e) for e in dataset.events])

    def dataset(self, path: str, within: DayRange | None = None, events: bool = True) -> Dataset:
        if not events:
            return _dataset(path, self.schema_version, self.sources, self.actors, [])
        events = self.events
        if within is not None:
            low, high = within.start.toordinal(), within.end.toordinal()
            events = [row for row in events if row[2] <= high and row[3] >= low]
        return _dataset(path, self.schema_version, self.sources, self.actors, [_event(row) for row in events])


def _dataset(path: str, schema_version: int, sources: tuple, actors: tuple, events: list) -> Dataset:
    return Dataset(path=path, schema_version=schema_version, sources={row[0]: Source(*row) for row in sources},
                   actors={row[0]: _actor(row) for row in actors}, events=events)


def save(rows: Rows, name: str) -> None:
    """Write the snapshot atomically; any failure is ignored (the cache only ever saves time)."""
    folder = cache_dir()
    if folder is None:
        return
    events = rows.events
    encoding, encode = "marshal", marshal.dumps
    if len(events) >= MSGPACK_FROM:
        try:
            import msgspec

            encoding, encode = "msgpack", msgspec.msgpack.Encoder().encode
        except ImportError:
            pass
    chunks, firsts, lasts = [], [], []
    for i in range(0, len(events), CHUNK):
        part = events[i : i + CHUNK]
        chunks.append(encode(part))
        firsts.append(part[0][2])
        lasts.append(max(row[3] for row in part))
    offsets, position = [], 0
    for chunk in chunks:
        offsets.append(position)
        position += len(chunk)
    offsets.append(position)
    header = marshal.dumps((rows.schema_version, rows.sources, rows.actors, tuple(firsts), tuple(lasts),
                            tuple(offsets), tuple(_checksum(chunk) for chunk in chunks), encoding))
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(MAGIC + len(header).to_bytes(8, "little") + _checksum(header) + header)
            for chunk in chunks:
                handle.write(chunk)
        os.replace(temporary, folder / name)
        _prune(folder)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used snapshots (a hit refreshes a snapshot's time)."""
    snapshots = sorted(folder.glob("*.snap"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in snapshots[KEEP:]:
        old.unlink(missing_ok=True)


class Snapshot:
    """A snapshot opened for reading: header decoded, chunks decoded on demand."""

    __slots__ = ("schema_version", "sources", "actor_rows", "firsts", "lasts", "offsets", "checksums", "decode",
                 "body")

    def __init__(self, raw):
        if raw[:8] != MAGIC:
            raise Damaged("not a cwc snapshot")
        size = int.from_bytes(raw[8:16], "little")
        header = raw[32 : 32 + size]
        if len(header) != size or _checksum(header) != raw[16:32]:
            raise Damaged("header")
        (self.schema_version, self.sources, self.actor_rows, self.firsts, self.lasts,
         self.offsets, self.checksums, encoding) = marshal.loads(header)
        if encoding == "msgpack":
            import msgspec

            self.decode = msgspec.msgpack.Decoder().decode
        elif encoding == "marshal":
            self.decode = marshal.loads
        else:
            raise Damaged(f"encoding {encoding!r}")
        self.body = memoryview(raw)[32 + size :]  # chunks are read from it only when asked for
        if len(self.body) != self.offsets[-1]:
            raise Damaged("length")

    def dataset(self, path: str, within: DayRange | None = None, events: bool = True) -> Dataset:
        """The dataset, with every event, or (given `within`) at least every event overlapping it, or (events
        False) none: sources and actors only."""
        wanted = range(len(self.firsts)) if events else []
        if within is not None and events:
            low, high = within.start.toordinal(), within.end.toordinal()
            wanted = [i for i in wanted if self.firsts[i] <= high and self.lasts[i] >= low]
        events = []
        for i in wanted:
            chunk = self.body[self.offsets[i] : self.offsets[i + 1]]
            if _checksum(chunk) != self.checksums[i]:
                raise Damaged(f"chunk {i}")
            events.extend(_event(row) for row in self.decode(chunk))
        return _dataset(path, self.schema_version, self.sources, self.actor_rows, events)


def open_snapshot(name: str) -> Snapshot | None:
    """The snapshot with this name, or None if there is none (or it cannot be read)."""
    import mmap

    folder = cache_dir()
    if folder is None:
        return None
    path = folder / name
    try:
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        snapshot = Snapshot(mapped)
    except (OSError, ValueError, EOFError, TypeError, IndexError, ImportError, Damaged):
        return None
    try:
        os.utime(path)  # most recently used: kept longest
    except OSError:
        pass
    return snapshot
