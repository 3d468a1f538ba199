"""Every output format in one place: rich table, plain (tab-separated), JSON, NDJSON, CSV.

Renderers return strings; `emit` writes them. JSON and the other machine formats never pass through rich, and
every dataset string handed to rich is a `Text`, so brackets and colons print as written.
"""

from __future__ import annotations

import io
import json
import os
import sys

from cold_war_cli import records
from cold_war_cli.models import Actor, Dataset
from cold_war_cli.query import EventMatch
from cold_war_cli.terminal import Terminal
from cold_war_cli.text import inert, visible

FORMATS = ("table", "plain", "json", "nl", "csv")
PARTIAL_MARK = "≈"


def resolve_format(chosen: str | None, terminal: Terminal) -> str:
    """An explicit flag wins; otherwise a table on a terminal and plain text in a pipe."""
    if chosen:
        return chosen
    return "table" if terminal.is_tty else "plain"


def emit(text, terminal: Terminal | None = None, pager: bool | None = None) -> None:
    """Write to stdout, through a pager when asked or when a terminal is too short for the text. `text` is a string
    or, for a dump, an iterable of strings written as they come (never paged: dumps stream only into pipes).

    A reader that went away (`| head`) ends the run quietly with status 0.
    """
    if not text:
        return
    if sys.stdout is None:  # started with its standard output closed (`cwc events >&-`)
        from cold_war_cli.errors import CwcError

        raise CwcError("cannot write the output: standard output is closed")
    streamed = not isinstance(text, str)
    if not streamed and terminal is not None and wants_pager(text, terminal, pager) and _page(text):
        return
    try:
        for part in (text if streamed else (text,)):
            sys.stdout.write(part)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()  # so that the interpreter's final flush cannot fail again
        raise SystemExit(0) from None
    except OSError as exc:  # a full disk (`> /dev/full`), a quota, an I/O error
        from cold_war_cli.errors import CwcError

        discard_stdout()
        raise CwcError(f"cannot write the output: {exc.strerror or exc}") from None


