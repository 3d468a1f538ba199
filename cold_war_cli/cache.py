"""Where each dataset's database lives, and writing it there safely.

A database's name is a hash of cwc's version, the store's format and the data file's bytes, so a changed file (or a
new cwc) can never meet an old database. It lives in $CWC_CACHE_DIR, else $XDG_CACHE_HOME/cwc, else ~/.cache/cwc;
CWC_NO_CACHE=1 turns it off. A folder that cannot be read or written costs only speed (the database is then built
in memory for the run), and so does one that is not safe: a folder that another user owns or can write is not used
at all (they could plant links or forged databases in it). Databases are private to the user (mode 600), built in
a temporary file created exclusively (never through a link) and renamed into place; a database is opened only if it
is a regular file, read only. Temporary files left by a killed run are removed by a later one.

Hashing the data file costs a read of it on every run (70 ms at 100,000 events), more than most queries: so the
file's size, modification and change times, inode and device are kept beside the databases with the name they hashed to, and a
file whose stat is unchanged is not hashed again. As in git's index, a stat recorded within STAT_SETTLE seconds of
the file's modification time is not trusted (the file may change again within the clock's resolution).
"""

from __future__ import annotations

import os
import sqlite3
import stat

from cold_war_cli import store

KEEP = 8  # databases kept; the least recently used go first
SUFFIX = ".db"
STAT_SETTLE = 2.0


def cache_dir() -> str | None:
    """Where databases live (None: no cache). The folder may not exist yet."""
    env = os.environ
    if env.get("CWC_NO_CACHE"):
        return None
    if env.get("CWC_CACHE_DIR"):
        return env["CWC_CACHE_DIR"]
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cwc")


def _safe(folder: str) -> bool:
    """True if the folder is ours alone: owned by this user, and no one else may write in it."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _folder(create: bool) -> str | None:
    """The cache folder if it is safe to use (made, private, when `create` is true and it is missing)."""
    folder = cache_dir()
    if folder is None:
        return None
    if create and not os.path.exists(folder):
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError:
            return None
    return folder if _safe(folder) else None


try:
    from _blake2 import blake2b  # what hashlib wraps; importing hashlib also loads OpenSSL (~2.5 ms)
except ImportError:  # another Python implementation
    from hashlib import blake2b


def database_name(data: bytes) -> str:
    """A name that changes with the file's bytes, cwc's version and the store's format."""
    return _name(blake2b(data, digest_size=20, person=b"cwc-store"))


def database_name_of(handle) -> str:
    """The same name as `database_name`, hashing an open binary file a block at a time (never all of it in memory)."""
    digest = blake2b(digest_size=20, person=b"cwc-store")
    block = bytearray(1 << 20)
    view = memoryview(block)
    while size := handle.readinto(block):
        digest.update(view[:size])
    return _name(digest)


def _name(digest) -> str:
    from cold_war_cli import __version__

    digest.update(store.FORMAT.encode() + b"/" + __version__.encode())
    return digest.hexdigest() + SUFFIX


TEMPORARY = ".tmp"  # the ending of a database (or stat record) being written
STALE_AFTER = 600  # seconds after which a temporary file is a killed run's leftover (writing 1,000,000 events: 15 s)


