"""Coverage report for curators: events per year against the breadth minimums, tags, actors without events, and
the provenance figures (citations with a locator, sources by quality, events resting on reference works only, terms
of office without a source).

Run from the repository:  python scripts/coverage.py [PATH] [--from-year 1945 --to-year 1991]
Exit status 0; the report goes to stdout. Years below their minimum are marked with '!' and the shortfall.
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


def minimum(year: int) -> int:
    """The events a year must hold (the breadth issues): the founding narrative's era 1953-1964 and the end of the
    Cold War in depth, every other year of 1945-1991 at least 25."""
    return {1989: 60, 1990: 40, 1991: 45}.get(year, 45 if 1953 <= year <= 1964 else 25)


PERIOD_MINIMUMS = {(1945, 1964): 700, (1965, 1979): 400, (1980, 1991): 400}


def reference_only(data: Dataset) -> list[str]:
    """Events whose every citation is a reference work (or the founding narrative)."""
    weak = {"reference", "narrative"}
    return [e.id for e in data.events if all(data.sources[c.source_id].quality in weak for c in e.citations)]


# A citation of a whole short work (an article, a speech, a single dated document) needs no locator.
SHORT_WORKS = {"newspaper-article", "magazine-article", "speech", "archival-document", "treaty", "web-page"}


def whole_short_work(source) -> bool:
    return (source.type in SHORT_WORKS or len(source.issued or "") == 10) and not _home_page(source.url)


def located_share(data: Dataset) -> float:
    """The share of event citations that have a locator or cite a whole short work."""
    citations = [c for e in data.events for c in e.citations]
    found = sum(1 for c in citations if c.locator or whole_short_work(data.sources[c.source_id]))
    return found / max(1, len(citations))


def _home_page(url: str | None) -> bool:
    return bool(url) and not url.split("://", 1)[-1].partition("/")[2].strip("/")


def report(data: Dataset, first_year: int, last_year: int) -> str:
    per_year = Counter(e.start.year for e in data.events)
    per_tag = Counter(tag for e in data.events for tag in e.tags)
    acting = {a for e in data.events for a in e.actor_ids}
    cited = {c.source_id for e in data.events for c in (*e.citations, *(c for alt in e.alt_dates for c in alt.citations))}
    no_locator = sum(1 for e in data.events if not any(c.locator for c in e.citations))
    lines = [f"{data.path}: {len(data.events)} events, {len(data.actors)} actors, {len(data.sources)} sources", ""]
    lines.append("Events per year (by first day; '!' = below the year's minimum, by how many):")
    for year in range(first_year, last_year + 1):
        count = per_year.get(year, 0)
        short = minimum(year) - count
        lines.append(f"  {year} {count:4d} {'#' * count}{f'  ! {short} short of {minimum(year)}' if short > 0 else ''}")
    for (first, last), needed in PERIOD_MINIMUMS.items():
        total = sum(per_year.get(y, 0) for y in range(first, last + 1))
        lines.append(f"  {first}-{last}: {total} events (minimum {needed}){'  !' if total < needed else ''}")
    outside = sum(n for y, n in per_year.items() if not first_year <= y <= last_year)
    if outside:
        lines.append(f"  outside {first_year}-{last_year}: {outside}")
    lines += ["", "Events per tag:"]
    lines += [f"  {tag:28s} {count:4d}" for tag, count in sorted(per_tag.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines += ["", "Actors without events:"]
    lines += [f"  {a.id} ({a.name})" for a in data.actors.values() if a.id not in acting] or ["  none"]
    lines += ["", "Sources never cited:"]
    lines += [f"  {s.id} ({s.title})" for s in data.sources.values() if s.id not in cited] or ["  none"]
    citations = [c for e in data.events for c in e.citations]
    located = sum(1 for c in citations if c.locator)
    by_quality = Counter(s.quality for s in data.sources.values())
    roles = [r for a in data.actors.values() for r in a.roles]
    weak = reference_only(data)
    lines += ["", "Provenance:",
              f"  citations with a locator: {located} of {len(citations)} ({located / max(1, len(citations)):.1%}); "
              f"with a locator or of a whole short work: {located_share(data):.1%}",
              f"  events with no locator in any citation: {no_locator}",
              "  sources by quality: " + ", ".join(f"{q} {n}" for q, n in by_quality.most_common()),
              f"  sources without a date of issue: {sum(1 for s in data.sources.values() if not s.issued)}",
              f"  sources whose URL is a site's home page: {sum(1 for s in data.sources.values() if _home_page(s.url))}",
              f"  terms of office without a source: {sum(1 for r in roles if not r.citations)} of {len(roles)}",
              f"  events resting on reference works only: {len(weak)}"]
    lines += [f"    {event_id}" for event_id in weak]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="dataset file (default: the shipped one)")
    parser.add_argument("--from-year", type=int, default=1945)
    parser.add_argument("--to-year", type=int, default=1991)
    args = parser.parse_args(argv)
    try:
        data = load(args.path)
    except CwcError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(report(data, args.from_year, args.to_year))
    return 0


if __name__ == "__main__":
    sys.exit(main())
