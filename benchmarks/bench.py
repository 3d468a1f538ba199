#!/usr/bin/env python3
"""Whole-process benchmarks of cwc against a reference, run alternately (A B A B ...) in one run.

    python benchmarks/bench.py [--repeat N] [--cases startup,scale] [--sizes 10000,100000,1000000] [--json OUT]

startup: on the shipped dataset, each case against the floor `python -c 'import click, json'` (same interpreter).
scale:   on synthetic datasets (benchmarks/make_dataset.py), the same date query by cwc and by jq, plus cwc's
         first run on a fresh file (new path, new content) so that any cache cwc keeps is cold.

Every run is a fresh process with stdout to a pipe; its wall time is measured around spawn-to-reap. Peak memory is
measured on runs of their own (or the first, cold run) through GNU time, because Linux starts a forked child's
ru_maxrss at its parent's size: read with os.wait4, every child here would weigh at least what this harness weighs.
Ratios are ratios of medians. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
import make_dataset  # noqa: E402

PY = sys.executable
CWC = [PY, "-m", "cold_war_cli"]
FLOOR = [PY, "-c", "import click, json"]
JQ_FILTER = '[.events[] | select(.date >= "1959" and .date < "1962")]'
CWC_QUERY = ["events", "--from", "1959", "--to", "1961", "--json"]

# name, goal (max ratio case/floor), extra argv, extra env, expected exit status, text stdout must contain
STARTUP_CASES = [
    ("json", 1.3, CWC_QUERY, {}, 0, '"id"'),
    ("table", 2.5, ["events", "--from", "1959", "--to", "1961", "--table"], {"COLUMNS": "120"}, 0, "┃"),
    ("month-names", 1.6, ["events", "--from", "March 1958", "--to", "Oct 1962", "--json"], {}, 0, '"id"'),
    ("garbage-date", 2.0, ["events", "--from", "banana"], {}, 2, None),
    ("completion", 1.3, [], {"_CWC_COMPLETE": "bash_complete", "COMP_WORDS": "cwc who khr", "COMP_CWORD": "2"},
     0, "khrushchev"),
    ("search", 1.5, ["search", "berlin", "wall", "--json"], {}, 0, '"score"'),
]
# Goals for the scale cases, by size: max ratio cwc/jq for repeated runs, for the first run, max peak RSS (MB).
SCALE_GOALS = {100_000: {"repeat": 0.1, "first": 3.0, "rss_mb": 600}}  # #14: dates 0.1x, first read 3x
BIG = 1_000_000  # sizes from here on get --big-repeat runs
DATA_SEED = 0


# ----------------------------------------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float
    rss_kb: int | None  # measured only when asked for (see peak memory in the module's docstring)
    status: int
    stdout: bytes = field(repr=False)
    stderr: bytes = field(repr=False)


CACHE = OUT / "cache"  # XDG_CACHE_HOME for the runs (set in main), so snapshots of the synthetic files stay in out/
USER_CACHE = False  # --user-cache: keep the caller's own cache settings instead
SRC = REPO  # where cold_war_cli/ and data/ are taken from: the checkout, or a --rev snapshot in out/
REV: str | None = None  # the commit of a --rev snapshot


def shipped_data() -> Path:
    return SRC / "data" / "events.json"


def snapshot_rev(rev: str) -> None:
    """Benchmark commit `rev` instead of the working tree: its cold_war_cli/ and data/ are extracted (git archive)
    to out/src-<commit>/, put first on PYTHONPATH for every run (the floor too), with a cache folder of its own."""
    global SRC, CACHE, REV
    import io
    import tarfile

    sha = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.strip()
    dest = OUT / f"src-{sha[:12]}"
    if not (dest / "cold_war_cli" / "__init__.py").is_file():
        tar = subprocess.run(["git", "archive", "--format=tar", sha, "cold_war_cli", "data"], cwd=REPO,
                             capture_output=True, check=True).stdout
        tmp = Path(tempfile.mkdtemp(prefix=".src-", dir=OUT))
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(tmp, filter="data")
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(tmp, dest)
    SRC, CACHE, REV = dest, OUT / f"cache-{sha[:12]}", sha


def base_env(cache_home: Path | None = None) -> dict[str, str]:
    """The caller's environment, less what would change cwc's behaviour between runs.

    Any persistent cache cwc keeps goes under `cache_home` (default benchmarks/out/cache) through XDG_CACHE_HOME,
    not into the caller's ~/.cache, unless --user-cache was given.
    """
    env = dict(os.environ)
    for name in ("CWC_DATA", "_CWC_COMPLETE", "COMP_WORDS", "COMP_CWORD", "COLUMNS", "LINES", "FORCE_COLOR",
                 "PAGER", "CWC_TODAY", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    if not USER_CACHE:
        for name in ("CWC_CACHE_DIR", "CWC_NO_CACHE"):
            env.pop(name, None)
        env["XDG_CACHE_HOME"] = str(cache_home or CACHE)
    if SRC != REPO:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def du_mb(path: Path) -> float:
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total / 1e6


def _gnu_time() -> str | None:
    path = shutil.which("time")  # the program, not the shell keyword
    if path is None:
        return None
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "GNU" in version.stdout + version.stderr else None


GNU_TIME = _gnu_time()
MEMORY_NOTE = ("" if GNU_TIME else
               "GNU time not found (Debian: apt install time): peak memory falls back to wait4's ru_maxrss, which "
               "includes the harness's own size")


def run(argv: list[str], env: dict[str, str], keep_output: bool = False, memory: bool = False) -> Run:
    """One fresh process; wall time from spawn to reap. With `memory`, its peak RSS too, through GNU time (which
    adds its own fork and exec, about a millisecond, to the wall time: so timed series never ask for it)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        command = [GNU_TIME, "-f", "%M", "-o", rss.name, "--", *argv] if memory and GNU_TIME else argv
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env,
                                cwd=SRC)  # `python -m` puts the working folder first on sys.path
        if keep_output:
            out = proc.stdout.read()
        else:  # drain the pipe without keeping tens of megabytes around
            out = b""
            while chunk := proc.stdout.read(1 << 20):
                if len(out) < 4096:
                    out += chunk[:4096]
        _, wait_status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, so Popen must not wait again
        proc.stdout.close()
        err.seek(0)
        stderr = err.read()
        rss_kb = None
        if memory:
            # GNU time writes "Command exited with non-zero status N" first when the status is not 0.
            rss_kb = int(rss.read().split()[-1]) if GNU_TIME else usage.ru_maxrss  # KiB
    return Run(seconds, rss_kb, proc.returncode, out, stderr)