def discard_stdout() -> None:
    """Point stdout at /dev/null, dropping what is still buffered: it could never be written."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    try:
        sys.stdout.flush()
    except OSError:
        pass


def wants_pager(text: str, terminal: Terminal, requested: bool | None) -> bool:
    """Never in a pipe; on a terminal when asked (--pager), or by default when the text is taller than the screen."""
    if not terminal.is_tty or requested is False:
        return False
    return bool(requested) or text.count("\n") >= terminal.height


def _page(text: str) -> bool:
    """Show text through $PAGER (default `less`, which keeps colours and quits on short output). False if no pager ran."""
    import shlex
    import subprocess

    try:
        command = shlex.split(os.environ.get("PAGER") or "less")
    except ValueError:  # e.g. an unbalanced quote: no pager rather than a crash
        return False
    if not command or command[0] == "cat":
        return False
    env = {**os.environ}
    env.setdefault("LESS", "FRX")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    try:
        process.communicate(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return process.wait() == 0  # a pager that failed has not shown the text: write it out instead


# ------------------------------------------------------------------------------------------- rows


def render_rows(rows: list[dict], fields: tuple[str, ...], fmt: str, terminal: Terminal, title: str | None = None) -> str:
    """Any list of records, limited to `fields`, in any format."""
    if fmt == "json":
        return json_array([{f: row[f] for f in fields} for row in rows], terminal)
    if fmt == "nl":
        return ndjson([{f: row[f] for f in fields} for row in rows])
    if fmt == "csv":
        return _csv([records.csv_row(row, fields) for row in rows], fields)
    if fmt == "plain":
        return "".join(_plain_line([records.flat(row[f]) for f in fields]) for row in rows)
    if fmt == "table":
        return _rich(terminal, lambda: [_rows_table(rows, fields, title)] if rows else [])
    raise ValueError(f"unknown format {fmt!r}")


def _rows_table(rows: list[dict], fields: tuple[str, ...], title: str | None):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", header_style="bold")
    for name in fields:
        numeric = all(isinstance(row[name], int) and not isinstance(row[name], bool) for row in rows)
        table.add_column(name, overflow="fold", justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(Text(visible(records.flat(row[f]))) for f in fields))
    return table


def render_world(record: dict, fmt: str, terminal: Terminal) -> str:
    """`cwc at`: one JSON object; flat rows (a `section` column) in plain, CSV and NDJSON; sections on a terminal."""
    if fmt == "json":
        return json_object(record, terminal)
    if fmt != "table":
        return render_rows(records.world_rows(record), records.WORLD_FLAT_FIELDS, fmt, terminal)
    return _rich(terminal, lambda: _world_sections(record))


def _world_sections(record: dict) -> list:
    from rich.text import Text

    day = record["date"]
    span = day["start"] if day["start"] == day["end"] else f"{day['start']} to {day['end']}"
    parts = [Text(f"The world on {span}", style="bold")]
    offices = [{"place": o["place_name"], "office": o["title"], "holder": o["name"],
                "term": f"{o['start']} to {o['end'] or 'later'}"} for o in record["office"]]
    sections = [
        ("Who held office", offices, ("place", "office", "holder", "term")),
        ("Going on", [{"date": e["label"] or records.display_date_text(e["date"]), "event": e["title"],
                       "id": e["id"]} for e in record["going_on"]], ("date", "event", "id")),
        ("Just before and just after", [{"when": "that day" if e["days"] == 0 else f"{e['days']:+d} days",
                                         "date": e["label"] or records.display_date_text(e["date"]),
                                         "event": e["title"], "id": e["id"]} for e in record["nearby"]],
         ("when", "date", "event", "id")),
        ("Disputed", [{"event": e["title"], "claimed": c["date"], "note": c["note"] or "",
                       "sources": records.flat(c["sources"])} for e in record["disputed"] for c in e["claims"]],
         ("event", "claimed", "note", "sources")),
    ]
    for title, rows, fields in sections:
        if rows:
            parts.append(_rows_table(rows, fields, title))
    if not any(rows for _, rows, _ in sections[1:]):
        parts.append(Text(visible(nothing_near(record)), style="dim"))
    return parts


def nothing_near(record: dict) -> str:
    """What to say when no event falls in the window: how far the nearest ones are."""
    found = []
    for side in ("before", "after"):
        event = record["nearest"][side]
        if event:
            found.append(f"{abs(event['days'])} days {side}: {event['title']} ({event['date']})")
    return "No event in the dataset within these dates. Nearest: " + ("; ".join(found) if found else "none") + "."


def render_counts(rows: list[dict], fields: tuple[str, ...], fmt: str, terminal: Terminal) -> str:
    """Counted keys (last field is the count): a horizontal bar chart in a table, plain data otherwise."""
    if fmt != "table" or not rows:
        return render_rows(rows, fields, fmt, terminal)

    def build():
        from rich.table import Table
        from rich.text import Text

        key_fields, count_field = fields[:-1], fields[-1]
        labels = [" ".join(visible(records.flat(row[f])) for f in key_fields) for row in rows]
        biggest = max(row[count_field] for row in rows) or 1
        label_width = min(max(len(label) for label in labels), terminal.width // 3)
        room = max(terminal.width - label_width - len(str(biggest)) - 8, 5)
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(overflow="fold", max_width=label_width)
        table.add_column(justify="right")
        table.add_column(no_wrap=True)
        for label, row in zip(labels, rows):
            count = row[count_field]
            bar = "█" * max(1, round(count / biggest * room)) if count else ""
            table.add_row(Text(label), Text(str(count)), Text(bar, style="cyan"))
        return [table]

    return _rich(terminal, build)


# ------------------------------------------------------------------------------------------- events


def json_array(items: list, terminal: Terminal) -> str:
    """A JSON array: indented on a terminal; in a pipe compact, one item per line."""
    if terminal.is_tty:
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return "".join(_json_pieces(iter(items), "json"))


def json_object(item: dict, terminal: Terminal) -> str:
    if terminal.is_tty:
        return json.dumps(item, ensure_ascii=False, indent=2) + "\n"
    return _compact(item) + "\n"


def ndjson(items: list) -> str:
    """One compact JSON item per line."""
    return "".join(_json_pieces(iter(items), "nl"))


def _compact(item) -> str:
    """JSON without spaces, as the store's records are written (by msgspec, which only the build imports)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


STREAM_BATCH = 500  # records per piece of a streamed dump


