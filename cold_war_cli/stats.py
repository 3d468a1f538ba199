"""Counting events by year, decade, tag or actor."""

from __future__ import annotations

from collections import Counter

from cold_war_cli.models import Dataset, Event

GROUPINGS = ("year", "decade", "tag", "actor")


def count_events(dataset: Dataset, events: list[Event], by: str) -> list[tuple[str, int]]:
    """(key, count) pairs. Years and decades go by an event's first day, in time order; tags and actors
    count every event they appear in, most frequent first."""
    counts: Counter[str] = Counter()
    for event in events:
        if by == "year":
            counts[str(event.start.year)] += 1
        elif by == "decade":
            counts[f"{event.start.year // 10 * 10}s"] += 1
        elif by == "tag":
            counts.update(set(event.tags))
        elif by == "actor":
            counts.update(set(event.actor_ids))
        else:
            raise ValueError(f"cannot count by {by!r}")
    if by in ("year", "decade"):
        return sorted(counts.items())
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
