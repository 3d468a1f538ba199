"""Counting events by year, decade, tag or actor: GROUP BY queries of the store."""

from __future__ import annotations

from datetime import date

from cold_war_cli.query import EventFilter, where
from cold_war_cli.store import Store

GROUPINGS = ("year", "decade", "tag", "actor")

_KEYS = {  # the link table tags and actors are counted from, and the order
    "tag": ("x.tag", "event_tags", "n DESC, k"),
    "actor": ("x.actor", "event_actors", "n DESC, k"),
}


def count_events(dataset: Store, wanted: EventFilter, by: str) -> list[tuple[str, int]]:
    """(key, count) pairs for the events passing `wanted`'s filters. Years and decades go by an event's first day,
    in time order; tags and actors count every event they appear in, most frequent first."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot count by {by!r}")
    condition = where(wanted, dataset.db)
    if by in ("year", "decade"):
        # counted by first day from the (start, end) index, then by year here: reading every (wide) event row
        # to take the year from its date text cost three times as much
        counts: dict[int, int] = {}
        sql = f"SELECT e.start, count(*) FROM events AS e WHERE {condition.sql} GROUP BY e.start"
        for start, n in dataset.db.execute(sql, condition.params):
            year = date.fromordinal(start).year
            key = year if by == "year" else year // 10 * 10
            counts[key] = counts.get(key, 0) + n
        return [(f"{k}s" if by == "decade" else str(k), n) for k, n in sorted(counts.items())]
    key, link, order = _KEYS[by]
    # counted from the link table's own index: joining each link to its (wide) event row costs twice as much
    chosen = "" if condition.sql == "1" else f" WHERE x.event IN (SELECT e.rowid FROM events AS e WHERE {condition.sql})"
    sql = f"SELECT {key} AS k, count(*) AS n FROM {link} AS x{chosen} GROUP BY k ORDER BY {order}"
    return [(str(k), n) for k, n in dataset.db.execute(sql, condition.params).fetchall()]


def events_per_actor(dataset: Store) -> dict[str, int]:
    return dict(dataset.db.execute("SELECT actor, count(*) FROM event_actors GROUP BY actor"))
