#!/usr/bin/env python3
"""Build a synthetic cwc dataset of N events from the shipped one, for the scale benchmarks.

    python benchmarks/make_dataset.py N OUT.json [--seed S] [--base data/events.json]

The sources and actors are the shipped ones, unchanged. Event i is a copy of shipped event i mod B (B shipped
events, taken round-robin), with the id `<id>-s<k>` (k = i div B, so every id is unique and still a valid slug)
and every year in it shifted by the same whole number of years, drawn at random (seeded) so that all its years
stay within 1900-2099:

- `date`, each `alt_dates[].date` and `bounds.earliest`/`bounds.latest` are shifted together, so intervals,
  bounds and alternative dates keep their relations and the date grammar stays valid;
- an event with a decade (`196X`) anywhere is shifted by a multiple of 10, so the decade stays a decade;
- an event with 29 February anywhere is shifted by a multiple of 4, so the day still exists (1900 and 2100 are
  the only non-leap multiples of 4 near the range; 1900 is avoided for such events, 2100 is out of range);
- titles, summaries and notes keep their text (they may name the original year: the data is synthetic).

The output is compact JSON (no indentation, UTF-8), written as a stream, so 1M events (about 1.5 GB) take well
under a minute and little memory. The same N, seed and base file always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "data" / "events.json"
MIN_YEAR, MAX_YEAR = 1900, 2099
GENERATOR_VERSION = 1  # bump when the output for a given (N, seed, base) changes

_YEARISH = re.compile(r"(\d{3})([0-9X])")  # a 4-digit year or an EDTF decade such as 196X
_DATE_KEYS = ("id", "date", "bounds", "alt_dates")  # the keys a copy changes; all others are copied verbatim


def _date_strings(event: dict) -> list[str]:
    found = [event["date"]]
    bounds = event.get("bounds")
    if bounds:
        found += [bounds["earliest"], bounds["latest"]]
    found += [alt["date"] for alt in event.get("alt_dates", ())]
    return found


def _shift_text(text: str, delta: int) -> str:
    def shift(m: re.Match) -> str:
        if m.group(2) == "X":
            return f"{int(m.group(1)) + delta // 10:03d}X"
        return f"{int(m.group(0)) + delta:04d}"

    return _YEARISH.sub(shift, text)


class _Template:
    """One shipped event, ready to be copied quickly: its unchanging fields pre-serialized."""

    def __init__(self, event: dict):
        self.id = event["id"]
        self.event = event
        strings = _date_strings(event)
        years: list[int] = []
        step = 1
        for text in strings:
            for m in _YEARISH.finditer(text):
                if m.group(2) == "X":
                    first = int(m.group(1)) * 10
                    years += [first, first + 9]
                    step = _lcm(step, 10)
                else:
                    years.append(int(m.group(0)))
            if "-02-29" in text:
                step = _lcm(step, 4)
        lo, hi = MIN_YEAR - min(years), MAX_YEAR - max(years)
        # Shifts that keep every year in range and are multiples of `step`; 0 is always one of them when the
        # shipped event is itself within range.
        first = -(-lo // step) * step
        self.shifts = [d for d in range(first, hi + 1, step)
                       if not (step % 4 == 0 and _has_leap_day_in(strings, d, 1900))]
        if not self.shifts:
            self.shifts = [0]
        rest = {k: v for k, v in event.items() if k not in _DATE_KEYS}
        # '{"title": ..., ...}' without its braces, appended after the changing keys.
        self.rest = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))[1:-1]

    def copy_json(self, k: int, delta: int) -> str:
        e = self.event
        head: dict = {"id": f"{self.id}-s{k}", "date": _shift_text(e["date"], delta)}
        if "bounds" in e:
            head["bounds"] = {key: _shift_text(v, delta) for key, v in e["bounds"].items()}
        if "alt_dates" in e:
            head["alt_dates"] = [{**alt, "date": _shift_text(alt["date"], delta)} for alt in e["alt_dates"]]
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
        return f"{text[:-1]},{self.rest}}}" if self.rest else text


def _has_leap_day_in(strings: list[str], delta: int, year: int) -> bool:
    """True if shifting by delta would put a 29 February into `year` (a non-leap multiple of 4)."""
    for text in strings:
        for m in re.finditer(r"(\d{4})-02-29", text):
            if int(m.group(1)) + delta == year:
                return True
    return False


def _lcm(a: int, b: int) -> int:
    from math import gcd

    return a * b // gcd(a, b)


def build(n: int, out: str | os.PathLike[str], seed: int = 0, base: str | os.PathLike[str] = BASE) -> dict:
    """Write a dataset of n events to `out` (atomically: a temporary file, then a rename). Returns facts about it."""
    if n < 0:
        raise ValueError("N must be 0 or more")
    raw = json.loads(Path(base).read_text(encoding="utf-8"))
    templates = [_Template(e) for e in raw["events"]]
    if not templates and n:
        raise ValueError(f"{base} has no events to copy")
    rng = random.Random(seed)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    dumps = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(f'{{"schema_version":{dumps(raw["schema_version"])},'
                    f'"sources":{dumps(raw["sources"])},"actors":{dumps(raw["actors"])},"events":[')
            chunk: list[str] = []
            b = len(templates)
            for i in range(n):
                t = templates[i % b]
                chunk.append(t.copy_json(i // b, rng.choice(t.shifts)))
                if len(chunk) == 20000:
                    f.write(("," if i >= len(chunk) else "") + ",".join(chunk))
                    chunk = []
            if chunk:
                f.write(("," if n > len(chunk) else "") + ",".join(chunk))
            f.write("]}\n")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"events": n, "seed": seed, "base": str(base), "bytes": out.stat().st_size,
            "generator_version": GENERATOR_VERSION}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, metavar="N", help="number of events")
    parser.add_argument("out", metavar="OUT.json", help="file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the year shifts (default 0)")
    parser.add_argument("--base", default=str(BASE), help=f"dataset to copy from (default {BASE})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    facts = build(args.n, args.out, args.seed, args.base)
    print(f"wrote {args.out}: {facts['events']} events, {facts['bytes'] / 1e6:.1f} MB, seed {args.seed}, "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
