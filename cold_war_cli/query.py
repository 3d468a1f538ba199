"""Questions asked of a dataset: which actor is meant by a name, which events match a set of filters.

Events are selected by SQL against the dataset's store (`store`): dates, actors and tags by their indexes, words by
the full-text index. Actors are few enough to be searched as objects.
"""

from __future__ import annotations

from collections.abc import Iterator

from cold_war_cli.dates import DayRange
from cold_war_cli.errors import LookupFailed
from cold_war_cli.models import Actor, Event, Role
from cold_war_cli.store import LONG_DAYS, Store as Dataset
from cold_war_cli.text import fold
from cold_war_cli.value import Value

SORT_KEYS = ("start", "end")
# A misspelling resolves by itself only when it is this close to one name and clearly closer than any other.
AUTO_RESOLVE_RATIO = 0.85
SUGGEST_RATIO = 0.6


# ------------------------------------------------------------------------------------------ actors


class ActorMatch(Value):
    __slots__ = ("actor", "guessed_from")

    def __init__(self, actor: Actor, guessed_from: str | None = None):
        self.actor = actor
        self.guessed_from = guessed_from  # the misspelled query, when the actor was found by similarity


def _actor_keys(dataset: Dataset) -> dict[str, set[str]]:
    """Folded id, name and aliases -> ids of the actors that carry them."""
    keys: dict[str, set[str]] = {}
    for actor_id, name, aliases in dataset.actor_names():  # without building every actor (their roles, dates)
        for each in (actor_id, name, *aliases):
            keys.setdefault(fold(each), set()).add(actor_id)
    return keys


def _describe(dataset: Dataset, actor_ids) -> list[str]:
    return [f"{i} ({dataset.actors[i].name})" for i in sorted(actor_ids)]


def resolve_actor(dataset: Dataset, query: str) -> ActorMatch:
    """The one actor a name means: by id, name or alias (any case or accents), then by a whole word of a name,
    then by a close spelling. Raises LookupFailed with candidates or suggestions."""
    wanted = fold(query)
    if not wanted:
        raise LookupFailed("an empty actor name")
    keys = _actor_keys(dataset)
    exact = keys.get(wanted, set())
    if len(exact) == 1:
        return ActorMatch(dataset.actors[next(iter(exact))])
    if len(exact) > 1:
        raise LookupFailed(f"'{query}' could mean several actors: {', '.join(_describe(dataset, exact))}")

    wanted_words = wanted.split()
    by_word = {
        actor_id
        for key, ids in keys.items()
        if _contains_words(key.split(), wanted_words)
        for actor_id in ids
    }
    if len(by_word) == 1:
        return ActorMatch(dataset.actors[next(iter(by_word))])
    if len(by_word) > 1:
        raise LookupFailed(f"'{query}' could mean several actors: {', '.join(_describe(dataset, by_word))}")

    import difflib

    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in keys),
        reverse=True,
    )
    best_ids: dict[str, float] = {}
    for ratio, key in scored:
        if ratio < SUGGEST_RATIO:
            break
        for actor_id in keys[key]:
            best_ids.setdefault(actor_id, ratio)
    ranked = sorted(best_ids.items(), key=lambda item: (-item[1], item[0]))
    if ranked and ranked[0][1] >= AUTO_RESOLVE_RATIO and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 0.05):
        return ActorMatch(dataset.actors[ranked[0][0]], guessed_from=query)
    raise LookupFailed(f"no actor matches '{query}'", _describe(dataset, [i for i, _ in ranked[:3]]))