def stream_dump(dataset: Dataset, wanted, fmt: str):
    """A dump of the events `wanted` selects (json, nl or csv, as in a pipe) as pieces of text made a batch at a
    time, so that memory does not grow with the number of events: JSON copies the store's ready records."""
    if fmt == "csv":
        return stream_csv_texts(records.iter_csv_texts(dataset, wanted))
    return text_dump(records.iter_record_texts(dataset, wanted), fmt)


def stream_csv_texts(lines):
    """A CSV file of ready rows (the store's): the header, then the rows a batch a piece."""
    import itertools

    yield _csv([])
    while batch := list(itertools.islice(lines, STREAM_BATCH)):
        yield "".join(batch)


def stream_csv(rows):
    import itertools

    yield _csv([])
    while batch := list(itertools.islice(rows, STREAM_BATCH)):
        yield _csv([records.csv_row(row) for row in batch], None)


def _json_pieces(items, fmt: str):
    """JSON (an array, an item per line) or NDJSON of an iterator of items, compact as the store's records are."""
    return text_dump((_compact(item) for item in items), fmt)


def text_dump(texts, fmt: str):
    """JSON (an array, an item per line) or NDJSON of an iterator of compact JSON texts, a batch a piece."""
    import itertools

    first = True
    while batch := list(itertools.islice(texts, STREAM_BATCH)):
        if fmt == "json":
            yield ("[" if first else ",\n") + ",\n".join(batch)
        else:
            yield "\n".join(batch) + "\n"
        first = False
    if fmt == "json":
        yield "[]\n" if first else "]\n"


def render_records(rows: list[dict], fmt: str, terminal: Terminal) -> str:
    """Event records in a machine format (json, nl, csv), whole: indented JSON on a terminal."""
    if fmt == "csv":
        return "".join(stream_csv(iter(rows)))
    if fmt == "json":
        return json_array(rows, terminal)
    return ndjson(rows)


def render_events(dataset: Dataset, matches: list[EventMatch], fmt: str, terminal: Terminal) -> str:
    """Events for reading (table or plain); machine formats are made from records (`render_records`)."""
    if fmt in ("json", "nl", "csv"):
        return render_records([records.event_record(dataset, m) for m in matches], fmt, terminal)
    if fmt == "plain":
        return "".join(_plain_line(_event_fields(m)) for m in matches)
    if fmt == "table":
        return events_table(table_rows(dataset, matches), terminal)
    raise ValueError(f"unknown format {fmt!r}")


def table_rows(dataset: Dataset, matches: list[EventMatch]) -> list[tuple]:
    """The events table's rows from events: what `records.iter_table_rows` reads from the store."""
    actors = dataset.actors  # looked up as needed: building every actor would cost a short table more than itself
    return [(records.display_date(m.event), m.partial, m.event.title, m.event.id,
             ", ".join([actors[a].name if a in actors else a for a in m.event.actor_ids])) for m in matches]


def events_table(rows: list[tuple], terminal: Terminal) -> str:
    """The events table (rows: shown date, partial, title, id, actor names), laid out by `fast_table` as
    `_events_table` draws it with rich, which draws it only where columns must shrink (a very narrow terminal)."""
    if not rows:
        return ""
    from cold_war_cli import fast_table

    columns = [fast_table.Column("Date", "cyan", min_width=10, max_width=13), fast_table.Column("Event", ratio=2),
               fast_table.Column("Actors", "green", ratio=1)]
    cells = [[[(PARTIAL_MARK + " " + visible(when) if partial else visible(when), None)],
              [(visible(title), "bold"), (event_id, "bold dim")], [(visible(names), None)]]
             for when, partial, title, event_id, names in rows]
    caption = _PARTIAL_CAPTION if any(row[1] for row in rows) else None
    text = fast_table.lay_out(columns, cells, terminal.width, _painter(terminal.color), caption)
    if text is None:
        return _rich(terminal, lambda: [_events_table(rows)])
    return text


_SGR = {"bold": "1", "dim": "2", "italic": "3", "reverse": "7", "green": "32", "cyan": "36"}


