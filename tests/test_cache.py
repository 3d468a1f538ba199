"""Snapshots of loaded datasets: same answers as a fresh read, never stale, never in the way."""

import json
import os
import stat

import pytest

from cold_war_cli import cache, decode, schema
from cold_war_cli.dataset import default_path, load, parse_json
from cold_war_cli.dates import between, parse_user_date
from cold_war_cli.query import EventFilter, select_events
from tests.conftest import MINI


def snapshot_files(folder):
    return sorted(p.name for p in folder.glob("*.snap")) if folder.exists() else []


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CWC_CACHE_DIR", str(folder))
    return folder


def same_dataset(a, b):
    assert a.sources == b.sources
    assert a.actors == b.actors
    assert a.events == b.events


@pytest.mark.parametrize("batch", [1, 3, decode.BATCH])
@pytest.mark.parametrize("path", [str(MINI), default_path()])
def test_fast_decoder_builds_exactly_what_the_careful_reader_builds(path, batch, monkeypatch):
    monkeypatch.setattr(decode, "BATCH", batch)
    data = open(path, "rb").read()
    careful = schema.build(parse_json(data, path), path, lambda where, message: pytest.fail(f"{where}: {message}"))
    same_dataset(decode.snapshot(data).dataset(path), careful)


@pytest.mark.parametrize("path", [str(MINI), default_path()])
def test_a_snapshot_gives_back_the_same_dataset(cache_folder, path):
    fresh = load(path)
    assert len(snapshot_files(cache_folder)) == 1
    same_dataset(load(path), fresh)


def test_a_partial_load_answers_date_queries_like_a_full_one(cache_folder):
    full = load()
    for first, last in [("1959", "1961"), ("1962-10-27", "1962-10-27"), ("1945", "1945"), ("1960s", "1960s"),
                        ("1991-12", "1991-12"), ("2001", "2001")]:
        when = between(parse_user_date(first), parse_user_date(last))
        partial = load(within=when)  # from the snapshot
        wanted = EventFilter(when=when)
        assert [m.event for m in select_events(partial, wanted)] == [m.event for m in select_events(full, wanted)]
        assert len(partial.events) <= len(full.events)


def test_a_changed_file_never_meets_its_old_snapshot(cache_folder, tmp_path, mini_raw):
    path = tmp_path / "events.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    before = os.stat(path)
    assert load(path).events[0].title == "Beria shot [sic]"
    mini_raw["events"][4]["title"] = "Beria shot"  # same size? no matter: the name is the content's hash
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old modification time
    assert load(path).events[0].title == "Beria shot"
    assert len(snapshot_files(cache_folder)) == 2


def test_a_broken_file_is_never_cached(cache_folder, write_dataset):
    path = write_dataset('{"schema_version": 2, "sources": [], "actors": [], "events": [{"id": "x"}]}')
    for _ in range(2):
        with pytest.raises(Exception, match="missing required field"):
            load(path)
    assert snapshot_files(cache_folder) == []


