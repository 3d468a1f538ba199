"""Merge curators' candidate files into data/events.json, refusing anything that would need a judgement.

    python scripts/merge_candidates.py curation/candidates/1953-1958.json [...]     # new events
    python scripts/merge_candidates.py --fixes curation/candidates/provenance-fixes.json  # changes to events

A candidate file is {"sources": [...], "actors": [...], "events": [...]} in the dataset's format (README, "The
dataset"); a fixes file is {"sources": [...], "events": {id: {field: new value}}, "actors": {id: {field: new
value}}} (an actor's `roles`, `sources`, `born` and `died`). A candidate file may also add terms of office to
existing actors: {"actor_roles": {id: [role, ...]}}, and a fixes file may date sources: {"sources_issued": {id:
"YYYY[-MM[-DD]]"}} or complete them: {"source_fixes": {id: {"url"|"issued"|"accessed"|"container"|...: value}}}, and make additive
changes (add_citations, set_locators, drop_citations, role_sources, alt_sources, actor_sources_add and
actor_sources_drop: see merge_additions). A source that the fixes leave cited nowhere is removed (and reported). New sources and actors are added
unless the dataset already has that id (the dataset's record wins, and a differing one is reported). An event whose
id is taken, or that names an actor or source nobody defines, is left out and reported. Nothing is written when
--dry-run is given. Run `cwc validate` and `pytest` afterwards: this script checks references, not the format.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "events.json"
FIX_FIELDS = {"date", "title", "summary", "sources", "alt_dates", "notes", "aliases", "label", "bounds", "places",
              "actors", "tags"}
ACTOR_FIX_FIELDS = {"roles", "sources", "born", "died"}
SOURCE_FIX_FIELDS = {"url", "issued", "accessed", "container", "volume", "publisher", "place", "note", "title", "type",
                     "quality", "authors", "editors", "isbn"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--fixes", action="store_true", help="the files change existing events")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA, help="the dataset to merge into (default: the shipped one)")
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text(encoding="utf-8"))
    before = json.loads(args.data.read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in data["sources"]}
    actors = {a["id"]: a for a in data["actors"]}
    events = {e["id"]: e for e in data["events"]}
    added = {"sources": 0, "actors": 0, "events": 0, "changed": 0, "changed actors": 0, "changed sources": 0}
    problems: list[str] = []

    def take(kind: str, store: dict, record: dict, origin: str) -> None:
        if record["id"] in store:
            if store[record["id"]] != record:
                problems.append(f"{origin}: {kind} '{record['id']}' already defined differently; kept the dataset's")
            return
        store[record["id"]] = record
        data[kind].append(record)
        added[kind] += 1

    candidates = [(path, json.loads(path.read_text(encoding="utf-8"))) for path in args.files]
    for path, content in candidates:
        for source in content.get("sources", []):
            take("sources", sources, source, str(path))
        for actor in [] if args.fixes else content.get("actors", []):  # in a fixes file, changes to actors
            take("actors", actors, actor, str(path))

    def unknown(event: dict) -> list[str]:
        cited = [c["id"] for c in event.get("sources", [])]
        cited += [c["id"] for alt in event.get("alt_dates", []) for c in alt.get("sources", [])]
        return ([f"source '{s}'" for s in cited if s not in sources]
                + [f"actor '{a}'" for a in event.get("actors", []) if a not in actors])

    for path, content in candidates:
        if args.fixes:
            for actor_id, change in content.get("actors", {}).items():
                cited = [c["id"] for c in change.get("sources", [])]
                cited += [c["id"] for role in change.get("roles", []) for c in role.get("sources", [])]
                if actor_id not in actors or set(change) - ACTOR_FIX_FIELDS or set(cited) - set(sources):
                    problems.append(f"{path}: actor '{actor_id}' unknown, or the change names unknown fields or "
                                    f"sources; left unchanged")
                    continue
                actors[actor_id].update(change)
                added["changed actors"] += 1
            for source_id, issued in content.get("sources_issued", {}).items():  # a source's date of issue
                if source_id in sources and not sources[source_id].get("issued"):
                    sources[source_id]["issued"] = issued
                    added["changed sources"] += 1
                else:
                    problems.append(f"{path}: source '{source_id}' unknown or already dated; left unchanged")
            for source_id, change in content.get("source_fixes", {}).items():  # a source record completed
                if source_id not in sources or set(change) - SOURCE_FIX_FIELDS:
                    problems.append(f"{path}: source '{source_id}' unknown, or the change names fields other than "
                                    f"{sorted(SOURCE_FIX_FIELDS)}; left unchanged")
                    continue
                sources[source_id].update(change)
                added["changed sources"] += 1
            merge_additions(content, str(path), sources, actors, events, added, problems)
            for event_id, change in content.get("events", {}).items():
                if event_id not in events:
                    problems.append(f"{path}: no event '{event_id}' to change")
                    continue
                if set(change) - FIX_FIELDS:
                    problems.append(f"{path}: '{event_id}': cannot change {sorted(set(change) - FIX_FIELDS)}")
                    continue
                changed = {**events[event_id], **change}
                if missing := unknown(changed):
                    problems.append(f"{path}: '{event_id}' names unknown {', '.join(missing)}; left unchanged")
                    continue
                events[event_id].update(change)
                added["changed"] += 1
            continue
        for event in content.get("events", []):
            if event.get("id") in events:
                problems.append(f"{path}: event id '{event.get('id')}' is taken; left out")
                continue
            if missing := unknown(event):
                problems.append(f"{path}: '{event['id']}' names unknown {', '.join(missing)}; left out")
                continue
            events[event["id"]] = event
            data["events"].append(event)
            added["events"] += 1

    for path, content in candidates:  # terms of office to add to existing actors: {"actor_roles": {id: [role]}}
        for actor_id, roles in content.get("actor_roles", {}).items():
            cited = {c["id"] for role in roles for c in role.get("sources", [])}
            if actor_id not in actors or cited - set(sources):
                problems.append(f"{path}: actor '{actor_id}' unknown, or its new terms cite unknown sources; left out")
                continue
            actors[actor_id].setdefault("roles", []).extend(roles)
            added["changed actors"] += 1

    if args.fixes:
        orphaned = cited_ids(before) - cited_ids(data)
        data["sources"] = [s for s in data["sources"] if s["id"] not in orphaned]
        if orphaned:
            problems.append(f"removed {len(orphaned)} sources these changes left cited nowhere: {sorted(orphaned)}")
    for line in problems:
        print(line, file=sys.stderr)
    print(f"added {added['sources']} sources, {added['actors']} actors and {added['events']} events; "
          f"changed {added['changed']} events, {added['changed actors']} actors and {added['changed sources']} "
          "sources", file=sys.stderr)
    if not args.dry_run:
        args.data.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def cited_ids(data: dict) -> set[str]:
    """The sources some event, alternative date, actor or term cites."""
    cited = set()
    for event in data["events"]:
        cited.update(c["id"] for c in event.get("sources", []))
        cited.update(c["id"] for alt in event.get("alt_dates", []) for c in alt.get("sources", []))
    for actor in data["actors"]:
        cited.update(c["id"] for c in actor.get("sources", []))
        cited.update(c["id"] for role in actor.get("roles", []) for c in role.get("sources", []))
    return cited


def merge_additions(content: dict, origin: str, sources: dict, actors: dict, events: dict, added: dict,
                    problems: list[str]) -> None:
    """The additive changes, which several curators can make to one event or actor without overwriting each
    other:
        {"add_citations": {event: [citation]}, "set_locators": {event: {source: {"locator", "url"}}},
         "drop_citations": {event: [source]}, "actor_sources_add": {actor: [citation]},
         "role_sources": {actor: [{"title", "start", "add": [citation], "drop": [source],
                                   "set": {"title"|"start"|"end": value}}]},
         "alt_sources": {event: [{"date", "add": [citation], "drop": [source]}]},
         "actor_sources_drop": {actor: [source]}}
    A term is named by its title and start, an alternative date by its date; a drop that would leave nothing cited
    is refused."""
    def known(citations: list[dict], where: str) -> bool:
        if missing := [c["id"] for c in citations if c["id"] not in sources]:
            problems.append(f"{origin}: {where} cites unknown sources {missing}; left unchanged")
        return not missing

    def add(cited: list[dict], citations: list[dict]) -> None:
        present = {c["id"] for c in cited}
        cited.extend(c for c in citations if c["id"] not in present)

    def drop(cited: list[dict], ids: list[str], where: str) -> list[dict]:
        kept = [c for c in cited if c["id"] not in ids]
        if not kept:
            problems.append(f"{origin}: {where}: dropping {ids} would leave no source; kept them")
            return cited
        return kept

    for event_id, citations in content.get("add_citations", {}).items():
        if event_id not in events:
            problems.append(f"{origin}: no event '{event_id}' to cite")
        elif known(citations, f"'{event_id}'"):
            add(events[event_id].setdefault("sources", []), citations)
            added["changed"] += 1
    for event_id, located in content.get("set_locators", {}).items():
        cited = {c["id"]: c for c in events.get(event_id, {}).get("sources", [])}
        for source_id, change in located.items():
            if source_id not in cited or set(change) - {"locator", "url"}:
                problems.append(f"{origin}: '{event_id}' does not cite '{source_id}', or the change is not a "
                                f"locator or url; left unchanged")
                continue
            cited[source_id].update(change)
            added["changed"] += 1
    for event_id, ids in content.get("drop_citations", {}).items():
        if event_id not in events:
            problems.append(f"{origin}: no event '{event_id}' to drop citations from")
        else:
            events[event_id]["sources"] = drop(events[event_id]["sources"], ids, f"'{event_id}'")
    def change_one(found: list[dict], change: dict, where: str) -> bool:
        """Add and drop citations of the one term or alternative date `found` holds; False if it is not one."""
        if len(found) != 1:
            problems.append(f"{origin}: {where} not found (or not unique); left unchanged")
            return False
        if not known(change.get("add", []), where):
            return False
        add(found[0].setdefault("sources", []), change.get("add", []))
        if change.get("drop"):
            found[0]["sources"] = drop(found[0]["sources"], change["drop"], where)
        return True

    for actor_id, changes in content.get("role_sources", {}).items():
        for change in changes:
            roles = [r for r in actors.get(actor_id, {}).get("roles", [])
                     if r["title"] == change["title"] and str(r.get("start")) == str(change["start"])]
            where = f"actor '{actor_id}' term '{change['title']}' from {change['start']}"
            if set(change.get("set", {})) - {"title", "start", "end"}:
                problems.append(f"{origin}: {where}: only a term's title, start and end can be set; left unchanged")
            elif change_one(roles, change, where):
                roles[0].update(change.get("set", {}))  # a term redated to what its new citation supports
                added["changed actors"] += 1
    for event_id, changes in content.get("alt_sources", {}).items():
        for change in changes:
            alts = [a for a in events.get(event_id, {}).get("alt_dates", []) if a["date"] == change["date"]]
            if change_one(alts, change, f"'{event_id}' alternative date {change['date']}"):
                added["changed"] += 1
    # adds before drops: a file may replace an actor's only source
    for actor_id, citations in content.get("actor_sources_add", {}).items():
        if actor_id not in actors:
            problems.append(f"{origin}: no actor '{actor_id}'")
        elif known(citations, f"actor '{actor_id}'"):
            add(actors[actor_id].setdefault("sources", []), citations)
            added["changed actors"] += 1
    for actor_id, ids in content.get("actor_sources_drop", {}).items():
        if actor_id not in actors:
            problems.append(f"{origin}: no actor '{actor_id}'")
        else:
            actors[actor_id]["sources"] = drop(actors[actor_id].get("sources", []), ids, f"actor '{actor_id}'")
            added["changed actors"] += 1


if __name__ == "__main__":
    sys.exit(main())
