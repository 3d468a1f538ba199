"""The world on a date: who held the main offices, what was going on, what came just before and after, and which
of those dates are disputed (`cwc at`)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from cold_war_cli.dates import DayRange
from cold_war_cli.models import Dataset, Event
from cold_war_cli.query import EventFilter, Tenure, select_events
from cold_war_cli.text import fold
from cold_war_cli.value import Value

MAIN_POWERS = ("usa", "ussr", "uk", "france", "prc", "west-germany", "east-germany")
ORGANIZATIONS = ("un", "nato")
# Titles often name a country by its adjective ("Soviet Minister of Foreign Affairs", "US Secretary of State").
ADJECTIVES = {"usa": ("us", "u.s.", "american"), "ussr": ("soviet",), "uk": ("british",), "france": ("french",),
              "prc": ("chinese", "china"), "west-germany": ("west german",), "east-germany": ("east german",)}
# The offices `cwc at` lists: heads of state and government, foreign ministers, party leaders, and the heads of the
# UN and NATO. A title counts when, past a country adjective, it begins with one of these.
KEY_OFFICES = ("president of", "prime minister of", "premier of", "chancellor of", "chairman of the presidium",
               "chairman of the state council", "chairman of the people's republic", "chairman of the chinese",
               "chairman of the communist party", "chairman of the council of ministers",
               "chairman of the supreme soviet", "first secretary of the", "general secretary of the",
               "secretary of state", "foreign minister", "foreign secretary", "minister of foreign affairs",
               "secretary-general of the united nations", "acting secretary-general of the united nations",
               "secretary general of nato", "head of state")
_LEADING_ADJECTIVE = re.compile(r"^(?:us|u s|soviet|british|french|chinese|west german|east german)\s+")


class Nearby(Value):
    """An event within the window, `days` from the asked date (negative: before; 0: on it)."""

    __slots__ = ("event", "days")

    def __init__(self, event: Event, days: int):
        self.event, self.days = event, days


class WorldView(Value):
    __slots__ = ("when", "window", "office", "going_on", "nearby", "disputed", "nearest_before", "nearest_after")

    def __init__(self, when: DayRange, window: DayRange, office: list[tuple[str, Tenure]], going_on: list[Event],
                 nearby: list[Nearby], disputed: list[Event], nearest_before: Nearby | None,
                 nearest_after: Nearby | None):
        self.when, self.window, self.office, self.going_on = when, window, office, going_on
        self.nearby, self.disputed = nearby, disputed
        self.nearest_before, self.nearest_after = nearest_before, nearest_after


def default_around(when: DayRange) -> int:
    """Days either side: 3 around a day, none around a longer period."""
    return 3 if when.precision == "day" else 0


_FOLDED_OFFICES = tuple(fold(office) for office in KEY_OFFICES)  # as titles fold: "people's" is "peoples"


def is_key_office(title: str) -> bool:
    folded = _LEADING_ADJECTIVE.sub("", fold(title))
    return folded.startswith(_FOLDED_OFFICES)


def country_names(dataset: Dataset, actor_id: str) -> tuple[str, ...]:
    """The folded names a title may call this state or organization by."""
    actor = dataset.actor(actor_id)
    names = (actor.name, *actor.aliases) if actor else ()
    return tuple(fold(n) for n in (*names, *ADJECTIVES.get(actor_id, ())) if len(n) > 1)


def names_country(title: str, names: tuple[str, ...]) -> bool:
    folded = fold(title)
    return any(re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", folded) for name in names)


def place_of(dataset: Dataset, title: str, names: dict[str, tuple[str, ...]]) -> str | None:
    """The state or organization a title names: the one whose matching name is longest, so that 'President of the
    Republic of China' is Taiwan's office although it also says 'China'."""
    best, length = None, 0
    for place, place_names in names.items():
        for name in place_names:
            if len(name) > length and names_country(title, (name,)):
                best, length = place, len(name)
    return best


def holders(dataset: Dataset, place_ids: tuple[str, ...], when: DayRange) -> list[tuple[str, Tenure]]:
    """(place id, tenure) for every key office of these states and organizations held during `when`."""
    found = []
    # States, and the UN and NATO: a party's name ('Communist Party of the Soviet Union') must not take the office.
    names = {a.id: country_names(dataset, a.id) for a in dataset.actors.values()
             if a.kind == "state" or a.id in ORGANIZATIONS}
    wanted = set(place_ids)
    for actor in dataset.actors.values():
        for role in actor.roles:
            if not role.held_during(when) or not is_key_office(role.title):
                continue
            place = place_of(dataset, role.title, names)
            if place in wanted:
                found.append((place, Tenure(actor, role)))
    order = {place: i for i, place in enumerate(place_ids)}
    found.sort(key=lambda item: (order[item[0]], item[1].role.start.start, item[1].actor.id))
    return found


def world_at(dataset: Dataset, when: DayRange, around: int) -> WorldView:
    window = DayRange(_shift(when.start, -around), _shift(when.end, around), when.precision)
    low, high = window.start.toordinal(), window.end.toordinal()
    close = [m.event for m in select_events(dataset, EventFilter(when=window))]
    going_on = [e for e in close if e.range.contains(when) and e.range != when
                and (e.end - e.start).days > (when.end - when.start).days]
    ongoing = {e.id for e in going_on}
    nearby = [Nearby(e, _offset(e, when)) for e in close if e.id not in ongoing]
    nearby.sort(key=lambda n: (abs(n.days), n.days, n.event.start, n.event.id))
    disputed = [e for e in (*going_on, *(n.event for n in nearby)) if e.alt_dates]
    states = [a for e in (*going_on, *(n.event for n in nearby)) for a in e.actor_ids
              if (actor := dataset.actor(a)) is not None and actor.kind == "state" and a not in MAIN_POWERS]
    places = (*MAIN_POWERS, *ORGANIZATIONS, *dict.fromkeys(states))
    before = next(dataset.event_rows('SELECT json FROM events WHERE "end" < ? ORDER BY "end" DESC, id DESC LIMIT 1',
                                     (low,)), None)
    after = next(dataset.event_rows("SELECT json FROM events WHERE start > ? ORDER BY start, id LIMIT 1", (high,)),
                 None)
    return WorldView(when, window, holders(dataset, places, when), going_on, nearby, disputed,
                     Nearby(before, _offset(before, when)) if before else None,
                     Nearby(after, _offset(after, when)) if after else None)


def _offset(event: Event, when: DayRange) -> int:
    """Days from the asked dates to the event: 0 if they overlap, negative before, positive after."""
    if event.end < when.start:
        return (event.end - when.start).days
    if event.start > when.end:
        return (event.start - when.end).days
    return 0


def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