def _painter(color: bool):
    """`paint(text, style)` for `fast_table`: SGR codes as rich writes them for these styles (None: no colour)."""
    if not color:
        return None
    codes: dict[str, str] = {}

    def paint(text: str, style: str | None) -> str:
        if not style or not text:
            return text
        start = codes.get(style)
        if start is None:
            start = codes[style] = "\x1b[" + ";".join(_SGR[word] for word in style.split()) + "m"
        return start + text + "\x1b[0m"
    return paint


def _event_fields(match: EventMatch) -> list[str]:
    event = match.event
    return [event.start.isoformat(), event.end.isoformat(), event.id, "partial" if match.partial else "full",
            event.title]


def _plain_line(fields: list[str]) -> str:
    return "\t".join(visible(f) for f in fields) + "\n"


def _csv(rows: list[list[str]], header: tuple[str, ...] | None = records.CSV_FIELDS) -> str:
    import csv

    out = io.StringIO()
    # RFC 4180 line ends: with them the writer quotes any field holding a CR or LF, so a record never splits.
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    # Nothing that could drive a terminal; one search of a row's cells joined by tabs (which `inert` keeps) clears
    # a row that needs no change.
    writer.writerows([row if inert(joined := "\t".join(row)) is joined else [inert(cell) for cell in row]
                      for row in rows])
    return out.getvalue()


def _events_table(rows: list[tuple]):
    """The events table as rich draws it (rows as `events_table` takes them)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, expand=True, header_style="bold")  # expand: the columns keep their ratios
    # "1961-06-03 to 1961-06-04" wraps after "to": the dates never take the Event column's room.
    table.add_column("Date", no_wrap=False, overflow="fold", style="cyan", min_width=10, max_width=13)
    table.add_column("Event", overflow="fold", ratio=2)
    table.add_column("Actors", overflow="fold", ratio=1, style="green")
    for when, partial, title, event_id, names in rows:
        date_cell = Text(PARTIAL_MARK + " " + visible(when) if partial else visible(when))
        what = Text(visible(title), style="bold") + Text("\n" + event_id, style="dim")  # for `cwc show ID`
        table.add_row(date_cell, what, Text(visible(names)))
    if any(row[1] for row in rows):
        table.caption = _PARTIAL_CAPTION
    return table


_PARTIAL_CAPTION = f"{PARTIAL_MARK} the event's dates reach outside the range asked for"


def render_search(dataset: Dataset, hits: list, fmt: str, terminal: Terminal) -> str:
    """Search results, best first: events with their score and a snippet of the matched words."""
    if fmt in ("json", "nl", "csv"):
        rows = [records.search_record(dataset, hit) for hit in hits]
        if fmt == "json":
            return json_array(rows, terminal)
        if fmt == "nl":
            return ndjson(rows)
        return _csv([records.csv_row(row) + [str(row["score"]), row["snippet"]] for row in rows],
                    (*records.CSV_FIELDS, "score", "snippet"))
    if fmt == "plain":
        return "".join(_plain_line([*_event_fields(hit), f"{hit.score:.3f}"]) for hit in hits)
    if fmt == "table":
        return _rich(terminal, lambda: [_search_table(hits)] if hits else [])
    raise ValueError(f"unknown format {fmt!r}")


def _search_table(hits: list):
    from rich.table import Table
    from rich.text import Text

    from cold_war_cli.search import MARK_END, MARK_START

    table = Table(show_lines=False, expand=True, header_style="bold")
    table.add_column("Date", overflow="fold", style="cyan", min_width=10, max_width=13)
    table.add_column("Event", overflow="fold", ratio=1)
    table.add_column("Match", overflow="fold", ratio=1)
    for hit in hits:
        event = hit.event
        what = Text(visible(event.title), style="bold") + Text("\n" + event.id, style="dim")
        snippet = Text()
        for i, part in enumerate(hit.snippet.replace(MARK_END, MARK_START).split(MARK_START)):
            snippet.append(visible(part), style="bold reverse" if i % 2 else None)  # the matched words stand out
        table.add_row(Text(visible(records.display_date(event))), what, snippet)
    return table


def _rich(terminal: Terminal, build) -> str:
    """Render rich renderables to a string with a console built for this call."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        width=terminal.width,
        force_terminal=terminal.color,
        color_system="auto" if terminal.color else None,
        no_color=not terminal.color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    for renderable in build():
        console.print(renderable)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- actors


