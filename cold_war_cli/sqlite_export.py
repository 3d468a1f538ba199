"""`cwc export sqlite`: the selected events as the store's own database, for Datasette and `sqlite3`.

The file holds the tables described in `store` (events, actors, sources, citations, the links between them and the
full-text index). Datasette finds the full-text table by itself (`events_fts` with content='events'); the
metadata written beside the database names it too, with the title, licence and where the data comes from.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from cold_war_cli import store
from cold_war_cli.errors import CwcError
from cold_war_cli.models import Dataset


def write(data: store.Store, matches: list, path: str) -> Path:
    """Write the database of these events (with every actor and source) to `path`, replacing it whole, and its
    Datasette metadata beside it; returns the metadata file's path."""
    target = Path(path)
    selected = Dataset(data.path, data.schema_version, dict(data.sources), dict(data.actors),
                       [m.event for m in matches])
    temporary = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644))
        db = sqlite3.connect(temporary)
        try:
            store.build(db, store.contents_of(selected))
            db.execute("PRAGMA journal_mode = DELETE")  # an ordinary database file for whoever opens it next
        finally:
            db.close()
        os.replace(temporary, target)
        temporary = None
        metadata = target.with_name("metadata.json")
        metadata.write_text(json.dumps(datasette_metadata(target.stem, data.path), indent=2) + "\n",
                            encoding="utf-8")
        return metadata
    except (OSError, sqlite3.Error) as exc:
        raise CwcError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def datasette_metadata(database: str, data_path: str) -> dict:
    from cold_war_cli import __version__

    return {
        "title": "cwc: a sourced Cold War chronology",
        "description": "Events of the Cold War, each with its sources and locators, exported by cwc "
                       f"{__version__} from {os.path.basename(data_path)}.",
        "license": "MIT",
        "source": "cwc (cold-war-cli): each event cites its sources; see the sources and citations tables",
        "databases": {database: {"tables": {
            "events": {"fts_table": "events_fts", "fts_pk": "rowid", "label_column": "title", "sort": "start",
                       "description": "One row an event; start and end are day numbers (proleptic Gregorian "
                                      "ordinals), start_date and end_date the same days in ISO form; json is the "
                                      "event's record as the data file holds it."},
            "citations": {"description": "Which source each event cites, and where in it (alt = 1: for an "
                                         "alternative date)."},
            "sources": {"label_column": "title"},
            "actors": {"label_column": "name"},
        }}},
    }
