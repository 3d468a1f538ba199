"""The cache folder cannot be turned against the user: nothing planted in it redirects a write, crashes or hangs
cwc, or outlives a killed run; what cwc writes there is private."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cold_war_cli import cache
from cold_war_cli.dataset import load
from tests.conftest import MINI

ROOT = MINI.parent.parent.parent


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CWC_CACHE_DIR", str(folder))
    return folder


def snapshot_name() -> str:
    return cache.database_name(MINI.read_bytes())


def test_snapshots_and_their_folder_are_private(cache_folder, tmp_path):
    private = tmp_path / "private.json"
    private.write_bytes(MINI.read_bytes())
    private.chmod(0o600)
    load(private)
    assert stat.S_IMODE(cache_folder.stat().st_mode) == 0o700
    (snap,) = cache_folder.glob("*.db")
    assert stat.S_IMODE(snap.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757, 0o1777])
def test_a_folder_others_can_write_is_not_used(cache_folder, mode):
    cache_folder.mkdir()
    cache_folder.chmod(mode)
    assert load(MINI).events
    assert list(cache_folder.iterdir()) == []


def test_a_folder_owned_by_someone_else_is_not_used(cache_folder, monkeypatch):
    cache_folder.mkdir(mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(cache_folder).st_uid + 1)
    assert load(MINI).events
    assert list(cache_folder.iterdir()) == []


def test_links_planted_at_every_name_cwc_could_write_redirect_nothing(cache_folder, tmp_path):
    """The old temporary names (.NAME.PID.tmp) for the next process ids, and the snapshot's own name: a write through
    any of them would replace the victim file."""
    cache_folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    name = snapshot_name()
    pid = os.getpid()
    for other in range(pid - 50, pid + 200):
        (cache_folder / f".{name}.{other}.tmp").symlink_to(victim)
    (cache_folder / name).symlink_to(victim)
    record = Path(cache._stat_record(str(MINI)))
    record.symlink_to(victim)
    assert load(MINI).events and load(MINI).events
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not (cache_folder / name).is_symlink() and (cache_folder / name).stat().st_size > 0


@pytest.mark.parametrize("planted", ["dev-zero", "fifo", "directory", "link-to-snapshot"])
def test_what_is_not_a_regular_snapshot_file_is_never_read(cache_folder, tmp_path, planted):
    cache_folder.mkdir(mode=0o700)
    target = cache_folder / snapshot_name()
    if planted == "dev-zero":
        target.symlink_to("/dev/zero")
    elif planted == "fifo":
        os.mkfifo(target)
    elif planted == "directory":
        target.mkdir()
    else:
        good = tmp_path / "good.db"
        load(MINI)  # writes a real snapshot, moved elsewhere and linked back
        target.rename(good)
        target.symlink_to(good)
    assert cache.open_database(target.name) is None
    with_cache = [e.id for e in load(MINI).events]
    os.environ["CWC_NO_CACHE"] = "1"
    try:
        assert with_cache == [e.id for e in load(MINI).events]
    finally:
        del os.environ["CWC_NO_CACHE"]


def test_a_database_truncated_while_it_is_read_is_an_error_not_a_crash_and_the_command_rebuilds(cache_folder, run):
    import sqlite3

    from cold_war_cli import store

    expected = [e.id for e in load(MINI).events]
    db = cache.open_database(snapshot_name())
    os.truncate(cache_folder / snapshot_name(), 2048)
    with pytest.raises(sqlite3.DatabaseError):
        list(store.Store(str(MINI), db).events)
    result = run("events", "--plain")
    assert result.exit_code == 0 and [line.split("\t")[2] for line in result.stdout.splitlines()] == expected


@pytest.mark.parametrize("forgery", ["other format", "counts disagree", "no tables", "empty tables"])
def test_a_forged_database_is_rebuilt(cache_folder, forgery):
    import sqlite3

    expected = [e.id for e in load(MINI).events]
    path = cache_folder / snapshot_name()
    db = sqlite3.connect(path)
    if forgery == "other format":
        db.execute("UPDATE meta SET value = 'cwc-store-0' WHERE key = 'format'")
    elif forgery == "counts disagree":
        db.execute("DELETE FROM events WHERE rowid = (SELECT max(rowid) FROM events)")
    elif forgery == "no tables":
        db.executescript("DROP TABLE meta; DROP TABLE events;")
    else:
        db.executescript("DELETE FROM meta; DELETE FROM events;")
    db.commit()
    db.close()
    assert [e.id for e in load(MINI).events] == expected


def test_an_interrupted_write_leaves_no_temporary_file(cache_folder, monkeypatch):
    from cold_war_cli import store

    real = store._index_words

    def interrupted(db):
        os.kill(os.getpid(), signal.SIGTERM)  # made a KeyboardInterrupt while the database is built
        return real(db)

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(store, "_index_words", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load(MINI)
    assert signal.getsignal(signal.SIGTERM) is before
    assert [p for p in cache_folder.iterdir() if not p.name.endswith(cache.STAT_SUFFIX)] == []


def test_temporary_files_left_by_killed_runs_are_removed_later(cache_folder, tmp_path):
    cache_folder.mkdir(mode=0o700)
    stale = cache_folder / f".{'0' * 40}.db.abcdef{cache.TEMPORARY}"
    fresh = cache_folder / f".{'1' * 40}.db.abcdef{cache.TEMPORARY}"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"x" * 1000)
    old = time.time() - cache.STALE_AFTER - 60
    os.utime(stale, (old, old))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**json.loads(MINI.read_text(encoding="utf-8")), "events": []}), encoding="utf-8")
    load(other)  # any run that writes a snapshot tidies the folder
    assert not stale.exists() and fresh.exists()


def test_a_run_killed_with_sigkill_while_writing_leaves_what_a_later_run_removes(cache_folder, tmp_path):
    """kill -9 cannot be caught: the temporary file stays until it is stale, then goes."""
    big = tmp_path / "big.json"
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    template = raw["events"][2]
    raw["events"] = [dict(template, id=f"copy-{i:06d}", summary="A summary. " * 40) for i in range(60000)]
    big.write_text(json.dumps(raw), encoding="utf-8")
    env = {**os.environ, "CWC_CACHE_DIR": str(cache_folder)}
    child = subprocess.Popen([sys.executable, "-m", "cold_war_cli", "--data", str(big), "events", "--json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT))
    deadline = time.time() + 60
    while time.time() < deadline and not list(cache_folder.glob(f"*{cache.TEMPORARY}")):
        time.sleep(0.005)
    child.kill()
    child.wait()
    leftovers = list(cache_folder.glob(f"*{cache.TEMPORARY}"))
    if not leftovers:
        pytest.skip("the run finished writing before it could be killed")
    old = time.time() - cache.STALE_AFTER - 60
    for leftover in leftovers:
        os.utime(leftover, (old, old))
    load(MINI)
    assert not list(cache_folder.glob(f"*{cache.TEMPORARY}"))


@pytest.mark.parametrize("args", [["events"], ["events", "--json"], ["show", "beria-executed"], ["--help"],
                                  ["--version"], ["export", "ics"], ["completion", "bash"]])
def test_a_full_disk_on_stdout_is_one_line_and_status_1(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cold_war_cli", "--data", str(MINI), *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60, cwd=str(ROOT))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == ["Error: cannot write the output: No space left on device"]


def test_the_suite_and_the_programs_it_starts_use_a_temporary_cache(tmp_path_factory):
    from tests.test_terminal import base_env

    temporary = str(tmp_path_factory.getbasetemp())
    assert os.environ["CWC_CACHE_DIR"].startswith(temporary)
    assert base_env()["CWC_CACHE_DIR"].startswith(temporary)
