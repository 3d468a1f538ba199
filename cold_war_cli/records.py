"""Events and actors as plain dicts: the shape of JSON, NDJSON and CSV output (documented in README.md)."""

from __future__ import annotations

from collections.abc import Iterator

from cold_war_cli.models import Actor, Dataset, Event
from cold_war_cli.query import EventMatch, event_query
from cold_war_cli.store import Store

CSV_FIELDS = ("id", "date", "label", "start", "end", "precision", "certainty", "partial", "title", "summary",
              "actors", "places", "tags", "sources")


def display_date(event: Event) -> str:
    """How a person reads the date: the curated label, else the date with intervals and qualifiers spelled out."""
    return event.label or display_date_text(event.date)


def display_date_text(edtf: str) -> str:
    """A dataset date string for reading: '196X~' is 'c. 1960s', 'A/B' is 'A to B'."""
    return " to ".join(_display_point(point) for point in edtf.split("/"))


def _display_point(point: str) -> str:
    qualifier = point[-1] if point[-1] in "?~%" else ""
    base = point.rstrip("?~%")
    if base.endswith("X"):
        base = base[:-1] + "0s"
    if qualifier in ("~", "%"):
        base = "c. " + base
    return base + ("?" if qualifier in ("?", "%") else "")


def citations(dataset: Dataset, cited) -> list[dict]:
    """Citations as an event's record has them (`record_maker`), for actors' terms and `cwc at`; built here as
    dicts so that those views need not import msgspec (a test holds the two to the same shape). `url` is the cited
    place's own address where it has one, else the work's."""
    found = []
    for c in cited:
        s = dataset.sources.get(c.source_id)
        found.append({"id": c.source_id, "title": s.title if s else None, "author": s.author if s else None,
                      "year": s.year if s else None, "type": s.type if s else None,
                      "quality": s.quality if s else None, "container": s.container if s else None,
                      "url": c.url or (s.url if s else None), "locator": c.locator})
    return found


def event_record(dataset: Dataset, match: EventMatch) -> dict:
    """The record of one event: the one its database keeps, else made from the event."""
    text = dataset.stored_record(match.event.id) if isinstance(dataset, Store) else None
    return decode_record(text or made_record(dataset, match.event), match.partial)


def made_record(dataset: Dataset, e: Event) -> str:
    """An event's record made from the Event, as the store makes it when it is built (`partial` false)."""
    from cold_war_cli.record_maker import RecordMaker

    return RecordMaker.of(dataset).make(
        e.id, e.date, e.label, e.start.isoformat(), e.end.isoformat(), e.precision, e.title, e.aliases, e.summary,
        e.actor_ids, e.places, e.tags, [(c.source_id, c.locator, c.url) for c in e.citations], e.notes,
        [(a.date, a.note, [(c.source_id, c.locator, c.url) for c in a.citations]) for a in e.alt_dates])


def record_text(stored: str, partial: bool) -> str:
    """A stored record with its `partial` as the query found it (stored, it is false)."""
    return stored.replace('"partial":false', '"partial":true', 1) if partial else stored


def decode_record(text: str, partial: bool) -> dict:
    import json  # a few records: json, which every run imports anyway, rather than importing msgspec

    record = json.loads(text)
    record["partial"] = partial
    return record


RECORD_BATCH = 500  # records read at a time


def _reaches_outside(wanted):
    """A test of whether an event's first and last days (ordinals) reach outside the range `wanted` asks for."""
    if wanted.when is None:
        return lambda first, last: False
    low, high = wanted.when.start.toordinal(), wanted.when.end.toordinal()
    return lambda first, last: first < low or last > high


def iter_record_texts(dataset, wanted) -> Iterator[str]:
    """The stored records of the events `query.iter_events` gives, as JSON text (what dumps print)."""
    sql, params = event_query(dataset, wanted, 'e.record, e.start, e."end"')
    partial = _reaches_outside(wanted)
    for text, first, last in dataset.db.execute(sql, params):
        yield record_text(text, partial(first, last))


