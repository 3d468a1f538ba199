"""Filtering events and resolving actor names, without the CLI."""

import pytest

from cold_war_cli.dates import between, parse_user_date
from cold_war_cli.errors import LookupFailed
from cold_war_cli.query import EventFilter, resolve_actor, select_events


def ids(matches):
    return [m.event.id for m in matches]


def span(a, b=None):
    return between(parse_user_date(a), parse_user_date(b or a))


def test_no_filter_lists_everything_in_start_end_id_order(mini):
    found = select_events(mini, EventFilter())
    assert len(found) == len(mini.events)
    keys = [(m.event.start, m.event.end, m.event.id) for m in found]
    assert keys == sorted(keys)


def test_whole_years_at_both_ends(mini):
    found = ids(select_events(mini, EventFilter(when=span("1959", "1961"))))
    assert found[0] == "cuban-revolution-victory" and found[-1] == "operation-mongoose"
    assert "beria-executed" not in found


def test_overlap_is_marked_partial_and_strict_drops_it(mini):
    loose = {m.event.id: m.partial for m in select_events(mini, EventFilter(when=span("1960-10")))}
    assert loose == {"sino-soviet-split": True, "late-1960": True, "sixties": True}
    assert ids(select_events(mini, EventFilter(when=span("1960-10"), strict=True))) == []
    assert ids(select_events(mini, EventFilter(when=span("1960"), strict=True))) == ["sino-soviet-split", "late-1960"]


def test_bounds_decide_matching(mini):
    assert "late-1960" not in ids(select_events(mini, EventFilter(when=span("1960-03"))))
    assert "late-1960" in ids(select_events(mini, EventFilter(when=span("1960-11"))))


def test_every_actor_must_take_part(mini):
    both = ids(select_events(mini, EventFilter(actor_ids=("kennedy", "khrushchev"))))
    assert both == ["vienna-summit"]
    assert ids(select_events(mini, EventFilter(actor_ids=("kennedy",)))) == ["vienna-summit", "operation-mongoose"]


@pytest.mark.parametrize("word, expected", [
    ("VIENNA", ["vienna-summit"]),            # case
    ("gomulka", ["late-1960"]),               # accents and ł, through actor names
    ("chruschtschow", ["sino-soviet-split", "vienna-summit"]),  # actor aliases
    ("covert-action", ["operation-mongoose"]),  # tags
    ("secret trial", ["beria-executed"]),     # summary
])
def test_keywords_match_title_summary_tags_and_actor_names(mini, word, expected):
    assert ids(select_events(mini, EventFilter(keywords=(word,)))) == expected


def test_all_keywords_must_match(mini):
    assert ids(select_events(mini, EventFilter(keywords=("kennedy", "castro")))) == ["operation-mongoose"]
    assert ids(select_events(mini, EventFilter(keywords=("kennedy", "beria")))) == []


def test_tags_are_all_required(mini):
    assert ids(select_events(mini, EventFilter(tags=("cuba",)))) == ["cuban-revolution-victory", "operation-mongoose"]
    assert ids(select_events(mini, EventFilter(tags=("cuba", "revolution")))) == ["cuban-revolution-victory"]


def test_sort_by_end_reverse_and_limit(mini):
    by_end = select_events(mini, EventFilter(sort="end"))
    assert [m.event.end for m in by_end] == sorted(m.event.end for m in by_end)
    assert ids(by_end)[-1] == "sixties"
    latest_first = ids(select_events(mini, EventFilter(reverse=True, limit=2)))
    assert latest_first == ["operation-mongoose", "vienna-summit"]
    assert select_events(mini, EventFilter(limit=0)) == []


@pytest.mark.parametrize("name, actor_id", [
    ("khrushchev", "khrushchev"),
    ("Nikita Khrushchev", "khrushchev"),
    ("KHRUSHCHYOV", "khrushchev"),
    ("Chruschtschow", "khrushchev"),
    ("Никита Хрущёв", "khrushchev"),
    ("Gomulka", "gomulka"),
    ("Władysław Gomułka", "gomulka"),
    ("jfk", "kennedy"),
    ("kennedy", "kennedy"),                   # the id wins over RFK's surname
    ("Fidel", "castro"),                      # a whole word of a name
    ("bobby kennedy", "robert-kennedy"),
])
def test_actor_names_resolve_regardless_of_case_and_accents(mini, name, actor_id):
    match = resolve_actor(mini, name)
    assert match.actor.id == actor_id
    assert match.guessed_from is None


def test_a_close_misspelling_resolves_and_says_so(mini):
    match = resolve_actor(mini, "khruschev")
    assert match.actor.id == "khrushchev" and match.guessed_from == "khruschev"


def test_unknown_names_fail_with_suggestions(mini):
    with pytest.raises(LookupFailed) as caught:
        resolve_actor(mini, "kastrovitch")
    assert "no actor matches 'kastrovitch'" in str(caught.value)
    with pytest.raises(LookupFailed) as caught:
        resolve_actor(mini, "zzzzzz")
    assert caught.value.suggestions == []


def test_a_shared_name_lists_the_candidates(mini):
    with pytest.raises(LookupFailed) as caught:
        resolve_actor(mini, "F")  # no actor is called just F; word match finds two
    assert "robert-kennedy" in str(caught.value) and "kennedy (John F. Kennedy)" in str(caught.value)


def test_roles_know_their_terms(mini):
    premier = mini.actors["khrushchev"].roles[1]
    assert premier.held_during(parse_user_date("1960-06-01"))
    assert premier.held_during(parse_user_date("1964-10-14"))
    assert not premier.held_during(parse_user_date("1958-03-26"))


def test_every_part_of_every_shipped_event_is_found_by_its_words():
    """The index holds the title, aliases, summary, tags, places and actor names of each event: the last word of
    each part, as a keyword, finds the event."""
    from cold_war_cli.dataset import load
    from cold_war_cli.text import fold

    from cold_war_cli.query import where

    data = load()
    for event in data.events[::7]:
        names = [n for a in event.actor_ids for n in data.actors[a].names[1:]]
        for part in (event.title, *event.aliases, event.summary, *event.tags, *event.places, *names):
            words = fold(part).split()
            if words:
                condition = where(EventFilter(keywords=(words[-1],)), data.db)
                found = data.db.execute(f"SELECT count(*) FROM events AS e WHERE e.id = ? AND {condition.sql}",
                                        (event.id, *condition.params)).fetchone()[0]
                assert found == 1, (event.id, part)


def test_a_keyword_never_spans_two_parts(mini):
    assert ids(select_events(mini, EventFilter(keywords=("vienna summit kennedy",)))) == []  # title, then an actor
    assert ids(select_events(mini, EventFilter(keywords=("vienna summit",)))) == ["vienna-summit"]


def test_actor_names_as_the_store_lists_them_are_the_actors_own():
    from cold_war_cli.dataset import load

    data = load()
    assert sorted((i, n, tuple(a)) for i, n, a in data.actor_names()) == \
        sorted((a.id, a.name, tuple(a.aliases)) for a in data.actors.values())