def test_read_only_cache_folder_only_costs_speed(tmp_path, monkeypatch, run):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("CWC_CACHE_DIR", str(folder))
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        result = run("events", "--json")
        assert result.exit_code == 0 and len(json.loads(result.stdout)) == 7 and result.stderr == ""
        assert snapshot_files(folder) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_unusable_cache_location_only_costs_speed(tmp_path, monkeypatch, run):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CWC_CACHE_DIR", str(blocker / "cwc"))
    result = run("events", "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 7 and result.stderr == ""


def test_a_corrupt_snapshot_is_ignored(cache_folder):
    fresh = load(MINI)
    (snapshot,) = cache_folder.glob("*.snap")
    snapshot.write_bytes(b"CWCSNAP1" + b"\xff" * 40)
    same_dataset(load(MINI), fresh)
    snapshot.write_bytes(b"garbage")
    same_dataset(load(MINI), fresh)


def test_no_cache_when_asked(cache_folder, monkeypatch):
    monkeypatch.setenv("CWC_NO_CACHE", "1")
    load(MINI)
    assert snapshot_files(cache_folder) == []


def test_snapshot_names_depend_on_content_and_version(monkeypatch):
    import cold_war_cli

    first = cache.snapshot_name(b"{}")
    assert cache.snapshot_name(b"{} ") != first
    monkeypatch.setattr(cold_war_cli, "__version__", "0.0.0-other")
    assert cache.snapshot_name(b"{}") != first


def test_the_fast_path_knows_every_whitespace_character():
    assert set(decode._SPACES) == {i for i in range(0x110000) if chr(i).isspace()}


@pytest.mark.parametrize("code", decode._SPACES)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_blank_text_is_never_accepted_by_the_fast_path(mini_raw, code, ascii_only):
    mini_raw["events"][0]["title"] = chr(code) * 2
    mini_raw["actors"][0]["aliases"] = ["x", chr(code)]
    with pytest.raises(decode.NotFast):
        decode.snapshot(json.dumps(mini_raw, ensure_ascii=ascii_only).encode())


def test_upper_case_escapes_of_blank_text_are_caught_too(mini_raw):
    data = json.dumps(mini_raw).encode().replace(b'"Vienna summit"', b'"\\u00A0\\u3000"')
    with pytest.raises(decode.NotFast):
        decode.snapshot(data)


def test_old_snapshots_are_pruned_least_recently_used_first(cache_folder, tmp_path, mini_raw, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    paths = []
    for n in range(3):
        mini_raw["events"][0]["title"] = f"Variant {n}"
        path = tmp_path / f"v{n}.json"
        path.write_text(json.dumps(mini_raw), encoding="utf-8")
        paths.append(path)
        load(path)
        if n == 1:
            os.utime(next(iter(sorted(cache_folder.glob("*.snap")))), ns=(0, 0))  # make one look old
            load(paths[0])  # a hit refreshes the first file's snapshot
    assert len(snapshot_files(cache_folder)) == 2
    names = {cache.snapshot_name(p.read_bytes()) for p in (paths[0], paths[2])}
    assert set(snapshot_files(cache_folder)) == names


def test_actors_only_load_skips_events(cache_folder):
    load(MINI)
    for _ in range(2):  # from a fresh read and from the snapshot
        partial = load(MINI, events=False)
        assert partial.events == [] and "khrushchev" in partial.actors


@pytest.fixture(params=["json", "msgspec"])
def chunk_reader(request, monkeypatch):
    """Run a test with chunks decoded either way (msgspec decodes them from MSGSPEC_FROM events on)."""
    monkeypatch.setattr(cache, "MSGSPEC_FROM", 0 if request.param == "msgspec" else 10**9)
    return request.param


@pytest.fixture(params=["whole", "by-chunk"])
def snapshot_access(request, monkeypatch):
    """Run a test with snapshots read whole or a chunk at a time (from WHOLE_BELOW bytes on)."""
    monkeypatch.setattr(cache, "WHOLE_BELOW", 1 << 40 if request.param == "whole" else 0)
    return request.param


def test_both_chunk_readers_give_back_the_same_dataset(cache_folder, chunk_reader, snapshot_access):
    fresh = load()
    assert len(snapshot_files(cache_folder)) == 1
    same_dataset(load(), fresh)
    when = between(parse_user_date("1962-10"), parse_user_date("1962-10"))
    wanted = EventFilter(when=when)
    assert [m.event for m in select_events(load(within=when), wanted)] == \
           [m.event for m in select_events(fresh, wanted)]


def test_every_shipped_event_survives_the_round_trip_through_its_json_object():
    for event in load().events:
        assert cache._event(json.loads(json.dumps(cache.event_object(event)))) == event


def test_a_file_only_the_careful_reader_accepts_is_snapshotted_too(cache_folder, tmp_path, mini_raw):
    mini_raw["events"][0]["title"] = "Beria shot \U0001F52B"
    path = tmp_path / "escaped.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")  # a surrogate pair escape sends it to the careful reader
    with pytest.raises(decode.NotFast):
        decode.snapshot(path.read_bytes())
    fresh = load(path)
    (changed,) = [e for e in fresh.events if e.id == mini_raw["events"][0]["id"]]
    assert changed.title == "Beria shot \U0001F52B"
    assert len(snapshot_files(cache_folder)) == 1
    same_dataset(load(path), fresh)


def test_a_repeated_key_means_the_same_on_both_paths_and_in_the_snapshot(cache_folder, tmp_path, mini_raw):
    path = tmp_path / "repeated.json"
    text = json.dumps(mini_raw).replace('"title": "Vienna summit"', '"title": "First", "title": "Vienna summit"', 1)
    assert text.count('"First"') == 1
    path.write_text(text, encoding="utf-8")
    careful = schema.build(parse_json(path.read_bytes(), str(path)), str(path), lambda *problem: pytest.fail(str(problem)))
    same_dataset(decode.snapshot(path.read_bytes()).dataset(str(path)), careful)
    same_dataset(load(path), careful)
    same_dataset(load(path), careful)  # from the snapshot


@pytest.mark.parametrize("where", ["first chunk", "middle", "last chunk", "header", "header length", "checksum",
                                   "cut short", "cut to the magic"])
def test_damage_anywhere_in_a_snapshot_is_caught_by_either_reader(cache_folder, chunk_reader, snapshot_access,
                                                                  where):
    fresh = load()
    (snapshot,) = cache_folder.glob("*.snap")
    raw = bytearray(snapshot.read_bytes())
    header_size = int.from_bytes(raw[-12:-4], "little")
    spot = {"first chunk": len(cache.MAGIC) + 10, "middle": len(raw) // 2, "last chunk": len(raw) - 12 - header_size - 5,
            "header": len(raw) - 12 - header_size // 2, "header length": len(raw) - 9, "checksum": len(raw) - 2}
    if where in spot:
        raw[spot[where]] ^= 0x5A
    elif where == "cut short":
        del raw[len(raw) // 2 : len(raw) // 2 + 100]
    else:
        raw = raw[: len(cache.MAGIC)]
    snapshot.write_bytes(bytes(raw))
    same_dataset(load(), fresh)
    # A damaged snapshot is written anew, and then read as a good one.
    assert snapshot.read_bytes() != bytes(raw)
    same_dataset(load(), fresh)


@pytest.mark.parametrize("change", ["repeat the first id", "name an unknown actor", "cite an unknown source",
                                   "give an impossible alt date"])
def test_a_problem_in_a_later_batch_is_not_missed(mini_raw, monkeypatch, change):
    monkeypatch.setattr(decode, "BATCH", 2)
    last = mini_raw["events"][-1]
    if change == "repeat the first id":
        last["id"] = mini_raw["events"][0]["id"]
    elif change == "name an unknown actor":
        last["actors"] = ["nobody-at-all"]
    elif change == "cite an unknown source":
        last["sources"] = [{"id": "no-such-source"}]
    else:
        last["alt_dates"] = [{"date": "1962-02-30", "sources": [{"id": mini_raw["sources"][0]["id"]}]}]
    with pytest.raises(decode.NotFast):
        decode.snapshot(json.dumps(mini_raw).encode())


def test_actors_from_a_snapshot_behave_as_a_dict_does(cache_folder):
    fresh = load(MINI)
    actors = load(MINI).actors  # built from the snapshot's rows as they are looked up
    assert type(actors) is not dict and actors == fresh.actors and dict(actors) == fresh.actors
    assert len(actors) == len(fresh.actors) and list(actors) == list(fresh.actors)
    assert "khrushchev" in actors and "nobody" not in actors and actors.get("nobody") is None
    assert actors["khrushchev"] is actors["khrushchev"] == fresh.actors["khrushchev"]
    with pytest.raises(KeyError):
        actors["nobody"]


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5])
def test_hashing_a_file_as_a_stream_gives_the_same_name(tmp_path, size):
    path = tmp_path / "blob"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    with open(path, "rb", buffering=0) as handle:
        assert cache.snapshot_name_of(handle) == cache.snapshot_name(path.read_bytes())


def test_a_streamed_file_that_changes_before_it_is_read_is_snapshotted_under_its_new_content(
        cache_folder, tmp_path, mini_raw, monkeypatch):
    from cold_war_cli import dataset

    monkeypatch.setattr(dataset, "STREAM_FROM", 0)  # every file is hashed as a stream
    path = tmp_path / "events.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    old_name = cache.snapshot_name(path.read_bytes())
    changed = dict(mini_raw, events=mini_raw["events"][:3])
    hash_stream = cache.snapshot_name_of

    def hash_then_change(handle):
        name = hash_stream(handle)
        path.write_text(json.dumps(changed), encoding="utf-8")  # someone saves the file just after it was hashed
        return name

    monkeypatch.setattr(cache, "snapshot_name_of", hash_then_change)
    assert len(load(path).events) == 3
    assert snapshot_files(cache_folder) == [cache.snapshot_name(path.read_bytes())]
    monkeypatch.setattr(cache, "snapshot_name_of", hash_stream)
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    assert len(load(path).events) == 7  # the old content never meets the new content's snapshot
    assert old_name in snapshot_files(cache_folder)
    same_dataset(load(path), load(MINI))


def test_actor_lookups_with_a_default_behave_as_a_dict_does(cache_folder):
    load(MINI)
    actors = load(MINI).actors
    marker = object()
    assert actors.get("nobody", marker) is marker and actors.get("nobody") is None
    assert actors.get("khrushchev", marker) is actors["khrushchev"]
