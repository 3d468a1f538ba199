"""Each dataset's database in the cache: same answers as a fresh read, never stale, never in the way."""

import json
import os
import stat

import pytest

from cold_war_cli import cache, decode, schema, store
from cold_war_cli.dataset import default_path, load, parse_json
from cold_war_cli.dates import between, parse_user_date
from cold_war_cli.query import EventFilter, select_events
from tests.conftest import MINI


def snapshot_files(folder):
    return sorted(p.name for p in folder.glob("*.db")) if folder.exists() else []


def stored(data: bytes, path: str):
    """The dataset as the fast reader's contents make it, in a database in memory."""
    return store.Store(path, store.in_memory(decode.contents(data)))


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CWC_CACHE_DIR", str(folder))
    return folder


class Whole:
    """A dataset's records read out of its store, so that what happens to the database later cannot change them."""

    def __init__(self, data):
        self.sources, self.actors, self.events = dict(data.sources), dict(data.actors), list(data.events)


def same_dataset(a, b):
    assert dict(a.sources) == dict(b.sources)
    assert dict(a.actors) == dict(b.actors)
    assert list(a.events) == list(b.events)


@pytest.mark.parametrize("batch", [1, 3, decode.BATCH])
@pytest.mark.parametrize("path", [str(MINI), default_path()])
def test_fast_decoder_builds_exactly_what_the_careful_reader_builds(path, batch, monkeypatch):
    monkeypatch.setattr(decode, "BATCH", batch)
    data = open(path, "rb").read()
    careful = schema.build(parse_json(data, path), path, lambda where, message: pytest.fail(f"{where}: {message}"))
    same_dataset(stored(data, path), careful)


@pytest.mark.parametrize("path", [str(MINI), default_path()])
def test_a_snapshot_gives_back_the_same_dataset(cache_folder, path):
    fresh = load(path)
    assert len(snapshot_files(cache_folder)) == 1
    same_dataset(load(path), fresh)


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
    fresh = Whole(load(MINI))
    (snapshot,) = cache_folder.glob("*.db")
    snapshot.write_bytes(b"SQLite format 3\x00" + b"\xff" * 40)
    same_dataset(load(MINI), fresh)
    snapshot.write_bytes(b"garbage")
    same_dataset(load(MINI), fresh)


def test_no_cache_when_asked(cache_folder, monkeypatch):
    monkeypatch.setenv("CWC_NO_CACHE", "1")
    load(MINI)
    assert snapshot_files(cache_folder) == []


def test_snapshot_names_depend_on_content_and_version(monkeypatch):
    import cold_war_cli

    first = cache.database_name(b"{}")
    assert cache.database_name(b"{} ") != first
    monkeypatch.setattr(cold_war_cli, "__version__", "0.0.0-other")
    assert cache.database_name(b"{}") != first


def test_the_fast_path_knows_every_whitespace_character():
    assert set(decode._SPACES) == {i for i in range(0x110000) if chr(i).isspace()}


@pytest.mark.parametrize("code", decode._SPACES)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_blank_text_is_never_accepted_by_the_fast_path(mini_raw, code, ascii_only):
    mini_raw["events"][0]["title"] = chr(code) * 2
    mini_raw["actors"][0]["aliases"] = ["x", chr(code)]
    with pytest.raises(decode.NotFast):
        decode.contents(json.dumps(mini_raw, ensure_ascii=ascii_only).encode())


def test_upper_case_escapes_of_blank_text_are_caught_too(mini_raw):
    data = json.dumps(mini_raw).encode().replace(b'"Vienna summit"', b'"\\u00A0\\u3000"')
    with pytest.raises(decode.NotFast):
        decode.contents(data)


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
            os.utime(next(iter(sorted(cache_folder.glob("*.db")))), ns=(0, 0))  # make one look old
            load(paths[0])  # a hit refreshes the first file's snapshot
    assert len(snapshot_files(cache_folder)) == 2
    names = {cache.database_name(p.read_bytes()) for p in (paths[0], paths[2])}
    assert set(snapshot_files(cache_folder)) == names


def test_every_shipped_event_survives_the_round_trip_through_its_json_object():
    for event in load().events:
        assert store.event_from(json.loads(json.dumps(store.event_object(event)))) == event


def test_a_file_only_the_careful_reader_accepts_is_snapshotted_too(cache_folder, tmp_path, mini_raw):
    mini_raw["events"][0]["title"] = "Beria shot \U0001F52B"
    path = tmp_path / "escaped.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")  # a surrogate pair escape sends it to the careful reader
    with pytest.raises(decode.NotFast):
        decode.contents(path.read_bytes())
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
    same_dataset(stored(path.read_bytes(), str(path)), careful)
    same_dataset(load(path), careful)
    same_dataset(load(path), careful)  # from the snapshot


@pytest.mark.parametrize("where", ["header", "meta page", "cut short", "cut to a few bytes", "empty"])
def test_a_damaged_database_is_rebuilt(cache_folder, where):
    fresh = Whole(load())
    (database,) = cache_folder.glob("*.db")
    raw = bytearray(database.read_bytes())
    if where == "header":
        raw[:16] = b"not sqlite at al"
    elif where == "meta page":
        page = int.from_bytes(raw[16:18], "big")  # the second page starts one page size in (file header)
        raw[page : page + 512] = b"\xff" * 512
    elif where == "cut short":
        del raw[len(raw) // 2 :]
    elif where == "cut to a few bytes":
        raw = raw[:10]
    else:
        raw = b""
    database.write_bytes(bytes(raw))
    same_dataset(load(), fresh)
    # A damaged database is built anew, and then read as a good one.
    assert database.read_bytes() != bytes(raw)
    same_dataset(load(), fresh)


def test_a_database_damaged_where_only_a_query_finds_it_is_rebuilt_by_the_command(cache_folder, run):
    """Damage deep in a table passes the check made on opening; the query that meets it must not end in a
    traceback: the command removes the database and runs again from the data file."""
    expected = run("events", "--json", "--data", str(MINI)).stdout
    (database,) = cache_folder.glob("*.db")
    db = __import__("sqlite3").connect(database)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    raw = bytearray(database.read_bytes())
    for page in range(2, pages):  # every page but the first (the schema) and the meta table's
        raw[page * size - size + 100 : page * size - 8] = b"\x00\xff" * ((size - 108) // 2)
    database.write_bytes(bytes(raw))
    result = run("events", "--json", "--data", str(MINI))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected


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
        decode.contents(json.dumps(mini_raw).encode())


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
        assert cache.database_name_of(handle) == cache.database_name(path.read_bytes())


def test_a_streamed_file_that_changes_before_it_is_read_is_snapshotted_under_its_new_content(
        cache_folder, tmp_path, mini_raw, monkeypatch):
    from cold_war_cli import dataset

    monkeypatch.setattr(dataset, "STREAM_FROM", 0)  # every file is hashed as a stream
    path = tmp_path / "events.json"
    path.write_text(json.dumps(mini_raw), encoding="utf-8")
    old_name = cache.database_name(path.read_bytes())
    changed = dict(mini_raw, events=mini_raw["events"][:3])
    hash_stream = cache.database_name_of

    def hash_then_change(handle):
        name = hash_stream(handle)
        path.write_text(json.dumps(changed), encoding="utf-8")  # someone saves the file just after it was hashed
        return name

    monkeypatch.setattr(cache, "database_name_of", hash_then_change)
    assert len(load(path).events) == 3
    assert snapshot_files(cache_folder) == [cache.database_name(path.read_bytes())]
    monkeypatch.setattr(cache, "database_name_of", hash_stream)
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