def render_actor_records(dataset: Dataset, actor: Actor, rows: list[dict], fmt: str, terminal: Terminal) -> str:
    """An actor and the records of their events in a machine format: one object (json, nl), or the events (csv)."""
    if fmt == "csv":
        return render_records(rows, "csv", terminal)
    return json_object({**records.actor_row(actor, 0, dataset), "events": rows}, terminal)


def actor_json_text(dataset: Dataset, actor: Actor, texts: list[str]) -> str:
    """`who NAME --json` in a pipe, one line: the actor, then their events' records as the store keeps them."""
    head = _compact({**records.actor_row(actor, 0, dataset), "events": []})
    return head[: -len("[]}")] + "[" + ",".join(texts) + "]}\n"


def render_actor(dataset: Dataset, actor: Actor, matches: list[EventMatch], fmt: str, terminal: Terminal) -> str:
    """An actor and their events for reading (table or plain)."""
    if fmt == "plain":
        return _actor_plain(actor, matches)
    if fmt == "table":
        return _rich(terminal, lambda: _actor_card(dataset, actor, matches))
    raise ValueError(f"unknown format {fmt!r}")


def _actor_plain(actor: Actor, matches: list[EventMatch]) -> str:
    lines = [["id", actor.id], ["name", actor.name], ["kind", actor.kind]]
    lines += [["born", actor.born]] if actor.born else []
    lines += [["died", actor.died]] if actor.died else []
    lines += [["alias", alias] for alias in actor.aliases]
    lines += [["role", r.start_text, r.end_text or "", r.title] for r in actor.roles]
    lines += [["summary", actor.summary]] if actor.summary else []
    lines += [["event", *_event_fields(m)] for m in matches]
    return "".join(_plain_line(line) for line in lines)


def _life(actor: Actor) -> str | None:
    if actor.born and actor.died:
        return f"{actor.born} to {actor.died}"
    if actor.born:
        return f"born {actor.born}"
    if actor.died:
        return f"died {actor.died}"
    return None


def _actor_card(dataset: Dataset, actor: Actor, matches: list[EventMatch]):
    from rich.table import Table
    from rich.text import Text

    parts = []
    heading = Text(visible(actor.name), style="bold")
    heading.append(f"  ({actor.id}, {actor.kind})", style="dim")
    parts.append(heading)
    if life := _life(actor):
        parts.append(Text(life))
    if actor.aliases:
        parts.append(Text("Also: ", style="dim") + Text(visible("; ".join(actor.aliases))))
    if actor.summary:
        parts.append(Text(visible(actor.summary)))
    if actor.roles:
        roles = Table(title="Roles", title_justify="left", header_style="bold")
        roles.add_column("Office", overflow="fold", ratio=3)
        roles.add_column("From", style="cyan", no_wrap=True)
        roles.add_column("To", style="cyan", no_wrap=True)
        for role in actor.roles:
            roles.add_row(Text(visible(role.title)), Text(role.start_text), Text(role.end_text or "-"))
        parts.append(roles)
    if matches:
        table = _events_table(table_rows(dataset, matches))
        table.title = f"Events ({len(matches)})"
        table.title_justify = "left"
        parts.append(table)
    else:
        parts.append(Text("No events in this dataset.", style="dim"))
    return parts


# ------------------------------------------------------------------------------------------- one event


def render_event_detail(dataset: Dataset, match: EventMatch, related: list, fmt: str, terminal: Terminal) -> str:
    record = records.event_record(dataset, match)
    record["related"] = [{"id": e.id, "date": e.date, "start": e.start.isoformat(), "title": e.title} for e in related]
    if fmt in ("json", "nl"):
        return json_object(record, terminal)
    if fmt == "csv":
        return _csv([records.csv_row(record)])
    if fmt == "plain":
        return _event_plain(record)
    if fmt == "table":
        return _rich(terminal, lambda: _event_card(record))
    raise ValueError(f"unknown format {fmt!r}")


