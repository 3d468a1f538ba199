"""cwc on a real terminal (a pseudo-terminal through pexpect) and in real pipes: tables and colour, the colour
switches (NO_COLOR, FORCE_COLOR, TERM=dumb, --color), table width, the pager, `| head -1`, and a read-only
installation with a read-only home."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import MINI

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
SGR = re.compile(r"\x1b\[[0-9;]*m")
BOX = ("┏", "┃", "━", "│", "└")

pytestmark = pytest.mark.slow


def base_env(**extra) -> dict:
    """The machine's environment without anything that decides colour, width, paging or the dataset."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "PAGER", "MANPAGER", "LESS", "CWC_DATA",
                        "PYTHONDONTWRITEBYTECODE", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    env.pop("PYTHONIOENCODING", None)
    env.update({k: v for k, v in extra.items() if v is not None})
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
    return env


def pty_env(**extra) -> dict:
    """As base_env, with PAGER=cat (paging off) unless a test sets its own: an interactive less would wait."""
    return base_env(**{"PAGER": "cat", **extra})


def in_pty(*args, rows=200, cols=100, env=None, data=MINI):
    """Run cwc on a pseudo-terminal of this size; returns (output with CRLF made LF, exit status)."""
    argv = ["-m", "cold_war_cli"] + (["--data", str(data)] if data else []) + list(args)
    child = pexpect.spawn(sys.executable, argv, env=env or pty_env(), dimensions=(rows, cols), encoding="utf-8",
                          codec_errors="replace", timeout=30, cwd=str(ROOT))
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.signalstatus is None, child.signalstatus
    return output.replace("\r\n", "\n"), child.exitstatus


def piped(*args, env=None, data=MINI):
    argv = [sys.executable, "-m", "cold_war_cli"] + (["--data", str(data)] if data else []) + list(args)
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", stdin=subprocess.DEVNULL,
                          env=env or base_env(), timeout=60, cwd=str(ROOT))


def fits(text: str, width: int) -> bool:
    return all(cell_len(ANSI.sub("", line)) <= width for line in text.split("\n"))


# ===================================================================================== tables and colour


def test_a_terminal_gets_a_coloured_table():
    out, status = in_pty("events")
    assert status == 0
    assert all(ch in out for ch in BOX[:4]), out[:500]
    assert SGR.search(out), "no colour on a terminal"
    assert "\x1b[36m" in out or "\x1b[32m" in out  # the date (cyan) and actor (green) columns
    assert "Vienna summit" in out and "Batista flees" in out


def test_a_terminal_table_shows_the_partial_mark_and_caption():
    out, status = in_pty("events", "--on", "1960-10")
    assert status == 0
    assert "≈" in out and "reach outside" in out


@pytest.mark.parametrize("env_extra, args", [
    ({"NO_COLOR": "1"}, []),
    ({"TERM": "dumb"}, []),
    ({}, ["--color", "never"]),
    ({"FORCE_COLOR": "1"}, ["--color", "never"]),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, []),
], ids=["NO_COLOR", "TERM=dumb", "--color never", "--color never beats FORCE_COLOR", "NO_COLOR beats FORCE_COLOR"])
def test_no_colour_switches_on_a_terminal(env_extra, args):
    out, status = in_pty_global(args, ["events"], pty_env(**env_extra))
    assert status == 0
    assert "┃" in out, "still a table on a terminal"
    assert "\x1b[" not in out, repr(out[:300])


def in_pty_global(global_args, args, env):
    """cwc GLOBAL_OPTIONS --data MINI ARGS on a terminal (global options go before the command)."""
    argv = ["-m", "cold_war_cli", *global_args, "--data", str(MINI), *args]
    child = pexpect.spawn(sys.executable, argv, env=env, dimensions=(200, 100), encoding="utf-8",
                          codec_errors="replace", timeout=30, cwd=str(ROOT))
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    return output.replace("\r\n", "\n"), child.exitstatus


