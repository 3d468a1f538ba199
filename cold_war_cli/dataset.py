"""Finding, reading and building the dataset. The only module that knows where events.json lives."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from cold_war_cli.errors import DatasetError
from cold_war_cli.models import Dataset

# Paths as strings, with os.path: pathlib (and the urllib.parse it imports) would cost a twentieth of start-up.
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
PACKAGED_DATA = os.path.join(PACKAGE_DIR, "data", "events.json")  # where the wheel puts it (hatch force-include)
REPO_DATA = os.path.join(os.path.dirname(PACKAGE_DIR), "data", "events.json")  # a checkout or an editable install


def default_path() -> str:
    """The shipped dataset: inside the installed package, or the checkout's copy for an editable install.

    This is the file importlib.resources.files("cold_war_cli") / "data" / "events.json" names for a package
    installed as a folder (wheels always are); importing importlib.resources would cost about a tenth of cwc's
    start-up (zipfile, tempfile, inspect), so the folder is read directly.
    """
    return PACKAGED_DATA if os.path.isfile(PACKAGED_DATA) else REPO_DATA


def synonyms_path() -> str:
    """The curated synonym list for search, shipped beside the dataset."""
    return os.path.join(os.path.dirname(default_path()), "synonyms.json")


def read_bytes(path: str) -> bytes:
    """The data file's bytes; any failure becomes one DatasetError that names the file."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: str, exc: Exception) -> DatasetError:
    if isinstance(exc, FileNotFoundError):
        return DatasetError(f"data file not found: {path}")
    if isinstance(exc, IsADirectoryError):
        return DatasetError(f"data file is a directory, not a file: {path}")
    if isinstance(exc, OSError):
        return DatasetError(f"cannot read data file {path}: {exc.strerror or exc}")
    return DatasetError(f"cannot read data file {path!r}: {exc}")  # a NUL byte in the path


# Larger files are hashed as a stream to name their database, so that a run which finds the database never holds
# the file in memory (780 MB for a million events); a run which does not reads the file whole afterwards.
STREAM_FROM = 16 << 20


def _database_name(path: str) -> tuple[str | None, bytes | None]:
    """The database name for a data file, with the file's bytes when it had to be read (and is small enough)."""
    from cold_war_cli import cache

    try:
        with open(path, "rb", buffering=0) as handle:
            if cache.cache_dir() is None:
                return None, handle.readall()  # nothing to name
            info = os.fstat(handle.fileno())
            name = cache.recall(path, info)
            if name is not None:
                return name, None
            if info.st_size >= STREAM_FROM:
                name, data = cache.database_name_of(handle), None
            else:
                data = handle.readall()
                name = cache.database_name(data)
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    cache.remember(path, info, name)
    return name, data


def parse_json(raw: bytes, path: str, duplicates: list[str] | None = None) -> object:
    """Decode UTF-8 JSON, saying where it goes wrong (byte offset, or line and column). Given a list, each key
    that an object repeats (where JSON readers silently keep one of the values) is added to it as a problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=None if duplicates is None else _keeping(duplicates))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise DatasetError(f"{path} is nested too deeply to read") from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4,300-digit limit
        raise DatasetError(f"{path} cannot be read: {exc}") from None


def _keeping(duplicates: list[str]):
    def pairs(items: list) -> dict:
        obj = {}
        for key, value in items:
            if key in obj:
                owner = f"object with id {obj['id']!r}" if isinstance(obj.get("id"), str) else "an object"
                duplicates.append(f"{owner}: duplicate key {key!r} (readers would silently keep one value)")
            obj[key] = value
        return obj
    return pairs


def read_json(path: str | os.PathLike[str]) -> object:
    """Read and decode a JSON data file, turning every failure into one DatasetError that names the file."""
    path = os.fspath(path)
    return parse_json(read_bytes(path), path)


def load(path: str | os.PathLike[str] | None = None):
    """The dataset as a `store.Store`, stopping at the file's first problem (the rules are in `schema`).

    A file seen before (same bytes, same cwc) is opened from its database in the cache; otherwise the file is
    validated and its database built (into the cache, or in memory when there is none).
    """
    from cold_war_cli import cache, store

    path = os.fspath(path) if path is not None else default_path()
    name, data = _database_name(path)
    db = cache.open_database(name) if name is not None else None
    if db is None:
        if data is None:
            data = read_bytes(path)
            name = cache.database_name(data)  # of the bytes read now: the file may have changed since it was hashed
        import gc

        # Building a large dataset makes millions of objects and none of them form cycles: without this the
        # collector runs again and again over them, which made a 100,000-event file several times slower to load.
        collecting = gc.isenabled()
        gc.disable()
        try:
            db = cache.build(contents(data, path), name)
        finally:
            if collecting:
                gc.enable()
    return store.Store(path, db)


def contents(data: bytes, path: str):
    """The validated dataset as the store is built from it: from the fast typed decoder when it vouches for the
    file, else from the careful reader, which raises DatasetError naming the first problem."""
    from cold_war_cli import decode, store

    try:
        return decode.contents(data)
    except decode.NotFast:
        pass

    from cold_war_cli import schema

    def fail(where: str, message: str) -> None:
        raise DatasetError(f"{path}: {where}: {message}")

    return store.contents_of(schema.build(parse_json(data, path), path, fail))


def problems(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Every problem in a dataset file, as 'where: what' lines; empty when it is valid."""
    return check(path)[0]


def check(path: str | os.PathLike[str] | None = None) -> tuple[list[str], Dataset | None]:
    """Every problem in a dataset file, and the dataset as read (None when the file could not be read at all)."""
    from cold_war_cli import schema

    path = os.fspath(path) if path is not None else default_path()
    found: list[str] = []
    report: Callable[[str, str], None] = lambda where, message: found.append(f"{where}: {message}")
    try:
        raw = parse_json(read_bytes(path), path, found)
    except DatasetError as exc:
        return [str(exc)], None
    data = schema.build(raw, path, report)
    if data is not None and not found:  # in a file with other problems, a refused event's sources look uncited
        schema.hygiene(data, report)
    return found, data
