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
        years = 10 if by == "decade" else 1
        counts = _by_period(dataset.db, years) if condition.sql == "1" else _by_start(dataset.db, condition, years)
        return [(f"{k}s" if by == "decade" else str(k), n) for k, n in counts]
    key, link, order = _KEYS[by]
    # counted from the link table's own index: joining each link to its (wide) event row costs twice as much
    chosen = "" if condition.sql == "1" else f" WHERE x.event IN (SELECT e.rowid FROM events AS e WHERE {condition.sql})"
    sql = f"SELECT {key} AS k, count(*) AS n FROM {link} AS x{chosen} GROUP BY k ORDER BY {order}"
    return [(str(k), n) for k, n in dataset.db.execute(sql, condition.params).fetchall()]


def _by_period(db, years: int) -> list[tuple[int, int]]:
    """(first year, count) of every period of `years` years holding an event's first day, in time order.

    Two lookups of the (start, end) index a period that has events (its first event's day, then a count of the
    period's range), instead of reading every event's start: at 100,000 events, 5 ms against 100 ms. A filter's
    condition would be evaluated again in each lookup (a word search's in each), so filtered counts read the
    chosen events' starts instead (`_by_start`)."""
    counts, low = [], 0
    while (first := db.execute("SELECT min(start) FROM events WHERE start >= ?", (low,)).fetchone()[0]) is not None:
        period = date.fromordinal(first).year // years * years
        after = period + years  # the next period's first year
        low = date(after, 1, 1).toordinal() if after <= date.max.year else date.max.toordinal() + 1
        counts.append((period, db.execute("SELECT count(*) FROM events WHERE start >= ? AND start < ?",
                                          (first, low)).fetchone()[0]))
    return counts


def _by_start(db, condition, years: int) -> list[tuple[int, int]]:
    """The same counts for the events passing a filter's condition, from their first days."""
    counts: dict[int, int] = {}
    sql = f"SELECT e.start, count(*) FROM events AS e WHERE {condition.sql} GROUP BY e.start"
    for start, n in db.execute(sql, condition.params):
        period = date.fromordinal(start).year // years * years
        counts[period] = counts.get(period, 0) + n
    return sorted(counts.items())


def events_per_actor(dataset: Store) -> dict[str, int]:
    return dict(dataset.db.execute("SELECT actor, count(*) FROM event_actors GROUP BY actor"))
