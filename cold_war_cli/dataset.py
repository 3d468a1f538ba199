"""Finding, reading and building the dataset. The only module that knows where events.json lives."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from cold_war_cli import schema
from cold_war_cli.errors import DatasetError
from cold_war_cli.models import Dataset

REPO_DATA = Path(__file__).resolve().parent.parent / "data" / "events.json"


def default_path() -> str:
    """The shipped dataset: inside the installed package, or the checkout's copy for an editable install."""
    packaged = files("cold_war_cli") / "data" / "events.json"
    if packaged.is_file():
        return str(packaged)
    return str(REPO_DATA)


def read_json(path: str | os.PathLike[str]) -> object:
    """Read and decode a JSON data file, turning every failure into one DatasetError that names the file."""
    path = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"data file not found: {path}") from None
    except IsADirectoryError:
        raise DatasetError(f"data file is a directory, not a file: {path}") from None
    except OSError as exc:
        raise DatasetError(f"cannot read data file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise DatasetError(f"{path} is nested too deeply to read") from None


def load(path: str | os.PathLike[str] | None = None) -> Dataset:
    """Load a dataset, stopping at its first problem (the rules are in `schema`)."""
    path = os.fspath(path) if path is not None else default_path()
    raw = read_json(path)

    def fail(where: str, message: str) -> None:
        raise DatasetError(f"{path}: {where}: {message}")

    return schema.build(raw, path, fail)


def problems(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Every problem in a dataset file, as 'where: what' lines; empty when it is valid."""
    path = os.fspath(path) if path is not None else default_path()
    found: list[str] = []
    report: Callable[[str, str], None] = lambda where, message: found.append(f"{where}: {message}")
    try:
        raw = read_json(path)
    except DatasetError as exc:
        return [str(exc)]
    schema.build(raw, path, report)
    return found
