"""Coverage report for curators: events per year and tag, actors without events, sources never cited.

Run from the repository:  python scripts/coverage.py [PATH] [--from-year 1945 --to-year 1991] [--min-per-year 3]
Exit status 0; the report goes to stdout. Years below the minimum are marked with '!'.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cold_war_cli.dataset import load  # noqa: E402
from cold_war_cli.errors import CwcError  # noqa: E402
from cold_war_cli.models import Dataset  # noqa: E402


def report(data: Dataset, first_year: int, last_year: int, min_per_year: int) -> str:
    per_year = Counter(e.start.year for e in data.events)
    per_tag = Counter(tag for e in data.events for tag in e.tags)
    acting = {a for e in data.events for a in e.actor_ids}
    cited = {c.source_id for e in data.events for c in (*e.citations, *(c for alt in e.alt_dates for c in alt.citations))}
    no_locator = sum(1 for e in data.events if not any(c.locator for c in e.citations))
    lines = [f"{data.path}: {len(data.events)} events, {len(data.actors)} actors, {len(data.sources)} sources", ""]
    lines.append(f"Events per year (by first day; '!' = fewer than {min_per_year}):")
    for year in range(first_year, last_year + 1):
        count = per_year.get(year, 0)
        lines.append(f"  {year} {count:4d} {'#' * count}{'  !' if count < min_per_year else ''}")
    outside = sum(n for y, n in per_year.items() if not first_year <= y <= last_year)
    if outside:
        lines.append(f"  outside {first_year}-{last_year}: {outside}")
    lines += ["", "Events per tag:"]
    lines += [f"  {tag:28s} {count:4d}" for tag, count in sorted(per_tag.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines += ["", "Actors without events:"]
    lines += [f"  {a.id} ({a.name})" for a in data.actors.values() if a.id not in acting] or ["  none"]
    lines += ["", "Sources never cited:"]
    lines += [f"  {s.id} ({s.title})" for s in data.sources.values() if s.id not in cited] or ["  none"]
    lines += ["", f"Events with no locator in any citation: {no_locator}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="dataset file (default: the shipped one)")
    parser.add_argument("--from-year", type=int, default=1945)
    parser.add_argument("--to-year", type=int, default=1991)
    parser.add_argument("--min-per-year", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        data = load(args.path)
    except CwcError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(report(data, args.from_year, args.to_year, args.min_per_year))
    return 0


if __name__ == "__main__":
    sys.exit(main())