def _create_temporary(folder: str, name: str):
    """A new file of our own for writing, as tempfile.mkstemp makes one: a random name, created exclusively, never
    through a link, private to the user. (tempfile itself costs 5 ms to import.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        temporary = os.path.join(folder, f".{name}.{os.urandom(6).hex()}{TEMPORARY}")
        try:
            return temporary, os.fdopen(os.open(temporary, flags, 0o600), "wb")
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def build(contents: store.Contents, name: str | None) -> sqlite3.Connection:
    """The database for these contents: built into the cache under `name` when the cache can take it, else in
    memory (the cache only ever saves time). An interrupt (Ctrl-C, or SIGTERM, which is made one while building)
    removes the temporary file before it goes on."""
    folder = _folder(create=True) if name is not None else None
    if folder is None:
        return store.in_memory(contents)
    temporary = None
    previous = _interrupt_on_sigterm()
    try:
        temporary, handle = _create_temporary(folder, name)
        handle.close()  # SQLite opens it by name; nobody else can write in this folder (see _safe)
        db = sqlite3.connect(temporary)
        try:
            store.build(db, contents)
        except BaseException:
            db.close()
            raise
        os.replace(temporary, os.path.join(folder, name))
        temporary = None
        _prune(folder)
        return db
    except (OSError, sqlite3.OperationalError):  # a full disk, a folder that went away: build in memory instead
        return store.in_memory(contents)
    finally:
        _restore_sigterm(previous)
        if temporary is not None:
            _remove(temporary)


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


def _prune(folder: str) -> None:
    """Keep the KEEP most recently used databases (a hit refreshes a database's time), and remove temporary files
    that killed runs left behind, and stat records whose database is gone."""
    import time

    now = time.time()
    databases, records = [], []
    for entry in os.scandir(folder):
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.name.endswith(TEMPORARY) and now - info.st_mtime > STALE_AFTER:
            _remove(entry.path)
        elif entry.name.endswith(SUFFIX):
            databases.append((info.st_mtime_ns, entry.path))
        elif entry.name.endswith(STAT_SUFFIX):
            records.append(entry.path)
    newest_first = [path for _, path in sorted(databases, reverse=True)]
    for old in newest_first[KEEP:]:
        _remove(old)
    kept = {os.path.basename(path) for path in newest_first[:KEEP]}
    for path in records:
        recorded = _read_record(path)
        if recorded is None or recorded[1] not in kept:
            _remove(path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)  # a link is removed itself, never what it points at
    except OSError:
        pass


def open_database(name: str) -> sqlite3.Connection | None:
    """The database with this name, or None if there is none (or it is damaged, or is not a regular file)."""
    folder = _folder(create=False)
    if folder is None:
        return None
    path = os.path.join(folder, name)
    if not _regular(path):
        return None
    try:
        db = store.connect(path)
    except store.Damaged:
        return None
    try:
        os.utime(path)  # most recently used: kept longest
    except OSError:
        pass
    return db


def _regular(path: str) -> bool:
    """True if the path is a regular file of ours, checked without following a link or opening a FIFO."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()


# ------------------------------------------------------------------------------------------ stat records

STAT_SUFFIX = ".stat"


def _stat_record(data_path: str, create: bool = False) -> str | None:
    folder = _folder(create=create)
    if folder is None:
        return None
    where = os.path.abspath(data_path).encode("utf-8", "surrogateescape")
    return os.path.join(folder, blake2b(where, digest_size=16, person=b"cwc-stat").hexdigest() + STAT_SUFFIX)


def _fingerprint(info: os.stat_result) -> str:
    # ctime too: writing the file or resetting its modification time (os.utime, touch -d) changes it. The store's
    # format and cwc's version too: the name recorded by another cwc is of a database this one cannot open, and
    # trusting it made every run build the database again.
    from cold_war_cli import __version__, store

    return (f"{store.FORMAT} {__version__} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino} "
            f"{info.st_dev}")


def recall(data_path: str, info: os.stat_result) -> str | None:
    """The database name recorded for this data file, if its stat is what it was when the name was recorded."""
    record = _stat_record(data_path)
    recorded = _read_record(record) if record is not None else None
    if recorded is None or recorded[0] != _fingerprint(info):
        return None
    return recorded[1]


def _read_record(record: str) -> tuple[str, str] | None:
    """A stat record's fingerprint and database name, if it is a regular file of ours naming a database."""
    if not _regular(record):
        return None
    try:
        with open(record, encoding="ascii") as handle:
            fingerprint, name = handle.read().split("\n")[:2]
    except (OSError, ValueError):
        return None
    if not name.endswith(SUFFIX) or "/" in name or name.startswith("."):
        return None
    return fingerprint, name


def remember(data_path: str, info: os.stat_result, name: str) -> None:
    """Record the database name of a data file with its stat (not when the file was modified only just now)."""
    import time

    if time.time() - info.st_mtime < STAT_SETTLE:
        return
    record = _stat_record(data_path, create=True)
    if record is None:
        return
    temporary = None
    try:
        temporary, handle = _create_temporary(os.path.dirname(record), os.path.basename(record))
        with handle:
            handle.write(f"{_fingerprint(info)}\n{name}\n".encode("ascii"))
        os.replace(temporary, record)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            _remove(temporary)