def test_no_color_set_but_empty_keeps_colour():
    out, status = in_pty("events", env=pty_env(NO_COLOR=""))
    assert status == 0 and SGR.search(out)


def test_color_always_on_a_terminal():
    out, status = in_pty_global(["--color", "always"], ["events"], pty_env(NO_COLOR="1"))
    assert status == 0 and SGR.search(out)


def test_a_pipe_gets_plain_text_without_colour():
    result = piped("events")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "┃" not in result.stdout
    assert all(len(line.split("\t")) == 5 for line in result.stdout.splitlines())


@pytest.mark.parametrize("how", ["--color always", "FORCE_COLOR=1", "FORCE_COLOR=yes"])
def test_colour_can_be_forced_into_a_pipe(how):
    if how.startswith("--"):
        result = piped("--color", "always", "--data", str(MINI), "events", "--table", data=None)
    else:
        name, value = how.split("=")
        result = piped("events", "--table", env=base_env(**{name: value}))
    assert result.returncode == 0, result.stderr
    assert SGR.search(result.stdout), repr(result.stdout[:200])
    assert "┃" in result.stdout


@pytest.mark.parametrize("value", ["0", "", "false"])
def test_force_color_zero_or_empty_does_not_colour_a_pipe(value):
    result = piped("events", "--table", env=base_env(FORCE_COLOR=value))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("args", [["events", "--json"], ["events", "--plain"], ["events", "--csv"], ["events", "--nl"],
                                  ["who", "khrushchev", "--plain"], ["export", "ics"]])
def test_forced_colour_never_touches_data_formats(args):
    result = piped("--color", "always", "--data", str(MINI), *args, data=None, env=base_env(FORCE_COLOR="1"))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    if args[-1] == "--json":
        assert len(json.loads(result.stdout)) == 7


def test_data_formats_on_a_terminal_have_no_colour():
    out, status = in_pty("events", "--json")
    assert status == 0
    assert "\x1b" not in out
    assert len(json.loads(out)) == 7


@pytest.mark.parametrize("cols", [40, 80, 200])
@pytest.mark.parametrize("args", [["events"], ["who", "khrushchev"], ["show", "beria-executed"], ["actors"],
                                  ["stats", "--by", "actor"], ["who", "--role", "premier"]],
                         ids=lambda a: "-".join(a))
def test_tables_stay_within_the_terminal_width(args, cols):
    out, status = in_pty(*args, cols=cols)
    assert status == 0
    assert out.strip()
    assert fits(out, cols), "\n".join(l for l in out.split("\n") if cell_len(ANSI.sub("", l)) > cols)


def test_a_wide_terminal_keeps_each_event_on_two_lines_its_title_and_its_id():
    out, status = in_pty("events", cols=200)
    assert status == 0
    rows = [l for l in ANSI.sub("", out).split("\n") if l.startswith("│")]
    assert len(rows) == 14
    ids = [row.split("│")[2].strip() for row in rows[1::2]]
    assert "vienna-summit" in ids and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids


def test_a_narrow_terminal_wraps_instead_of_cutting():
    out, status = in_pty("events", cols=40)
    assert status == 0
    text = re.sub(r"[│┃\s]+", "", ANSI.sub("", out))
    assert "Operation" in text and "Mongoose" in text and "authorized" in text
    assert "…" not in out


# ===================================================================================== the pager


@pytest.fixture
def pager(tmp_path):
    """A PAGER that records its input and $LESS instead of showing anything."""
    marker = tmp_path / "paged.txt"
    less = tmp_path / "less-env.txt"

    def env(**extra):
        return base_env(PAGER=f"sh -c 'printf %s \"$LESS\" > {less}; cat > {marker}'", **extra)

    env.marker, env.less = marker, less
    return env


