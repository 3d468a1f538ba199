"""Questions asked of a dataset: which actor is meant by a name, which events match a set of filters."""

from __future__ import annotations


from cold_war_cli.dates import DayRange
from cold_war_cli.errors import LookupFailed
from cold_war_cli.models import Actor, Dataset, Event, Role
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
    for actor in dataset.actors.values():
        for name in actor.names:
            keys.setdefault(fold(name), set()).add(actor.id)
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


def actor_events(dataset: Dataset, actor: Actor) -> list[Event]:
    return [event for event in dataset.events if actor.id in event.actor_ids]


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


class _Haystacks:
    """Folded searchable text per event, built once per query run. An actor's names and a tag are folded once
    for all the events that share them: on a large dataset that is most of the text."""

    __slots__ = ("dataset", "cache", "tags", "actors")

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.cache: dict[str, str] = {}
        self.tags: dict[str, str] = {}  # tag -> folded
        self.actors: dict[str, str] = {}  # actor id -> folded names, " | " between them

    def text(self, event: Event) -> str:
        if event.id not in self.cache:
            parts = [fold(event.title), *(fold(alias) for alias in event.aliases), fold(event.summary)]
            parts += [self._tag(tag) for tag in event.tags]
            parts += [self._actor(actor_id) for actor_id in event.actor_ids]
            self.cache[event.id] = " " + " | ".join(parts) + " "
        return self.cache[event.id]

    def _tag(self, tag: str) -> str:
        if tag not in self.tags:
            self.tags[tag] = fold(tag)
        return self.tags[tag]

    def _actor(self, actor_id: str) -> str:
        if actor_id not in self.actors:
            actor = self.dataset.actor(actor_id)
            self.actors[actor_id] = " | ".join(fold(name) for name in (actor.names if actor else (actor_id,)))
        return self.actors[actor_id]


def select_events(dataset: Dataset, wanted: EventFilter) -> list[EventMatch]:
    """The events that pass every filter, in the asked order."""
    keywords = [fold(k) for k in wanted.keywords]
    tags = {fold(t) for t in wanted.tags}
    haystacks = _Haystacks(dataset)
    found = []
    for event in dataset.events:
        partial = False
        if wanted.when is not None:
            if not wanted.when.overlaps(event.range):
                continue
            partial = not wanted.when.contains(event.range)
            if partial and wanted.strict:
                continue
        if wanted.actor_ids and not all(a in event.actor_ids for a in wanted.actor_ids):
            continue
        if tags and not tags.issubset({fold(t) for t in event.tags}):
            continue
        if wanted.disputed and not event.alt_dates:
            continue
        if keywords and not all(k in haystacks.text(event) for k in keywords):
            continue
        found.append(EventMatch(event, partial))
    if wanted.sort == "end":
        found.sort(key=lambda m: (m.event.end, m.event.start, m.event.id))
    elif wanted.sort != "start":
        raise ValueError(f"unknown sort key {wanted.sort!r}")  # dataset events are already in start order
    if wanted.reverse:
        found.reverse()
    if wanted.limit is not None:
        found = found[: wanted.limit]
    return found


# ---------------------------------------------------------------------------------------- lookups


def find_event(dataset: Dataset, event_id: str) -> Event:
    """One event by its id, in any case (ids are lower-case slugs); a missing id fails with the closest ids."""
    wanted_id = event_id.strip().lower()
    for event in dataset.events:
        if event.id == wanted_id:
            return event
    import difflib

    wanted = fold(event_id).replace(" ", "-")

    def likeness(candidate: str) -> float:
        # Compare with the whole id and with its start, so 'viena' finds 'vienna-summit'.
        head = candidate[: len(wanted) + 1]
        return max(difflib.SequenceMatcher(None, wanted, candidate).ratio(),
                   difflib.SequenceMatcher(None, wanted, head).ratio() - 0.05)

    scored = sorted(((likeness(e.id), e.id) for e in dataset.events), key=lambda item: (-item[0], item[1]))
    close = [event_id_ for score, event_id_ in scored[:3] if score >= SUGGEST_RATIO]
    raise LookupFailed(f"no event has the id '{event_id}'", close)


def related_events(dataset: Dataset, event: Event, limit: int = 5, within_days: int = 730) -> list[Event]:
    """Events that share actors with this one and lie close to it in time, best first.

    A shared person counts twice as much as a shared state or organization (the superpowers take part in most
    events, so sharing them says little); ties go to the nearer event.
    """
    mine = set(event.actor_ids)
    scored = []
    for other in dataset.events:
        shared = mine.intersection(other.actor_ids)
        if other.id == event.id or not shared:
            continue
        distance = abs((other.start - event.start).days)
        if distance > within_days:
            continue
        weight = sum(2 if (a := dataset.actor(i)) and a.kind == "person" else 1 for i in shared)
        scored.append((-weight, distance, other.id, other))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


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
