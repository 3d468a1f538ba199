"""Counting events by year, decade, tag or actor: GROUP BY queries of the store."""

from __future__ import annotations

from cold_war_cli.query import EventFilter, where
from cold_war_cli.store import Store

GROUPINGS = ("year", "decade", "tag", "actor")

_YEAR = "CAST(substr(e.start_date, 1, 4) AS INTEGER)"
_KEYS = {  # key, the link table it is counted from (None: the events themselves), order
    "year": (_YEAR, None, "k"),
    "decade": (f"{_YEAR} / 10 * 10", None, "k"),
    "tag": ("x.tag", "event_tags", "n DESC, k"),
    "actor": ("x.actor", "event_actors", "n DESC, k"),
}


def count_events(dataset: Store, wanted: EventFilter, by: str) -> list[tuple[str, int]]:
    """(key, count) pairs for the events passing `wanted`'s filters. Years and decades go by an event's first day,
    in time order; tags and actors count every event they appear in, most frequent first."""
    if by not in _KEYS:
        raise ValueError(f"cannot count by {by!r}")
    key, link, order = _KEYS[by]
    condition = where(wanted, dataset.db)
    if link is None:
        sql = f"SELECT {key} AS k, count(*) AS n FROM events AS e WHERE {condition.sql} GROUP BY k ORDER BY {order}"
    else:  # counted from the link table's own index: joining each link to its (wide) event row costs twice as much
        chosen = "" if condition.sql == "1" else f" WHERE x.event IN (SELECT e.rowid FROM events AS e WHERE {condition.sql})"
        sql = f"SELECT {key} AS k, count(*) AS n FROM {link} AS x{chosen} GROUP BY k ORDER BY {order}"
    rows = dataset.db.execute(sql, condition.params).fetchall()
    if by == "decade":
        return [(f"{k}s", n) for k, n in rows]
    return [(str(k), n) for k, n in rows]


def events_per_actor(dataset: Store) -> dict[str, int]:
    return dict(dataset.db.execute("SELECT actor, count(*) FROM event_actors GROUP BY actor"))