def test_pager_flag_on_a_terminal_pages(pager):
    out, status = in_pty("events", "--pager", env=pager())
    assert status == 0
    assert pager.marker.exists(), out
    paged = pager.marker.read_text(encoding="utf-8")
    assert "Vienna summit" in paged and "┃" in paged
    assert "Vienna summit" not in out  # it went to the pager, not straight to the terminal
    assert pager.less.read_text() == "FRX"  # less gets -F -R -X unless LESS is set


def test_pager_keeps_a_users_less_setting(pager):
    out, status = in_pty("events", "--pager", env=pager(LESS="-S"))
    assert status == 0
    assert pager.less.read_text() == "-S"


def test_pager_flag_in_a_pipe_never_pages(pager):
    result = piped("events", "--pager", env=pager())
    assert result.returncode == 0, result.stderr
    assert not pager.marker.exists()
    assert "Vienna summit" in result.stdout


def test_tall_output_on_a_terminal_pages_by_default(pager):
    out, status = in_pty("events", rows=10, env=pager())
    assert status == 0
    assert pager.marker.exists(), out
    assert "Vienna summit" in pager.marker.read_text(encoding="utf-8")


def test_no_pager_flag_prints_tall_output_directly(pager):
    out, status = in_pty("events", "--no-pager", rows=10, env=pager())
    assert status == 0
    assert not pager.marker.exists()
    assert "Vienna summit" in out


def test_short_output_on_a_terminal_does_not_page(pager):
    out, status = in_pty("events", "--on", "1953", rows=40, env=pager())
    assert status == 0
    assert not pager.marker.exists()
    assert "Beria" in out


@pytest.mark.parametrize("command", ["cat", "/nonexistent/pager-program"])
def test_pager_cat_or_missing_prints_directly(command):
    out, status = in_pty("events", "--pager", rows=10, env=base_env(PAGER=command))
    assert status == 0
    assert "Vienna summit" in out


def test_the_default_pager_is_less_and_quits_on_its_own():
    """No PAGER: `less` with LESS=FRX, which prints output that fits and exits without a key press."""
    if shutil.which("less") is None:
        pytest.skip("no less on this machine")
    out, status = in_pty("events", "--pager", rows=60, env=base_env())
    assert status == 0
    assert "Vienna summit" in out


def test_tall_json_on_a_terminal_is_paged_but_whole(pager):
    out, status = in_pty("events", "--json", rows=10, env=pager())
    assert status == 0
    paged = pager.marker.read_text(encoding="utf-8") if pager.marker.exists() else out
    assert len(json.loads(paged)) == 7


# ===================================================================================== | head -1


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory):
    raw = json.loads(MINI.read_text(encoding="utf-8"))
    template = raw["events"][2]  # operation-mongoose: kennedy and castro
    raw["events"] = [dict(template, id=f"copy-{i:05d}", summary="A summary. " * 20) for i in range(4000)]
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [
    ["events", "--json"], ["events", "--table"], ["events", "--csv"], ["events"], ["events", "--fields", "id,title"],
    ["who", "kennedy", "--json"], ["who", "kennedy", "--table"], ["export", "ics"], ["export", "markdown"],
    ["export", "timelinejs"],
], ids=lambda a: "-".join(a))
def test_head_one_ends_quietly_with_status_zero(big_dataset, args, tmp_path):
    err = tmp_path / "err.txt"
    command = " ".join([sys.executable, "-m", "cold_war_cli", "--data", str(big_dataset), *args])
    script = f"{command} 2>{err} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                            env=base_env(COLUMNS="120"), cwd=str(ROOT))
    assert result.stdout.strip() == "0", (result.stdout, err.read_text())
    assert err.read_text() == ""


@pytest.mark.parametrize("args", [["events", "--json"], ["events", "--table"], ["events"], ["who", "kennedy"],
                                  ["export", "markdown"], ["completion", "bash"]], ids=lambda a: "-".join(a))
