"""A persistent snapshot of a loaded dataset, so the next run skips decoding and checking the whole file.

The snapshot's name is a hash of cwc's version and the data file's bytes, so a changed file (or a new cwc) can
never meet an old snapshot. It lives in $CWC_CACHE_DIR, else $XDG_CACHE_HOME/cwc, else ~/.cache/cwc;
CWC_NO_CACHE=1 turns it off. A folder that cannot be read or written costs only speed, and so does one that is not
safe: a folder that another user owns or can write is not used at all (they could plant links or forged
snapshots in it). Snapshots are private to the user (mode 600), written to a temporary file created exclusively
(never through a link) and renamed into place; a snapshot is opened without following links and read only if it
is a regular file. Snapshots are read with positioned reads rather than mapped, so one truncated while it is read
is found damaged, never a SIGBUS. Temporary files left by a killed run are removed by a later one.

Layout: MAGIC, the chunks, a marshal'd header (sources, actors, each chunk's first start day and latest end day,
chunk offsets, chunk checksums, event count), the header's length (8 bytes) and its CRC-32 (4 bytes). The header
comes last so that chunks can be written one at a time as they are made. Chunks hold the events sorted by start
day, CHUNK at a time, each a JSON array of the events' objects exactly as the data file wrote them (the fast
reader keeps their bytes), so writing a snapshot costs little more than copying the file, and a date query decodes
only the chunks it needs. Every part read is checked against its checksum first: a damaged snapshot is rebuilt
from the data file, never believed.
"""

from __future__ import annotations

import marshal
import os
import stat
import zlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from cold_war_cli.dates import DayRange, parse_edtf, parse_iso_day
from cold_war_cli.models import Actor, AltDate, Citation, Dataset, Event, Name, Role, Source

MAGIC = b"CWCSNAP7"  # change it whenever the layout or the rows change
CHUNK = 16  # events per chunk: a query decodes whole chunks, so smaller ones waste less
# Chunks of large datasets are decoded with msgspec, about 1.5 times as fast as json.loads; small ones with
# json, so that reading the shipped dataset's snapshot never imports msgspec (about 12 ms).
MSGSPEC_FROM = 5000
KEEP = 8  # snapshots kept; the least recently used go first