def _event_plain(record: dict) -> str:
    lines = [[key, records.flat(record[key])] for key in
             ("id", "date", "label", "start", "end", "precision", "certainty", "title", "summary") if record[key]]
    lines += [["alias", alias] for alias in record["aliases"]]
    lines += [["actor", a["id"], a["name"]] for a in record["actors"]]
    lines += [["place", p] for p in record["places"]]
    lines += [["tag", t] for t in record["tags"]]
    lines += [["source", s["id"], s["locator"] or "", s["title"] or "", s["url"] or ""] for s in record["sources"]]
    lines += [["note", n] for n in record["notes"]]
    lines += [["alt_date", a["date"], a["note"] or "", records.flat(a["sources"])] for a in record["alt_dates"]]
    lines += [["related", r["start"], r["id"], r["title"]] for r in record["related"]]
    return "".join(_plain_line(line) for line in lines)


def _event_card(record: dict):
    from rich.table import Table
    from rich.text import Text

    when = record["label"] or records.display_date_text(record["date"])
    detail = f"{record['start']} to {record['end']}" if record["start"] != record["end"] else record["start"]
    parts = [Text(visible(record["title"]), style="bold"),
             Text(visible(when), style="cyan") + Text(f"  ({detail}; {record['precision']} precision, "
                                                      f"{record['certainty']})  {record['id']}", style="dim"),
             Text(visible(record["summary"]))]
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")

    def fact(name: str, values: list[str]) -> None:
        if values:
            facts.add_row(Text(name), Text("\n".join(visible(v) for v in values)))

    fact("Also known as", ["; ".join(record["aliases"])] if record["aliases"] else [])
    fact("Actors", [f"{a['name']} ({a['id']})" for a in record["actors"]])
    fact("Places", record["places"])
    fact("Tags", [", ".join(record["tags"])] if record["tags"] else [])
    fact("Sources", [" ".join(filter(None, [s["title"] or s["id"], s["locator"] and f"[{s['locator']}]", s["url"]]))
                     for s in record["sources"]])
    fact("Notes", record["notes"])
    fact("Also dated", [f"{a['date']}: {a['note'] or ''} ({records.flat(a['sources'])})" for a in record["alt_dates"]])
    fact("Related", [f"{r['start']}  {r['title']} ({r['id']})" for r in record["related"]])
    parts.append(facts)
    return parts


# ------------------------------------------------------------------------------------------- citations

CITATION_LABELS = {"chicago": ("Note", "Bibliography"), "apa": ("In text", "Reference"),
                   "mla": ("In text", "Works cited")}


def render_citations(cited: list, style: str, terminal: Terminal) -> str:
    """`cwc cite`: per event a heading line, then each citation's note (or in-text citation) and bibliography
    entry. Plain text in a pipe, one line each, ready to paste; on a terminal, titles in italics where the style
    sets them so. `cited` is a list of cite.EventCitations."""
    note_label, entry_label = CITATION_LABELS[style]
    if not terminal.is_tty:
        lines = []
        for block in cited:
            lines.append(f"{visible(block.event.id)}\t{visible(block.event.title)}")
            for c in block.citations:
                mark = " (alternative date)" if c.alternative else ""
                lines.append(f"{note_label}{mark}: " + visible("".join(s.text for s in c.note)))
                lines.append(f"{entry_label}{mark}: " + visible("".join(s.text for s in c.entry)))
            lines.append("")
        return "".join(line + "\n" for line in lines[:-1])

    def build():
        from rich.text import Text

        parts = []
        for block in cited:
            parts.append(Text(visible(block.event.title), style="bold") + Text(f"  {block.event.id}", style="dim"))
            for c in block.citations:
                mark = " (alternative date)" if c.alternative else ""
                for label, spans in ((note_label, c.note), (entry_label, c.entry)):
                    line = Text()
                    line.append(f"{label}{mark}: ", style="cyan")
                    for span in spans:
                        line.append(visible(span.text), style=span.style)
                    parts.append(line)
            parts.append(Text(""))
        return parts[:-1]

    return _rich(terminal, build)


# ------------------------------------------------------------------------------------------- timeline

TIMELINE_COLOURS = ("cyan", "green", "magenta", "yellow", "blue", "red", "bright_cyan", "bright_green",
                    "bright_magenta", "bright_blue")
_TIMELINE_KEY = {"bar": "interval", "mark": "day", "vague": "month, year or decade", "?": "uncertain",
                 "~": "approximate"}