def test_a_reader_gone_before_the_first_write_ends_quietly_with_status_zero(big_dataset, args):
    """Closing the pipe before cwc writes makes the first write fail for sure (with `| head`, a large write may
    only be cut short, which Python does not report)."""
    proc = subprocess.Popen([sys.executable, "-m", "cold_war_cli", "--data", str(big_dataset), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=base_env(COLUMNS="120"), cwd=str(ROOT))
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert err == b""


def test_head_one_gets_the_first_record(big_dataset):
    script = f"{sys.executable} -m cold_war_cli --data {big_dataset} events --nl | head -1"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, env=base_env())
    assert json.loads(result.stdout)["id"] == "copy-00000"


# ===================================================================================== read-only installation


def _drop_root_powers() -> list[str]:
    """As root, file permissions do not stop writes: run without the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder would not stop writes")
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and cannot drop the capabilities that bypass file permissions")
    return prefix


def _read_only(path: Path) -> None:
    for folder, dirs, files in os.walk(path):
        for name in files:
            target = Path(folder) / name
            target.chmod(target.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    for folder, dirs, files in sorted(os.walk(path), key=lambda w: -len(w[0])):
        Path(folder).chmod(Path(folder).stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture
def read_only_install(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "cold_war_cli", site / "cold_war_cli", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "cold_war_cli" / "data").mkdir()
    shutil.copy(ROOT / "data" / "events.json", site / "cold_war_cli" / "data" / "events.json")  # as in the wheel
    shutil.copy(MINI, site / "mini.json")
    home = tmp_path / "home"
    home.mkdir()
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    for folder in (site, home, cwd):
        _read_only(folder)
    yield site, home, cwd
    for folder in (site, home, cwd):
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def _run_read_only(site, home, cwd, *args):
    env = base_env(PYTHONPATH=str(site), HOME=str(home), XDG_CACHE_HOME=None, XDG_CONFIG_HOME=None,
                   XDG_DATA_HOME=None, CWC_TODAY="1962-10-27", PYTHONPYCACHEPREFIX=None, CWC_CACHE_DIR=None,
                   CWC_NO_CACHE=None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([*_drop_root_powers(), sys.executable, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, cwd=str(cwd), timeout=120)


def test_the_read_only_folders_really_are_read_only(read_only_install):
    site, home, cwd = read_only_install
    result = _run_read_only(site, home, cwd, "-c", f"open({str(home / 'x')!r}, 'w')")
    assert result.returncode != 0 and "PermissionError" in result.stderr


def test_a_writable_home_gets_the_cache_that_a_read_only_one_must_do_without(read_only_install, tmp_path):
    """The control for the next test: with a writable home, cwc keeps its snapshot in ~/.cache/cwc (README,
    CWC_CACHE_DIR), so a read-only home really takes something away."""
    site, home, cwd = read_only_install
    writable = tmp_path / "writable-home"
    writable.mkdir()
    result = _run_read_only(site, writable, cwd, "-m", "cold_war_cli", "events", "--json")
    assert result.returncode == 0, result.stderr
    assert list((writable / ".cache" / "cwc").glob("*.db")), sorted(writable.rglob("*"))


def test_a_read_only_installation_and_home_work(read_only_install):
    site, home, cwd = read_only_install
    where = _run_read_only(site, home, cwd, "-c", "import cold_war_cli, sys; print(cold_war_cli.__file__); "
                           "print(sys.flags.dont_write_bytecode)")
    assert where.returncode == 0, where.stderr
    assert where.stdout.split()[0].startswith(str(site)), where.stdout
    assert where.stdout.split()[1] == "0"  # Python tries to write bytecode, and cannot

    for args in (["events", "--from", "1959", "--to", "1961", "--json"],
                 ["events", "--from", "March 1958", "--to", "Oct 27, 1962"],  # English dates load dateparser
                 ["events", "--from", "27th of October 1962", "--table"],
                 ["who", "khrushchev", "--json"],
                 ["today", "--json"],
                 ["stats", "--by", "decade"],
                 ["export", "ics"],
                 ["completion", "bash"],
                 ["validate"],
                 ["--data", str(site / "mini.json"), "events", "--json"]):
        result = _run_read_only(site, home, cwd, "-m", "cold_war_cli", *args)
        assert result.returncode == 0, (args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr and "Permission" not in result.stderr, (args, result.stderr)
        assert result.stdout.strip() or (args == ["validate"] and "OK" in result.stderr), args
        if args[-1] == "--json":
            json.loads(result.stdout)
    assert not list(site.rglob("__pycache__")) and not any(home.iterdir()) and not any(cwd.iterdir())


def test_a_read_only_installation_reports_errors_cleanly(read_only_install):
    site, home, cwd = read_only_install
    result = _run_read_only(site, home, cwd, "-m", "cold_war_cli", "export", "ics", "-o", str(cwd / "out.ics"))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot write") and len(result.stderr.splitlines()) == 1
    result = _run_read_only(site, home, cwd, "-m", "cold_war_cli", "--data", str(home / "nope.json"), "events")
    assert result.returncode == 1 and "not found" in result.stderr


def test_a_malformed_pager_command_does_not_crash():
    out, status = in_pty("events", "--pager", rows=10, env=base_env(PAGER="less '"))
    assert "Traceback" not in out
    assert status == 0 and "Vienna summit" in out


# ===================================================================================== interrupts and hostile text


def test_ctrl_c_while_reading_the_data_exits_130(tmp_path):
    """The data file is a FIFO: cwc blocks reading it, so the interrupt surely arrives mid-run."""
    fifo = tmp_path / "events.json"
    os.mkfifo(fifo)
    child = pexpect.spawn(sys.executable, ["-m", "cold_war_cli", "--data", str(fifo), "events"], env=pty_env(),
                          dimensions=(50, 100), encoding="utf-8", codec_errors="replace", timeout=30, cwd=str(ROOT))
    with open(fifo, "w"):  # returns once cwc has opened the FIFO for reading
        child.sendintr()
        child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus, child.before)
    assert "Interrupted." in child.before and "Traceback" not in child.before


@pytest.mark.parametrize("cols", [40, 200])
def test_a_dataset_with_terminal_escapes_is_refused_on_a_real_terminal(tmp_path, cols):
    from tests.test_hostile import RAW_CONTROL, hostile_dataset

    data = tmp_path / "hostile.json"
    data.write_text(json.dumps(hostile_dataset(), ensure_ascii=False), encoding="utf-8")
    for args in (["events", "--on", "1962-10"], ["who", "actor-controls"], ["show", "hostile-osc"]):
        out, status = in_pty(*args, cols=cols, data=data)
        assert status == 1, out
        assert "control character" in out and "Traceback" not in out, out
        assert not RAW_CONTROL.findall(SGR.sub("", out).replace("\n", "")), out


@pytest.mark.parametrize("cols", [40, 200])
def test_hostile_text_on_a_real_terminal(tmp_path, cols):
    from tests.test_hostile import CONTROL_KEYS, RAW_CONTROL, hostile_dataset

    raw = hostile_dataset()  # what the loader accepts: rich markup, emoji codes, a very long word, right-to-left text
    raw["events"] = [e for e in raw["events"] if e["id"].removeprefix("hostile-") not in CONTROL_KEYS]
    raw["actors"] = [a for a in raw["actors"] if a["id"].removeprefix("actor-") not in CONTROL_KEYS]
    raw["sources"][-1]["authors"] = [{"literal": "Hostile Press"}]
    data = tmp_path / "hostile.json"
    data.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    for args in (["events", "--on", "1962-10"], ["who", "actor-markup"], ["show", "hostile-markup"]):
        out, status = in_pty(*args, cols=cols, data=data)
        assert status == 0, out
        assert SGR.search(out)
        leftover = RAW_CONTROL.findall(SGR.sub("", out).replace("\n", ""))
        assert not leftover, sorted(set(leftover))
        assert fits(out, cols)