def iter_csv_texts(dataset, wanted) -> Iterator[str]:
    """The stored CSV rows of the events `query.iter_events` gives, with their `partial` cell as the query found
    it."""
    sql, params = event_query(dataset, wanted, 'e.csv_head, e.csv_tail, e.start, e."end"')
    partial = _reaches_outside(wanted)
    for head, tail, first, last in dataset.db.execute(sql, params):
        yield head + ("true" if partial(first, last) else "false") + tail


def iter_table_rows(dataset, wanted) -> Iterator[tuple]:
    """The events table's rows (shown date, partial, title, id, actor names) as the store keeps them."""
    sql, params = event_query(dataset, wanted, 'e.shown_date, e.start, e."end", e.title, e.id, e.actor_list')
    partial = _reaches_outside(wanted)
    for shown, first, last, title, event_id, names in dataset.db.execute(sql, params):
        yield shown, partial(first, last), title, event_id, names


def iter_event_records(dataset, wanted) -> Iterator[dict]:
    """The same records as objects, decoded a batch at a time."""
    import itertools

    import msgspec

    texts = iter_record_texts(dataset, wanted)
    while batch := list(itertools.islice(texts, RECORD_BATCH)):
        yield from msgspec.json.decode("[" + ",".join(batch) + "]")


def iter_vevents(dataset, wanted) -> Iterator[tuple[str, str]]:
    """The stored VEVENTs (text before and after the DTSTAMP line) of the events `query.iter_events` gives."""
    sql, params = event_query(dataset, wanted, "e.ics_head, e.ics_tail")
    yield from dataset.db.execute(sql, params)


def csv_row(record: dict, fields: tuple[str, ...] = CSV_FIELDS) -> list[str]:
    """A flat row: lists joined with '; ', actors and sources as their ids (sources with their locators)."""
    if fields is CSV_FIELDS:  # an event's own row, the one dumps make by the thousand: what `flat` gives, directly
        r = record
        return [r["id"], r["date"], r["label"] or "", r["start"], r["end"], r["precision"], r["certainty"],
                "true" if r["partial"] else "false", r["title"], r["summary"],
                "; ".join([a["id"] for a in r["actors"]]), "; ".join(r["places"]), "; ".join(r["tags"]),
                "; ".join([f"{c['id']} ({c['locator']})" if c["locator"] else c["id"] for c in r["sources"]])]
    return [flat(record[key]) for key in fields]


EVENT_FIELDS = ("id", "date", "label", "start", "end", "precision", "certainty", "partial", "title", "aliases", "summary",
                "actors", "places", "tags", "sources", "notes", "alt_dates")
ANNIVERSARY_FIELDS = ("on", "years_ago", *EVENT_FIELDS)
ACTOR_FIELDS = ("id", "name", "kind", "aliases", "born", "died", "roles", "summary", "sources", "events")
TENURE_FIELDS = ("actor", "name", "title", "start", "end")


def anniversary_records(found: list) -> list[dict]:
    """`cwc today`'s rows: each anniversary's day and years, then its event's record."""
    return [{"on": a.on.isoformat(), "years_ago": a.years_ago, **decode_record(a.record, False)} for a in found]


def anniversary_texts(found: list) -> Iterator[str]:
    """The same rows as compact JSON texts, spliced from the stored records (what a pipe gets)."""
    for a in found:
        yield f'{{"on":"{a.on.isoformat()}","years_ago":{a.years_ago},{a.record[1:]}'


def actor_row(actor: Actor, event_count: int, dataset: Dataset) -> dict:
    """An actor with the number of their events (`cwc actors`), and the sources of their dates and terms."""
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "born": actor.born,
        "died": actor.died,
        "roles": [{"title": r.title, "start": r.start_text, "end": r.end_text,
                   "sources": citations(dataset, r.citations)} for r in actor.roles],
        "summary": actor.summary,
        "sources": citations(dataset, actor.citations),
        "events": event_count,
    }


def tenure_row(tenure) -> dict:
    role = tenure.role
    return {"actor": tenure.actor.id, "name": tenure.actor.name, "title": role.title, "start": role.start_text,
            "end": role.end_text}