def render_timeline(layout, terminal: Terminal, glyphs=None, heading: str | None = None) -> str:
    """`cwc timeline` on a terminal: the axis, one line per row (its label, then its cells), the key. Colour
    (by first tag, or by lane) only adds to what the characters say."""
    width = layout.label_width + 1 + layout.axis.width  # the heading and key wrap at the chart's width
    sized = Terminal(terminal.is_tty, width, terminal.color, terminal.height)
    return _rich(sized, lambda: _timeline_lines(layout, glyphs, heading, terminal.color))


def render_timeline_svg(layout, glyphs=None, heading: str | None = None, title: str = "cwc timeline") -> str:
    """The same drawing, in colour, as an SVG document (rich's recorded console)."""
    from rich.console import Console

    width = layout.label_width + 1 + layout.axis.width
    console = Console(file=io.StringIO(), record=True, width=width, force_terminal=True, color_system="truecolor",
                      markup=False, emoji=False, highlight=False, soft_wrap=False)
    for line in _timeline_lines(layout, glyphs, heading, True):
        console.print(line)
    return console.export_svg(title=title)


def _timeline_colours(layout) -> dict[str, str]:
    """Lanes take the colours in turn (their label names them); events take their first tag's, for the most
    used tags only, so that no colour stands for two tags."""
    if layout.by != "event":
        return {row.key: TIMELINE_COLOURS[i % len(TIMELINE_COLOURS)] for i, row in enumerate(layout.rows)}
    counts: dict[str, int] = {}
    for row in layout.rows:
        if row.key:
            counts[row.key] = counts.get(row.key, 0) + 1
    ranked = sorted(counts, key=lambda key: -counts[key])[:len(TIMELINE_COLOURS)]
    return dict(zip(ranked, TIMELINE_COLOURS))


def _timeline_lines(layout, glyphs, heading: str | None, color: bool) -> list:
    from rich.text import Text

    from cold_war_cli import timeline as core

    glyphs = glyphs or core.GLYPHS_UTF8
    axis = layout.axis
    pad = " " * (layout.label_width + 1)
    colours = _timeline_colours(layout)
    majors, ticks, rule = core.axis_lines(axis, glyphs)
    tick_cells = {t.pos for t in axis.ticks}
    lines = [Text(visible(heading), style="bold")] if heading else []
    lines += [Text(pad + majors, style="bold")] if majors.strip() else []
    lines += [Text(pad + ticks), Text(pad + rule, style="dim")]
    for row in layout.rows:
        line = Text(visible(row.label), no_wrap=True)
        line.truncate(layout.label_width, overflow="ellipsis", pad=True)
        line.append(" ")
        colour = colours.get(row.key, "")
        for i, kind in enumerate(core.cells(row, axis)):
            if kind is None:
                line.append(glyphs["grid"] if i in tick_cells else " ", style="dim")
            else:
                line.append(glyphs[kind], style=_cell_style(kind, colour))
        lines.append(line)
    if len(layout.rows) > 20:  # a tall chart gets its scale again at the bottom
        lines += [Text(pad + rule, style="dim"), Text(pad + ticks)]
    lines.append(_timeline_key(layout, glyphs, colours if color and layout.by == "event" else {}))
    return lines


def _cell_style(kind: str, colour: str) -> str:
    if kind == "vague":
        return f"{colour} dim".strip()
    if kind in ("?", "~", "left", "right", "mark"):
        return f"bold {colour}".strip()
    return colour


def _timeline_key(layout, glyphs, tag_colours: dict[str, str]):
    from rich.text import Text

    from cold_war_cli import timeline as core

    used = core.kinds_used(layout)
    key = Text(style="dim")
    for kind in used:
        if kind in _TIMELINE_KEY:
            meaning = _TIMELINE_KEY[kind]
            if kind == "bar" and layout.by == "actor" and any(not item.id for row in layout.rows for item in row.items):
                meaning = "interval or term of office"
            key.append(f"{glyphs[kind]} {meaning}   ")
    if "left" in used or "right" in used:
        key.append(f"{glyphs['left']} {glyphs['right']} goes on past the axis   ")
    for tag, colour in tag_colours.items():
        key.append(glyphs["bar"], style=colour)
        key.append(" " + visible(tag) + "  ")
    key.rstrip()
    return key