def check(r: Run, what: str, status: int = 0, needle: str | None = None) -> str | None:
    """None if the run did what it should, else why not."""
    if r.status != status:
        tail = r.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return f"{what}: exit {r.status} (expected {status}): {' | '.join(tail)}"
    if needle is not None and needle.encode() not in r.stdout:
        return f"{what}: output lacks {needle!r}: {r.stdout[:200]!r}"
    return None


def summary(values: list[float]) -> dict:
    values = sorted(values)
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {"median": statistics.median(values), "min": values[0], "max": values[-1], "q1": q[0], "q3": q[2],
            "n": len(values)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def verdict(value: float, goal: float | None) -> str:
    if goal is None:
        return ""
    return "PASS" if value <= goal else "MISS"


# ----------------------------------------------------------------------------------------------- startup


def bench_startup(repeat: int) -> list[dict]:
    env0 = base_env()  # also the floor's: same PYTHONPATH
    results = []
    print(f"\n== startup: shipped dataset, {repeat} alternating pairs per case (floor, case, floor, case, ...)")
    print(f"   floor: {shlex.join(FLOOR)}")
    header = f"{'case':<14}{'floor':>9}{'case':>10}{'ratio':>8}{'goal':>7}  {'':4}  {'case q1-q3':>15}  {'RSS floor/case':>15}"
    print(header)
    for name, goal, extra, extra_env, status, needle in STARTUP_CASES:
        env = {**env0, **extra_env}
        argv = CWC + extra
        # One untimed pair first: warms the page cache and the .pyc files for both.
        warm_floor, warm_case = run(FLOOR, env0, memory=True), run(argv, env, keep_output=True, memory=True)
        problem = check(warm_floor, "floor") or check(warm_case, name, status, needle)
        floor_runs, case_runs = [], []
        if problem is None:
            for _ in range(repeat):
                floor_runs.append(run(FLOOR, env0))
                case_runs.append(run(argv, env))
                problem = check(case_runs[-1], name, status) or check(floor_runs[-1], "floor")
                if problem:
                    break
        if problem:
            print(f"{name:<14}ERROR {problem}")
            results.append({"case": name, "argv": argv, "env": extra_env, "goal": goal, "error": problem})
            continue
        f = summary([r.seconds for r in floor_runs])
        c = summary([r.seconds for r in case_runs])
        ratio = c["median"] / f["median"]
        rss_f, rss_c = warm_floor.rss_kb / 1024, warm_case.rss_kb / 1024
        print(f"{name:<14}{ms(f['median']):>9}{ms(c['median']):>10}{ratio:>7.2f}x{goal:>6}x  {verdict(ratio, goal):4}"
              f"  {ms(c['q1']):>7}-{ms(c['q3']):<7}  {f'{rss_f:.0f}/{rss_c:.0f} MB':>15}")
        results.append({
            "case": name, "argv": argv, "env": extra_env, "goal": goal, "floor_s": f, "case_s": c, "ratio": ratio,
            "pass": ratio <= goal, "floor_rss_mb": rss_f, "case_rss_mb": rss_c,
            "per_pair_ratio_median": statistics.median(b.seconds / a.seconds for a, b in zip(floor_runs, case_runs)),
        })
    return results


# ------------------------------------------------------------------------------------------------- scale


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def dataset(n: int) -> Path:
    """The cached synthetic dataset of n events, rebuilt when the shipped data or the generator changed."""
    path = OUT / f"events-{n}.json"
    meta_path = OUT / f"events-{n}.meta.json"
    want = {"events": n, "seed": DATA_SEED, "base_sha256": _sha256(shipped_data()),
            "generator_version": make_dataset.GENERATOR_VERSION}
    try:
        have = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        have = None
    if path.is_file() and have == want:
        print(f"   reusing {path.relative_to(REPO)} ({path.stat().st_size / 1e6:.0f} MB)")
        return path
    started = time.perf_counter()
    make_dataset.build(n, path, seed=DATA_SEED, base=shipped_data())
    meta_path.write_text(json.dumps(want) + "\n")
    print(f"   built {path.relative_to(REPO)} ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")
    return path


def _count(out: bytes) -> int | None:
    try:
        return len(json.loads(out))
    except ValueError:
        return None


def bench_scale(sizes: list[int], repeat: int, big_repeat: int, jq: str) -> list[dict]:
    env = base_env()
    results = []
    print(f"\n== scale: synthetic datasets in {OUT.relative_to(REPO)}/, alternating cwc and jq on the same file")
    print(f"   cwc: {shlex.join(['python', '-m', 'cold_war_cli', '--data', 'FILE', *CWC_QUERY])}")
    print(f"   jq:  {shlex.join([jq, JQ_FILTER, 'FILE'])}")
    for n in sizes:
        reps = big_repeat if n >= BIG else repeat
        goals = SCALE_GOALS.get(n, {})
        print(f"\n-- {n:,} events ({reps} alternating pair{'s' if reps != 1 else ''})")
        path = dataset(n)
        mb = path.stat().st_size / 1e6
        cwc_argv = CWC + ["--data", str(path)] + CWC_QUERY
        jq_argv = [jq, JQ_FILTER, str(path)]
        row: dict = {"events": n, "file_mb": mb, "pairs": reps, "goals": goals}

        # First, cwc's very first run on a fresh file: same size, new content (a seed never used before), new
        # path. Any content-keyed cache cwc keeps is cold for it. Then one jq run on that file for comparison.
        fresh_seed = time.time_ns() % (1 << 31) | 1
        fresh = OUT / f"fresh-{n}-{fresh_seed}.json"
        t0 = time.perf_counter()
        make_dataset.build(n, fresh, seed=fresh_seed, base=shipped_data())
        print(f"   built fresh copy {fresh.name} (seed {fresh_seed}) in {time.perf_counter() - t0:.1f} s")
        # Its cache folder is a new empty one too, removed afterwards with the file.
        fresh_cache = Path(tempfile.mkdtemp(prefix="fresh-cache-", dir=OUT))
        try:
            first = run(CWC + ["--data", str(fresh)] + CWC_QUERY, base_env(fresh_cache), keep_output=True,
                        memory=True)
            first_jq = run([jq, JQ_FILTER, str(fresh)], env, memory=True)
            first_cache_mb = du_mb(fresh_cache)
        finally:
            fresh.unlink(missing_ok=True)
            shutil.rmtree(fresh_cache, ignore_errors=True)
        problem = check(first, "cwc first run") or check(first_jq, "jq on the fresh file")

        # Then one untimed warm-up run of cwc on the cached file (page cache; a warm cwc cache if it keeps one)
        # and, below 1M events, of jq too (jq keeps nothing between runs), then the alternating series. The
        # outputs of the warm-up and of the first jq run are kept to count the matches.
        cwc_runs, jq_runs = [], []
        if problem is None:
            warm_cwc = run(cwc_argv, env, keep_output=True)
            problem = check(warm_cwc, "cwc")
            if problem is None and n < BIG:
                problem = check(run(jq_argv, env), "jq")
            row["matches"] = {"cwc": _count(warm_cwc.stdout)}
        if problem is None:
            for i in range(reps):
                cwc_runs.append(run(cwc_argv, env))
                jq_runs.append(run(jq_argv, env, keep_output=i == 0))
                if i == 0:
                    row["matches"]["jq"] = _count(jq_runs[0].stdout)
                problem = check(cwc_runs[-1], "cwc") or check(jq_runs[-1], "jq")
                if problem:
                    break
                print(f"   pair {i + 1}/{reps}: cwc {ms(cwc_runs[-1].seconds)}, jq {ms(jq_runs[-1].seconds)}",
                      flush=True)
        if problem is None:  # one more run of cwc, untimed, for its memory on a file it has seen
            again = run(cwc_argv, env, memory=True)
            problem = check(again, "cwc")
        if problem:
            print(f"   ERROR {problem}")
            row["error"] = problem
            results.append(row)
            continue
        c = summary([r.seconds for r in cwc_runs])
        j = summary([r.seconds for r in jq_runs])
        ratio = c["median"] / j["median"]
        ratio_first = first.seconds / j["median"]
        rss_c = again.rss_kb / 1024
        rss_j = first_jq.rss_kb / 1024  # jq keeps nothing between runs: its first run is every run
        rss_first = first.rss_kb / 1024
        rss_worst = max(rss_c, rss_first)
        row.update({
            "cwc_s": c, "jq_s": j, "ratio": ratio, "cwc_rss_mb": rss_c, "jq_rss_mb": rss_j,
            "cache_mb": {"first_run_wrote": first_cache_mb, "folder_after": None if USER_CACHE else du_mb(CACHE)},
            "first": {"cwc_s": first.seconds, "cwc_rss_mb": rss_first, "jq_s": first_jq.seconds,
                      "jq_rss_mb": first_jq.rss_kb / 1024, "ratio_vs_jq_median": ratio_first,
                      "matches": _count(first.stdout)},
        })
        if goals:
            row["pass"] = {"repeat": ratio <= goals["repeat"], "first": ratio_first <= goals["first"],
                           "rss": rss_worst <= goals["rss_mb"]}
        m = row["matches"]
        print(f"   file {mb:.0f} MB; matches: cwc {m['cwc']} events (overlap of 1959-1961), "
              f"jq {m['jq']} (date string in [1959, 1962))")
        print(f"   {'':18}{'cwc':>9}{'jq':>9}{'ratio':>8}{'goal':>7}")
        g = goals.get("repeat")
        print(f"   {'repeated (median)':<18}{ms(c['median']):>9}{ms(j['median']):>9}{ratio:>7.2f}x"
              f"{f'{g}x' if g else '':>7}  {verdict(ratio, g)}")
        g = goals.get("first")
        print(f"   {'first, cold':<18}{ms(first.seconds):>9}{ms(first_jq.seconds):>9}{ratio_first:>7.2f}x"
              f"{f'{g}x' if g else '':>7}  {verdict(ratio_first, g)}   (ratio against jq's median)")
        g = goals.get("rss_mb")
        print(f"   {'peak RSS':<18}{rss_worst:>6.0f} MB{rss_j:>6.0f} MB{'':8}{f'{g} MB' if g else '':>7}  "
              f"{verdict(rss_worst, g)}   (cwc: first {rss_first:.0f} MB, repeated {rss_c:.0f} MB)")
        print(f"   spread q1-q3: cwc {ms(c['q1'])}-{ms(c['q3'])}, jq {ms(j['q1'])}-{ms(j['q3'])}")
        if not USER_CACHE:
            print(f"   cwc cache: the first run wrote {first_cache_mb:.0f} MB; "
                  f"{CACHE.relative_to(REPO)}/ now holds {row['cache_mb']['folder_after']:.0f} MB")
        results.append(row)
    return results


# -------------------------------------------------------------------------------------------------- main


# The access paths of issue #14 at one size, warm, each against the jq program that answers the same question
# from the same file: name, goal (max ratio cwc/jq), cwc argv (after --data FILE), jq program, extra jq flags.
PATH_CASES = [
    ("search berlin", 0.05, ["search", "berlin", "--json"],
     '[.events[] | select((.title + " " + .summary) | test("berlin"; "i"))] | .[:20]', []),
    ("events -k berlin", 0.05, ["events", "-k", "berlin", "--json"],
     '[.events[] | select((.title + " " + .summary) | test("\\bberlin"; "i"))]', []),
    ("events --actor khrushchev", 0.05, ["events", "--actor", "khrushchev", "--json"],
     '[.events[] | select(.actors | index("khrushchev"))]', []),
    ("show ID", 0.05, ["show", "vienna-summit-s7", "--json"], '.events[] | select(.id == "vienna-summit-s7")', []),
    ("who khrushchev", 0.05, ["who", "khrushchev", "--json"],
     '{actor: (.actors[] | select(.id == "khrushchev")), events: [.events[] | select(.actors | index("khrushchev"))]}',
     []),
    ("today --date 10-27", 0.05, ["today", "--date", "10-27", "--json"],
     '[.events[] | select(.date | test("^[0-9]{4}-10-27"))]', []),
    ("dates 1959-1961", 0.1, ["events", "--from", "1959", "--to", "1961", "--json"],
     '[.events[] | select(.date >= "1959" and .date < "1962")]', []),
    ("stats by year", 0.1, ["stats", "--json"], '[.events[] | .date[:4]] | group_by(.) | map({year: .[0], count: length})',
     []),
    ("tags", 0.1, ["tags", "--json"], '[.events[] | .tags[]?] | group_by(.) | map({tag: .[0], count: length})', []),
    ("events --json (all)", 1.0, ["events", "--json"], ".events", []),
    ("events --nl (all)", 1.0, ["events", "--nl"], ".events[]", ["-c"]),
    ("events --csv (all)", 1.0, ["events", "--csv"], '.events[] | [.id, .date, .title, .summary] | @csv', ["-r"]),
    ("export ics (all)", 1.0, ["export", "ics"], '.events[] | "BEGIN:VEVENT\\nSUMMARY:\\(.title)\\nEND:VEVENT"', ["-r"]),
    ("table (all)", 2.0, ["events", "--table"], ".events", []),
]


def bench_paths(size: int, repeat: int, jq: str, only: str | None = None) -> list[dict]:
    """Every access path of #14 (or those whose names contain one of the comma-separated words of `only`) on a warm
    database of `size` events, alternating with jq on the same file."""
    path = dataset(size)
    env = base_env()
    env["COLUMNS"] = "120"
    print(f"\n== paths: {size:,} events ({path.stat().st_size / 1e6:.0f} MB), warm; medians of {repeat}; "
          f"peak memory on one run each")
    warm = run(CWC + ["--data", str(path), "events", "--on", "1961", "--json"], env)
    if problem := check(warm, "cwc warm-up"):
        print(f"   {problem}")
        return []
    rows = []
    print(f"   {'case':<28}{'cwc':>9}{'jq':>9}{'ratio':>8}{'goal':>7}   cwc / jq peak MB")
    for name, goal, argv, program, flags in PATH_CASES:
        if only and not any(word in name for word in only.split(",")):
            continue
        cwc_argv = CWC + ["--data", str(path), *argv]
        jq_argv = [jq, *flags, program, str(path)]
        cwc_runs, jq_runs = [], []
        problem = None
        for _ in range(repeat):
            cwc_runs.append(run(cwc_argv, env))
            jq_runs.append(run(jq_argv, env))
            problem = check(cwc_runs[-1], "cwc") or check(jq_runs[-1], "jq")
            if problem:
                break
        if problem:
            print(f"   {name:<28}{problem}")
            continue
        rss_c = run(cwc_argv, env, memory=True).rss_kb / 1024
        rss_j = run(jq_argv, env, memory=True).rss_kb / 1024
        c = summary([r.seconds for r in cwc_runs])
        j = summary([r.seconds for r in jq_runs])
        ratio = c["median"] / j["median"]
        print(f"   {name:<28}{ms(c['median']):>9}{ms(j['median']):>9}{ratio:>7.2f}x{f'{goal}x':>7}  "
              f"{verdict(ratio, goal)}   {rss_c:.0f} / {rss_j:.0f}")
        rows.append({"case": name, "goal": goal, "cwc_s": c, "jq_s": j, "ratio": ratio, "cwc_rss_mb": rss_c,
                     "jq_rss_mb": rss_j, "cwc": argv, "jq": [*flags, program]})
    return rows


def machine() -> dict:
    def out(argv: list[str], env: dict[str, str] | None = None) -> str | None:
        try:
            return subprocess.run(argv, capture_output=True, text=True, cwd=SRC, timeout=30,
                                  env=env).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            return None

    dirty = out(["git", "status", "--porcelain", "--", "cold_war_cli", "data", "pyproject.toml"])
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "executable": PY,
        "platform": platform.platform(),
        "loadavg": os.getloadavg(),
        "mem_total_mb": _mem_total_mb(),
        "jq": out([shutil.which("jq") or "jq", "--version"]),
        "cwc": out(CWC + ["--version"]),
        "cwc_module": out([PY, "-c", "import cold_war_cli; print(cold_war_cli.__file__)"], base_env()),
        "git": (f"{REV[:12]} (snapshot in {SRC.relative_to(REPO)})" if REV else
                (out(["git", "rev-parse", "--short", "HEAD"]) or "?") + (" (cwc or data modified)" if dirty else "")),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def code_fingerprint() -> str:
    """A hash of cwc's code and the shipped data, to tell whether they changed while the benchmark ran."""
    h = hashlib.sha256()
    for path in sorted((SRC / "cold_war_cli").rglob("*.py")) + [shipped_data()]:
        h.update(str(path.relative_to(SRC)).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:12]


def _mem_total_mb() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            return int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15,
                        help="alternating pairs per startup case, and per scale size below 1M (default 15)")
    parser.add_argument("--scale-repeat", type=int, help="pairs per scale size below 1M (default: --repeat)")
    parser.add_argument("--big-repeat", type=int, default=3, help="pairs per scale size of 1M or more (default 3)")
    parser.add_argument("--cases", default="startup,scale",
                        help="startup, scale, paths, or several with commas (default startup,scale)")
    parser.add_argument("--paths-size", type=int, default=100_000, help="events for the paths cases (default 100000)")
    parser.add_argument("--paths", metavar="WORDS", help="only the paths cases whose names contain one of these "
                        "comma-separated words (e.g. 'dump,ics')")
    parser.add_argument("--sizes", default="10000,100000", help="scale sizes (default 10000,100000)")
    parser.add_argument("--jq", default=shutil.which("jq") or "jq", help="the jq to compare with")
    parser.add_argument("--json", metavar="OUT", help="also write every figure to this JSON file")
    parser.add_argument("--rev", metavar="COMMIT",
                        help="benchmark this commit (extracted to benchmarks/out/src-COMMIT/) instead of the "
                             "working tree; figures stay consistent while the tree changes")
    parser.add_argument("--user-cache", action="store_true",
                        help="let cwc use the caller's cache folder (default: XDG_CACHE_HOME under benchmarks/out/)")
    args = parser.parse_args(argv)
    global USER_CACHE, CACHE
    USER_CACHE = args.user_cache
    if args.rev:
        snapshot_rev(args.rev)
    else:
        # One cache folder per state of the code and data, so that snapshots written by other code (cwc keys
        # them by its version and the data, and the version does not change with every commit) are never read;
        # folders of earlier states are removed.
        CACHE = OUT / f"cache-worktree-{code_fingerprint()}"
        for old in OUT.glob("cache-worktree-*"):
            if old != CACHE:
                shutil.rmtree(old, ignore_errors=True)
    cases = {c.strip() for c in args.cases.split(",") if c.strip()}
    if not cases <= {"startup", "scale", "paths"}:
        parser.error(f"unknown case group(s): {', '.join(sorted(cases - {'startup', 'scale', 'paths'}))}")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.repeat < 1 or args.big_repeat < 1:
        parser.error("repeats must be 1 or more")

    facts = machine()
    print(f"$ {shlex.join(['python', *sys.argv])}")
    print(f"machine: nproc {facts['nproc']}, {facts['mem_total_mb']} MB RAM, load {facts['loadavg'][0]:.2f}, "
          f"Python {facts['python']} ({PY}), {facts['platform']}")
    print(f"under test: {facts['cwc']}, git {facts['git']}; reference: {facts['jq']}")
    if facts["cwc_module"] is None or not Path(facts["cwc_module"]).is_relative_to(SRC):
        print(f"error: python -m cold_war_cli imports {facts['cwc_module']}, not the code under {SRC}",
              file=sys.stderr)
        return 1
    print(f"cwc's cache: {'the caller’s own' if USER_CACHE else f'XDG_CACHE_HOME={CACHE.relative_to(REPO)}'}")
    print(f"peak memory: {f'GNU time ({GNU_TIME}), on runs of their own' if GNU_TIME else MEMORY_NOTE}")
    report: dict = {"command": sys.argv, "machine": facts, "code_fingerprint": code_fingerprint(),
                    "memory_measured_by": GNU_TIME or "wait4 (includes the harness's size)"}
    started = time.perf_counter()
    if "startup" in cases:
        report["startup"] = bench_startup(args.repeat)
    if "scale" in cases:
        if shutil.which(args.jq) is None:
            parser.error(f"jq not found: {args.jq}")
        report["scale"] = bench_scale(sizes, args.scale_repeat or args.repeat, args.big_repeat, args.jq)
    if "paths" in cases:
        if shutil.which(args.jq) is None:
            parser.error(f"jq not found: {args.jq}")
        report["paths"] = bench_paths(args.paths_size, args.scale_repeat or min(args.repeat, 5), args.jq,
                                      args.paths)
    report["elapsed_s"] = time.perf_counter() - started
    if code_fingerprint() != report["code_fingerprint"]:
        report["code_changed_during_run"] = True
        print("\nWARNING: cold_war_cli/ or data/events.json changed while the benchmark ran; "
              "the figures mix versions. Run it again.")
    print(f"\ntotal {report['elapsed_s']:.0f} s; load average now {os.getloadavg()[0]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
