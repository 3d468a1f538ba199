"""cwc as a real process: `python -m`, pipes that close early, and the built wheel installed outside the checkout."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent


def run_module(*args, cwd=None, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "cold_war_cli", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120,
                          **kwargs)


def test_python_dash_m_runs_the_same_cli():
    result = run_module("--data", str(MINI), "events", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 7


def test_a_reader_that_closes_early_ends_quietly_with_status_0(tmp_path):
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    template = raw["events"][1]
    raw["events"] = [dict(template, id=f"copy-{i}") for i in range(3000)]  # far more than a pipe buffer
    big = tmp_path / "big.json"
    big.write_text(json.dumps(raw), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cold_war_cli", "--data", str(big), "events", "--nl"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.stdout.readline().startswith(b"{")
    proc.stdout.close()  # what `head -1` does
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert err == b""


def test_the_hard_exit_at_the_end_loses_no_output(tmp_path):
    """`run` skips the interpreter's teardown: everything written must still arrive, to a file or a pipe."""
    from cold_war_cli.dataset import load

    shipped = len(load().events)
    listing = tmp_path / "all.json"
    with open(listing, "wb") as handle:  # a file: fully buffered, so only an explicit flush saves it
        status = subprocess.run([sys.executable, "-m", "cold_war_cli", "events", "--json"], stdout=handle,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120).returncode
    assert status == 0 and len(json.loads(listing.read_text(encoding="utf-8"))) == shipped
    assert len(run_module("events", "--nl").stdout.splitlines()) == shipped
    calendar = tmp_path / "all.ics"
    result = run_module("export", "ics", "-o", str(calendar))
    assert result.returncode == 0 and calendar.read_bytes().endswith(b"END:VCALENDAR\r\n")


@pytest.mark.parametrize("args, status", [(["show", "no-such-event"], 1), (["events", "--from", "banana"], 2),
                                          (["who", "nobody-at-all-xyz"], 1), (["tags"], 0)])
def test_a_real_process_exits_with_the_documented_status(args, status):
    result = run_module(*args)
    assert result.returncode == status
    assert (result.stderr.count("\n") == 1) is (status != 0)


def test_a_profiler_still_gets_to_write_its_report(tmp_path):
    report = tmp_path / "run.prof"
    result = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(report), "-m", "cold_war_cli", "tags"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0 and "cuba" in result.stdout
    assert report.stat().st_size > 0


def test_closed_standard_streams_get_the_documented_status_not_a_traceback():
    def closed(fd, *args):
        """Run cwc with descriptor `fd` closed (as `>&-` or `2>&-` would), capturing the other stream."""
        other = {"stdout": subprocess.PIPE} if fd == 2 else {"stderr": subprocess.PIPE}
        return subprocess.run([sys.executable, "-m", "cold_war_cli", *args], stdin=subprocess.DEVNULL, timeout=120,
                              preexec_fn=lambda: os.close(fd), **other)

    no_stdout = closed(1, "tags")
    assert no_stdout.returncode == 1
    assert no_stdout.stderr.decode().strip() == "Error: cannot write the output: standard output is closed"
    no_stderr = closed(2, "events", "--from", "banana")
    assert no_stderr.returncode == 2 and no_stderr.stdout == b""
    assert closed(2, "tags").returncode == 0


def test_usage_error_from_a_real_process_is_one_line():
    result = run_module("events", "--from", "1962-02-30")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_built_wheel_carries_the_data_and_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("cold_war_cli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "cold_war_cli/data/events.json" in names
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "cwc = cold_war_cli.cli:run" in entry_points
    shipped = json.loads((ROOT / "data" / "events.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(wheel) as archive:
        assert json.loads(archive.read("cold_war_cli/data/events.json")) == shipped

    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-2000:]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"PYTHONPATH": str(target), "CWC_DATA": ""}
    where = subprocess.run([sys.executable, "-c", "from importlib.resources import files; "
                            "from cold_war_cli.dataset import default_path; print(default_path()); "
                            "print(files('cold_war_cli') / 'data' / 'events.json')"],
                           capture_output=True, text=True, cwd=outside, env={**os.environ, **env})
    ours, resources = where.stdout.split()
    assert ours.startswith(str(target)) and ours == resources, where.stdout + where.stderr
    result = run_module("events", "--from", "1959", "--to", "1961", "--json", cwd=outside, env=env)
    assert result.returncode == 0, result.stderr
    from cold_war_cli.dataset import load
    from cold_war_cli.dates import between, parse_user_date
    from cold_war_cli.query import EventFilter, select_events

    expected = select_events(load(ROOT / "data" / "events.json"),
                             EventFilter(when=between(parse_user_date("1959"), parse_user_date("1961"))))
    assert [row["id"] for row in json.loads(result.stdout)] == [m.event.id for m in expected]
    assert expected


def test_shell_completion_through_the_real_entry_point():
    env = {"_CWC_COMPLETE": "bash_complete", "COMP_WORDS": "cwc who khrushch", "COMP_CWORD": "2",
           "CWC_DATA": str(MINI)}
    result = subprocess.run([sys.executable, "-c", "from cold_war_cli.cli import cli; cli(prog_name='cwc')"],
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "plain,khrushchev" in result.stdout.splitlines()


def test_a_json_listing_imports_nothing_it_does_not_need(tmp_path, monkeypatch):
    """Start-up is mostly imports: a JSON listing in a pipe, from a built database, loads no table renderer, date
    parser, msgspec, search, the lazily added commands, or pathlib (with the urllib.parse it brings, a twentieth
    of start-up)."""
    monkeypatch.setenv("CWC_CACHE_DIR", str(tmp_path / "cache"))
    code = ("import sys; before = set(sys.modules); from cold_war_cli.cli import cli; "
            "cli(['events', '--on', '1962-10-27', '--json'], standalone_mode=False); "
            "unwanted = {'rich', 'dateparser', 'msgspec', 'pathlib', 'urllib.parse', 'cold_war_cli.cli_timeline', "
            "'cold_war_cli.cli_cite', 'cold_war_cli.search'}; "
            "loaded = (set(sys.modules) - before) & unwanted; assert not loaded, sorted(loaded)")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # builds the database
    assert first.returncode == 1 and "msgspec" in first.stderr  # so the check sees what it should
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)