def flat(value) -> str:
    """One cell of plain, CSV or table output."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_flat_item(item) for item in value)
    return str(value)


def _flat_item(item) -> str:
    if not isinstance(item, dict):
        return str(item)
    if "start" in item and "title" in item:
        return f"{item['title']} ({item['start']} to {item['end'] or 'now'})"
    if "date" in item:
        return item["date"]
    if item.get("locator"):
        return f"{item['id']} ({item['locator']})"
    return str(item.get("id", ""))


# ------------------------------------------------------------------------------------------ cwc at

WORLD_FLAT_FIELDS = ("section", "start", "end", "id", "title", "detail")


def _brief(event: Event, days: int | None = None) -> dict:
    row = {"id": event.id, "date": event.date, "label": event.label, "start": event.start.isoformat(),
           "end": event.end.isoformat(), "title": event.title}
    if days is not None:
        row["days"] = days
    return row


def world_record(dataset: Dataset, view) -> dict:
    """`cwc at` as one object: the date and window, the four sections, and the nearest events outside the window."""
    return {
        "date": {"start": view.when.start.isoformat(), "end": view.when.end.isoformat(),
                 "precision": view.when.precision},
        "window": {"start": view.window.start.isoformat(), "end": view.window.end.isoformat()},
        "office": [{"place": place, "place_name": getattr(dataset.actor(place), "name", place),
                    "actor": t.actor.id, "name": t.actor.name, "title": t.role.title, "start": t.role.start_text,
                    "end": t.role.end_text, "sources": citations(dataset, t.role.citations)}
                   for place, t in view.office],
        "going_on": [_brief(e) for e in view.going_on],
        "nearby": [_brief(n.event, n.days) for n in view.nearby],
        "disputed": [{**_brief(e), "claims": [{"date": e.date, "note": "the date this chronology gives",
                                               "sources": citations(dataset, e.citations)}]
                      + [{"date": a.date, "note": a.note, "sources": citations(dataset, a.citations)}
                         for a in e.alt_dates]} for e in view.disputed],
        "nearest": {"before": _brief(view.nearest_before.event, view.nearest_before.days) if view.nearest_before
                    else None,
                    "after": _brief(view.nearest_after.event, view.nearest_after.days) if view.nearest_after
                    else None},
    }


def world_rows(record: dict) -> list[dict]:
    """The sections of `world_record` as flat rows (plain, CSV and NDJSON output), one per line of the view."""
    rows = [{"section": "office", "start": o["start"], "end": o["end"] or "", "id": o["actor"], "title": o["title"],
             "detail": o["name"]} for o in record["office"]]
    rows += [{"section": "going_on", "start": e["start"], "end": e["end"], "id": e["id"], "title": e["title"],
              "detail": e["label"] or e["date"]} for e in record["going_on"]]
    rows += [{"section": "nearby", "start": e["start"], "end": e["end"], "id": e["id"], "title": e["title"],
              "detail": f"{e['days']:+d} days" if e["days"] else "that day"} for e in record["nearby"]]
    rows += [{"section": "disputed", "start": c["date"], "end": "", "id": e["id"], "title": e["title"],
              "detail": f"{c['note'] or ''} ({flat(c['sources'])})".strip()} for e in record["disputed"]
             for c in e["claims"]]
    if not record["going_on"] and not record["nearby"]:  # say how far the nearest events are
        rows += [{"section": f"nearest_{side}", "start": e["start"], "end": e["end"], "id": e["id"],
                  "title": e["title"], "detail": f"{e['days']:+d} days"}
                 for side, e in record["nearest"].items() if e]
    return rows


SEARCH_FIELDS = (*EVENT_FIELDS, "score", "snippet")


def search_record(dataset: Dataset, hit) -> dict:
    """An event found by search: its record with the relevance score and the matched words marked **so**."""
    from cold_war_cli.search import marked

    return {**event_record(dataset, EventMatch(hit.event, hit.partial)), "score": hit.score,
            "snippet": marked(hit.snippet)}
