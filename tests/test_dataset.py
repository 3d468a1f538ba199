"""Loading and validating dataset files, without the CLI."""

import copy

import pytest

from cold_war_cli.dataset import default_path, load, problems
from cold_war_cli.errors import DatasetError


def test_mini_dataset_loads_in_date_order(mini):
    starts = [(e.start, e.end, e.id) for e in mini.events]
    assert starts == sorted(starts)
    assert mini.actors["khrushchev"].roles[1].title.startswith("Premier")


def test_bounds_narrow_a_vague_date(mini):
    event = next(e for e in mini.events if e.id == "late-1960")
    assert (event.start.isoformat(), event.end.isoformat()) == ("1960-09-01", "1960-12-31")
    assert event.precision == "year"


def test_default_path_is_the_repository_copy_in_a_checkout():
    assert default_path().endswith("events.json")
    assert load().events


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\xff\xfe{}", "is not UTF-8"),
        ('{"schema_version": 1,\n  "sources": [', "line 2, column"),
        ("[]", "top level: expected an object"),
        ('{"schema_version": 1, "sources": [], "actors": [], "events": []}', "schema_version 1 is not supported"),
        ('{"schema_version": 1, "sources": [], "actors": []}', "missing required field 'events'"),
    ],
)
def test_unreadable_files_fail_with_one_message_naming_the_file(write_dataset, content, expected):
    path = write_dataset(content)
    with pytest.raises(DatasetError) as caught:
        load(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DatasetError, match="not found: .*nope.json"):
        load(tmp_path / "nope.json")
    with pytest.raises(DatasetError, match="is a directory"):
        load(tmp_path)


def test_deeply_nested_json_is_a_clean_error(write_dataset):
    path = write_dataset("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DatasetError):
        load(path)


def _broken(raw, mutate):
    raw = copy.deepcopy(raw)
    mutate(raw)
    return raw


def _event(raw, event_id):
    return next(e for e in raw["events"] if e["id"] == event_id)


BREAKAGES = {
    "missing title": (lambda r: _event(r, "vienna-summit").pop("title"),
                      "event 'vienna-summit': missing required field 'title'"),
    "missing sources": (lambda r: _event(r, "vienna-summit").pop("sources"),
                        "event 'vienna-summit': missing required field 'sources'"),
    "empty sources": (lambda r: _event(r, "vienna-summit").update(sources=[]), "non-empty list"),
    "bad date": (lambda r: _event(r, "vienna-summit").update(date="June 1961"), "event 'vienna-summit' date"),
    "impossible date": (lambda r: _event(r, "vienna-summit").update(date="1961-02-29"), "has no day 29"),
    "unknown actor": (lambda r: _event(r, "vienna-summit")["actors"].append("nobody"), "unknown actor 'nobody'"),
    "unknown source": (lambda r: _event(r, "vienna-summit")["sources"].append({"id": "ghost"}),
                       "unknown source 'ghost'"),
    "duplicate event": (lambda r: r["events"].append(copy.deepcopy(_event(r, "vienna-summit"))),
                        "event 'vienna-summit': duplicate id"),
    "duplicate actor": (lambda r: r["actors"].append(copy.deepcopy(r["actors"][0])), "duplicate id 'khrushchev'"),
    "bounds outside": (lambda r: _event(r, "late-1960").update(bounds={"earliest": "1959-12-01", "latest": "1960-12-31"}),
                       "lies outside"),
    "bounds reversed": (lambda r: _event(r, "late-1960").update(bounds={"earliest": "1960-12-01", "latest": "1960-11-01"}),
                        "latest is before earliest"),
    "typo field": (lambda r: _event(r, "vienna-summit").update(sorces=[]), "unknown field 'sorces'"),
    "wrong type": (lambda r: _event(r, "vienna-summit").update(tags="summit"), "field 'tags' must be a list"),
    "bad id": (lambda r: _event(r, "vienna-summit").update(id="Vienna Summit"), "must be lower-case"),
    "bad alt date": (lambda r: _event(r, "beria-executed")["alt_dates"][0].update(date="7 Dec 1953"),
                     "alt_dates[0] date"),
    "bad role": (lambda r: r["actors"][0]["roles"][0].update(end="1950"), "ends (1950) before it starts"),
    "bad kind": (lambda r: r["actors"][0].update(kind="robot"), "kind 'robot'"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_problem_is_named_by_load_and_by_validate(mini_raw, write_dataset, name):
    mutate, expected = BREAKAGES[name]
    path = write_dataset(_broken(mini_raw, mutate))
    with pytest.raises(DatasetError) as caught:
        load(path)
    assert expected in str(caught.value)
    found = problems(path)
    assert any(expected in p for p in found), found


def test_validate_lists_every_problem_not_just_the_first(mini_raw, write_dataset):
    def mutate(raw):
        for name in ("missing title", "unknown actor", "bad date", "unknown source"):
            BREAKAGES[name][0](raw)
        _event(raw, "operation-mongoose").pop("summary")

    found = problems(write_dataset(_broken(mini_raw, mutate)))
    assert len(found) == 5
    assert any("operation-mongoose" in p and "'summary'" in p for p in found)
    assert any("vienna-summit" in p for p in found)


def test_the_mini_dataset_has_no_problems():
    from tests.conftest import MINI

    assert problems(MINI) == []