def _contains_words(words: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


# ------------------------------------------------------------------------------------------ events


class EventFilter(Value):
    """What `cwc events` asks. Empty fields filter nothing."""

    __slots__ = ("when", "strict", "actor_ids", "keywords", "tags", "sort", "reverse", "limit", "disputed")

    def __init__(self, when: DayRange | None = None, strict: bool = False, actor_ids: tuple[str, ...] = (),
                 keywords: tuple[str, ...] = (), tags: tuple[str, ...] = (), sort: str = "start",
                 reverse: bool = False, limit: int | None = None, disputed: bool = False):
        self.when, self.strict, self.actor_ids, self.keywords = when, strict, actor_ids, keywords
        self.tags, self.sort, self.reverse, self.limit = tags, sort, reverse, limit
        self.disputed = disputed  # only events whose date another source gives differently


class EventMatch(Value):
    __slots__ = ("event", "partial")

    def __init__(self, event: Event, partial: bool):
        self.event = event
        self.partial = partial  # the event's range only overlaps the asked range (it may lie partly outside)


class Where(Value):
    """An SQL condition on `events AS e` and its parameters."""

    __slots__ = ("sql", "params")

    def __init__(self, sql: str, params: tuple):
        self.sql, self.params = sql, params


def where(wanted: EventFilter, db) -> Where:
    """The filters of `wanted` (all but sort, reverse and limit) as one SQL condition (`db`: the store's
    database, which keywords need)."""
    from cold_war_cli.text import fold

    clauses, params = ["1"], []
    if wanted.when is not None:
        low, high = wanted.when.start.toordinal(), wanted.when.end.toordinal()
        if wanted.strict:
            clauses.append('e.rowid IN (SELECT rowid FROM events WHERE start BETWEEN ? AND ? AND "end" <= ?)')
            params += [low, high, high]
        else:  # overlaps: events under 64 days start at most 63 days before the range; the few longer ones apart
            clauses.append(f'e.rowid IN (SELECT rowid FROM events WHERE start BETWEEN ? AND ? AND "end" - start '
                           f'< {LONG_DAYS} AND "end" >= ? UNION ALL SELECT rowid FROM events WHERE "end" - start >= '
                           f'{LONG_DAYS} AND start <= ? AND "end" >= ?)')
            params += [low - LONG_DAYS + 1, high, low, high, low]
    for actor_id in wanted.actor_ids:
        clauses.append("e.rowid IN (SELECT event FROM event_actors WHERE actor = ?)")
        params.append(actor_id)
    for tag in dict.fromkeys(fold(t) for t in wanted.tags):
        clauses.append("e.rowid IN (SELECT event FROM event_tags WHERE folded = ?)")
        params.append(tag)
    if wanted.disputed:
        clauses.append("e.disputed = 1")
    if wanted.keywords:
        from cold_war_cli.search import words_match

        require_full_text(db)
        clauses.append("e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
        params.append(" AND ".join(words_match(db, k) for k in wanted.keywords))
    return Where(" AND ".join(clauses), tuple(params))


def _order(wanted: EventFilter) -> str:
    if wanted.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {wanted.sort!r}")
    way = " DESC" if wanted.reverse else ""
    return f"e.rowid{way}" if wanted.sort == "start" else f'e."end"{way}, e.start{way}, e.id{way}'


def select_events(dataset: Dataset, wanted: EventFilter) -> list[EventMatch]:
    """The events that pass every filter, in the asked order."""
    return list(iter_events(dataset, wanted))


def iter_events(dataset: Dataset, wanted: EventFilter) -> Iterator[EventMatch]:
    """The same events as `select_events`, made as they are read (a dump of every event never holds them all)."""
    sql, params = event_query(dataset, wanted, "e.json")
    for event in dataset.event_rows(sql, params):
        yield EventMatch(event, _partial(wanted.when, event))


def event_query(dataset: Dataset, wanted: EventFilter, columns: str) -> tuple[str, tuple]:
    """The query selecting these columns of `events AS e` for the events that pass `wanted`, in its order."""
    condition = where(wanted, dataset.db)
    limit = "" if wanted.limit is None else f" LIMIT {int(wanted.limit)}"
    return f"SELECT {columns} FROM events AS e WHERE {condition.sql} ORDER BY {_order(wanted)}{limit}", condition.params


def _partial(when: DayRange | None, event: Event) -> bool:
    return when is not None and not when.contains(event.range)


def require_full_text(db) -> None:
    from cold_war_cli.search import NoFullTextSearch, has_fts5

    if not has_fts5(db):
        raise NoFullTextSearch("word search needs SQLite's FTS5, which this Python's sqlite3 module lacks")


# ---------------------------------------------------------------------------------------- lookups


def find_event(dataset: Dataset, event_id: str) -> Event:
    """One event by its id, in any case (ids are lower-case slugs); a missing id fails with the closest ids."""
    wanted_id = event_id.strip().lower()
    for event in dataset.event_rows("SELECT json FROM events WHERE id = ?", (wanted_id,)):
        return event
    import difflib

    wanted = fold(event_id).replace(" ", "-")

    def likeness(candidate: str) -> float:
        # Compare with the whole id and with its start, so 'viena' finds 'vienna-summit'.
        head = candidate[: len(wanted) + 1]
        return max(difflib.SequenceMatcher(None, wanted, candidate).ratio(),
                   difflib.SequenceMatcher(None, wanted, head).ratio() - 0.05)

    ids = [row[0] for row in dataset.db.execute("SELECT id FROM events")]
    scored = sorted(((likeness(i), i) for i in ids), key=lambda item: (-item[0], item[1]))
    close = [event_id_ for score, event_id_ in scored[:3] if score >= SUGGEST_RATIO]
    raise LookupFailed(f"no event has the id '{event_id}'", close)


def related_events(dataset: Dataset, event: Event, limit: int = 5, within_days: int = 730) -> list[Event]:
    """Events that share actors with this one and lie close to it in time, best first.

    A shared person counts twice as much as a shared state or organization (the superpowers take part in most
    events, so sharing them says little); ties go to the nearer event, then the id. Scored in SQL: at 100,000
    events the superpowers alone share thousands of events within two years.
    """
    mine = tuple(dict.fromkeys(event.actor_ids))
    if not mine:
        return []
    start = event.start.toordinal()
    marks = ", ".join("?" * len(mine))
    sql = (f"SELECT e.json FROM (SELECT event, sum(weight) AS score, min(abs(start - ?)) AS distance "
           f"FROM event_actors WHERE actor IN ({marks}) AND start BETWEEN ? AND ? GROUP BY event) AS r "
           f"JOIN events AS e ON e.rowid = r.event WHERE e.id != ? ORDER BY r.score DESC, r.distance, e.id LIMIT ?")
    return list(dataset.event_rows(sql, (start, *mine, start - within_days, start + within_days, event.id, limit)))


class Tenure(Value):
    __slots__ = ("actor", "role")

    def __init__(self, actor: Actor, role: Role):
        self.actor, self.role = actor, role


# Words that make an office a lesser one: "premier" should not find the vice premier unless asked.
SUBORDINATE = {"vice", "deputy", "under", "assistant", "acting", "associate"}


def office_holders(dataset: Dataset, office: str, when: DayRange | None) -> list[Tenure]:
    """Who held an office whose title contains every word of `office`, during `when` (any time if None).

    A title where the first asked word follows 'vice', 'deputy', 'under', ... matches only when the query has
    that word too.
    """
    words = fold(office).split()
    found = []
    for actor in dataset.actors.values():
        for role in actor.roles:
            if _names_office(fold(role.title).split(), words) and (when is None or role.held_during(when)):
                found.append(Tenure(actor, role))
    found.sort(key=lambda t: (t.role.start.start, t.actor.id))
    return found


def _names_office(title: list[str], words: list[str]) -> bool:
    if not words or not all(w in title for w in words):
        return False
    first = title.index(words[0])
    return first == 0 or title[first - 1] not in SUBORDINATE or title[first - 1] in words


def select_actors(dataset: Dataset, kinds: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> list[Actor]:
    """Actors of these kinds whose names, aliases, roles or summary contain every keyword; by name."""
    words = [fold(k) for k in keywords]
    found = []
    for actor in dataset.actors.values():
        if kinds and actor.kind not in kinds:
            continue
        text = fold(" | ".join([*actor.names, *(r.title for r in actor.roles), actor.summary]))
        if all(w in text for w in words):
            found.append(actor)
    return sorted(found, key=lambda a: (fold(a.name), a.id))