def cache_dir() -> Path | None:
    """Where snapshots live (None: no cache). The folder may not exist yet."""
    env = os.environ
    if env.get("CWC_NO_CACHE"):
        return None
    if env.get("CWC_CACHE_DIR"):
        return Path(env["CWC_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cwc"


def _safe(folder: Path) -> bool:
    """True if the folder is ours alone: owned by this user, and no one else may write in it."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _folder(create: bool) -> Path | None:
    """The cache folder if it is safe to use (made, private, when `create` is true and it is missing)."""
    folder = cache_dir()
    if folder is None:
        return None
    if create and not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
    return folder if _safe(folder) else None


try:
    from _blake2 import blake2b  # what hashlib wraps; importing hashlib also loads OpenSSL (~2.5 ms)
except ImportError:  # another Python implementation
    from hashlib import blake2b


class Damaged(Exception):
    """A snapshot whose bytes do not match their checksums."""


def _checksum(data) -> int:
    # Checksums only catch damage (a torn write, a flipped bit); the file's name, a cryptographic hash of the
    # data file, is what keeps a snapshot from ever being stale. CRC-32 is four times as fast as BLAKE2 here.
    return zlib.crc32(data)


def snapshot_name(data: bytes) -> str:
    """A name that changes with the file's bytes, cwc's version and the snapshot format."""
    return _name(blake2b(data, digest_size=20, person=b"cwc-snapshot"))


def snapshot_name_of(handle) -> str:
    """The same name as `snapshot_name`, hashing an open binary file a block at a time (never all of it in memory)."""
    digest = blake2b(digest_size=20, person=b"cwc-snapshot")
    block = bytearray(1 << 20)
    view = memoryview(block)
    while size := handle.readinto(block):
        digest.update(view[:size])
    return _name(digest)


def _name(digest) -> str:
    from cold_war_cli import __version__

    digest.update(MAGIC + __version__.encode())
    return digest.hexdigest() + ".snap"


# ------------------------------------------------------------------------------------------ rows and objects


def _cites(items) -> tuple[Citation, ...]:
    return tuple([Citation(item["id"], item.get("locator"), item.get("url")) for item in items])


def citation_rows(citations) -> tuple:
    """Citations as rows, from Citation objects or the fast reader's decoded ones."""
    return tuple((c.id if hasattr(c, "id") else c.source_id, c.locator, c.url) for c in citations)


def _citations(rows) -> tuple[Citation, ...]:
    return tuple(Citation(*row) for row in rows)


def _event(obj: dict) -> Event:
    """An event from its JSON object, as validated when the snapshot was made."""
    parsed = parse_edtf(obj["date"])
    when = parsed.range
    bounds = obj.get("bounds")
    if bounds is not None:
        when = DayRange(parse_iso_day(bounds["earliest"]), parse_iso_day(bounds["latest"]), when.precision)
    get = obj.get
    return Event(obj["id"], obj["date"], when, parsed.certainty, obj["title"], obj["summary"],
                 _cites(obj["sources"]), tuple(get("actors", ())), tuple(get("places", ())), tuple(get("tags", ())),
                 get("label"), tuple(get("notes", ())),
                 tuple([AltDate(a["date"], _cites(a["sources"]), a.get("note")) for a in get("alt_dates", ())]),
                 tuple(get("aliases", ())))


def event_object(e: Event) -> dict:
    """The JSON object `_event` reads back as this event (for datasets that only the careful reader accepts)."""
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


def range_row(r: DayRange | None):
    return None if r is None else (r.start.toordinal(), r.end.toordinal(), r.precision)


def _range(t) -> DayRange | None:
    return None if t is None else DayRange(date.fromordinal(t[0]), date.fromordinal(t[1]), t[2])


def source_row(s) -> tuple:
    """A source's row, from a Source or from the fast reader's decoded record (same field names)."""
    names = lambda people: tuple((n.family, n.given, n.literal) for n in people)  # noqa: E731
    return (s.id, s.type, s.quality, s.title, names(s.authors), names(s.editors), s.container, s.volume,
            s.publisher, s.place, s.issued, s.url, s.accessed, s.note, s.isbn)


def _source(row: tuple) -> Source:
    id_, type_, quality, title, authors, editors, *rest = row
    return Source(id_, type_, quality, title, tuple(Name(*n) for n in authors), tuple(Name(*n) for n in editors),
                  *rest)


def actor_row(a: Actor) -> tuple:
    roles = tuple((r.title, range_row(r.start), range_row(r.end), r.start_text, r.end_text,
                   citation_rows(r.citations)) for r in a.roles)
    return (a.id, a.name, a.kind, a.aliases, a.born, a.died, roles, a.summary, citation_rows(a.citations))


def _actor(t: tuple) -> Actor:
    id_, name, kind, aliases, born, died, roles, summary, cited = t
    return Actor(id_, name, kind, aliases, born, died,
                 tuple(Role(title, _range(s), _range(e), st, et, _citations(c)) for title, s, e, st, et, c in roles),
                 summary, _citations(cited))


class _Built(Mapping):
    """Actors or sources by id, each built from its row when first looked up: listing a few events names a handful
    of the dataset's actors and sources, and building all of them (about 950 sources) took 8 ms of every run."""

    __slots__ = ("_rows", "_built", "_make")

    def __init__(self, rows: tuple, make):
        self._rows = {row[0]: row for row in rows}
        self._built: dict = {}
        self._make = make

    def get(self, key: str, default=None):  # what Dataset.actor calls for every name shown: kept direct
        value = self._built.get(key)
        if value is None:
            row = self._rows.get(key)
            if row is None:
                return default
            value = self._built[key] = self._make(row)
        return value

    def __getitem__(self, key: str):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


# ------------------------------------------------------------------------------------------ build, write, read


class Snapshot:
    """A validated dataset in the snapshot's form, just built or opened from the cache; events are decoded only
    for the chunks a command asks for."""

    __slots__ = ("schema_version", "sources", "actor_rows", "firsts", "lasts", "count", "chunk")

    def __init__(self, schema_version: int, sources: tuple, actor_rows: tuple, firsts: tuple, lasts: tuple,
                 count: int, chunk):
        self.schema_version, self.sources, self.actor_rows = schema_version, sources, actor_rows
        self.firsts, self.lasts, self.count = firsts, lasts, count
        self.chunk = chunk  # chunk(i): the bytes of chunk i

    @classmethod
    def build(cls, schema_version: int, sources: tuple, actor_rows: tuple, starts: list, ends: list,
              texts: list) -> Snapshot:
        """From events already sorted by (start day, end day, id): their day ordinals and JSON texts (bytes).

        A chunk's bytes are joined only when asked for (to be saved, or read), so a large file is never held twice.
        """
        firsts = tuple(starts[::CHUNK])
        lasts = tuple(max(ends[i : i + CHUNK]) for i in range(0, len(ends), CHUNK))

        def chunk(i: int) -> bytes:
            return b"[" + b",".join(texts[i * CHUNK : (i + 1) * CHUNK]) + b"]"

        return cls(schema_version, sources, actor_rows, firsts, lasts, len(texts), chunk)

    @classmethod
    def of(cls, dataset: Dataset) -> Snapshot:
        """From a dataset the careful reader built (events in their sorted order)."""
        import json

        events = dataset.events
        return cls.build(dataset.schema_version, tuple(source_row(s) for s in dataset.sources.values()),
                         tuple(actor_row(a) for a in dataset.actors.values()),
                         [e.range.start.toordinal() for e in events], [e.range.end.toordinal() for e in events],
                         [json.dumps(event_object(e)).encode() for e in events])

    def dataset(self, path: str, within: DayRange | None = None, events: bool = True) -> Dataset:
        """The dataset, with every event, or (given `within`) at least every event overlapping it, or (events
        False) none: sources and actors only."""
        wanted = range(len(self.firsts)) if events else []
        if within is not None and events:
            low, high = within.start.toordinal(), within.end.toordinal()
            wanted = [i for i in wanted if self.firsts[i] <= high and self.lasts[i] >= low]
        if self.count >= MSGSPEC_FROM:
            import msgspec

            decode = msgspec.json.Decoder().decode
        else:
            import json

            decode = lambda chunk: json.loads(bytes(chunk))  # noqa: E731 (json wants bytes, not a memoryview)
        found = []
        for i in wanted:
            found.extend([_event(obj) for obj in decode(self.chunk(i))])
        return Dataset(path=path, schema_version=self.schema_version,
                       sources=_Built(self.sources, _source), actors=_Built(self.actor_rows, _actor), events=found)


TEMPORARY = ".tmp"  # the ending of a snapshot being written
STALE_AFTER = 600  # seconds after which a temporary file is a killed run's leftover (writing 1,000,000 events: 15 s)


def _create_temporary(folder: Path, name: str):
    """A new file of our own for writing, as tempfile.mkstemp makes one: a random name, created exclusively, never
    through a link, private to the user. (tempfile itself costs 5 ms to import.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        temporary = folder / f".{name}.{os.urandom(6).hex()}{TEMPORARY}"
        try:
            return temporary, os.fdopen(os.open(temporary, flags, 0o600), "wb")
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def save(snapshot: Snapshot, name: str) -> None:
    """Write a snapshot atomically, a chunk at a time; any failure is ignored (the cache only ever saves time).

    An interrupt (Ctrl-C, or SIGTERM, which is made one while writing) removes the temporary file before it goes on.
    """
    folder = _folder(create=True)
    if folder is None:
        return
    temporary = None
    previous = _interrupt_on_sigterm()
    try:
        temporary, handle = _create_temporary(folder, name)
        with handle:
            handle.write(MAGIC)
            offsets, checksums, position = [0], [], 0
            for i in range(len(snapshot.firsts)):
                chunk = snapshot.chunk(i)
                handle.write(chunk)
                checksums.append(_checksum(chunk))
                position += len(chunk)
                offsets.append(position)
            header = marshal.dumps((snapshot.schema_version, snapshot.sources, snapshot.actor_rows, snapshot.firsts,
                                    snapshot.lasts, tuple(offsets), tuple(checksums), snapshot.count))
            handle.write(header + len(header).to_bytes(8, "little") + _checksum(header).to_bytes(4, "little"))
        os.replace(temporary, folder / name)
        temporary = None
        _prune(folder)
    except OSError:
        pass
    finally:
        _restore_sigterm(previous)
        if temporary is not None:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass


def _interrupt_on_sigterm():
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None


def _restore_sigterm(previous) -> None:
    if previous is not None:
        import signal

        signal.signal(signal.SIGTERM, previous)


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently used snapshots (a hit refreshes a snapshot's time), and remove temporary files
    that killed runs left behind."""
    import time

    now = time.time()
    snapshots = []
    for entry in os.scandir(folder):
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.name.endswith(TEMPORARY) and now - info.st_mtime > STALE_AFTER:
            _remove(entry.path)
        elif entry.name.endswith(".snap"):
            snapshots.append((info.st_mtime_ns, entry.path))
    for _, old in sorted(snapshots, reverse=True)[KEEP:]:
        _remove(old)


def _remove(path: str) -> None:
    try:
        os.unlink(path)  # a link is removed itself, never what it points at
    except OSError:
        pass


def _read(read, size: int) -> Snapshot:
    """A snapshot from a file of `size` bytes, read with read(offset, length): the header checked and decoded now,
    each chunk read and checked when it is asked for. A short read (a file truncated meanwhile) is damage."""

    def exactly(offset: int, length: int) -> bytes:
        part = read(offset, length)
        if len(part) != length:
            raise Damaged("truncated")
        return part

    if size < len(MAGIC) + 12 or exactly(0, len(MAGIC)) != MAGIC:
        raise Damaged("not a cwc snapshot")
    end = size - 12
    tail = exactly(end, 12)
    length = int.from_bytes(tail[:8], "little")
    if length > end - len(MAGIC):
        raise Damaged("header length")
    header = exactly(end - length, length)
    if _checksum(header) != int.from_bytes(tail[8:], "little"):
        raise Damaged("header")
    try:
        schema_version, sources, actor_rows, firsts, lasts, offsets, checksums, count = marshal.loads(header)
        body = end - length - len(MAGIC)
        if body != offsets[-1] or len(offsets) != len(firsts) + 1 or len(checksums) != len(firsts):
            raise Damaged("length")
    except (ValueError, EOFError, TypeError, IndexError, KeyError) as exc:  # a header forged with its checksum
        raise Damaged("header contents") from exc

    def chunk(i: int) -> bytes:
        part = exactly(len(MAGIC) + offsets[i], offsets[i + 1] - offsets[i])
        if _checksum(part) != checksums[i]:
            raise Damaged(f"chunk {i}")
        return part

    return Snapshot(schema_version, sources, actor_rows, firsts, lasts, count, chunk)


WHOLE_BELOW = 4 << 20  # snapshots smaller than this are read at once; larger ones a chunk at a time


def open_snapshot(name: str) -> Snapshot | None:
    """The snapshot with this name, or None if there is none (or it cannot be read, or is not a regular file)."""
    folder = _folder(create=False)
    if folder is None:
        return None
    path = folder / name
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # a link is refused; a FIFO opens without blocking and is refused below
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Damaged("not a regular file")
        if info.st_size < WHOLE_BELOW:
            with os.fdopen(fd, "rb", buffering=0) as handle:
                fd = None  # the handle owns it now, and closes it
                raw = handle.readall()  # for the shipped dataset: one read
            snapshot = _read(lambda offset, length: raw[offset : offset + length], len(raw))
        else:
            snapshot = _read(lambda offset, length: os.pread(fd, length, offset), info.st_size)  # fd stays open
    except (OSError, ValueError, Damaged):
        if fd is not None:
            os.close(fd)
        return None
    try:
        os.utime(path)  # most recently used: kept longest
    except OSError:
        pass
    return snapshot
