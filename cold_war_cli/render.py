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


def emit(text: str, terminal: Terminal | None = None, pager: bool | None = None) -> None:
    """Write to stdout, through a pager when asked or when a terminal is too short for the text.

    A reader that went away (`| head`) ends the run quietly with status 0.
    """
    if not text:
        return
    if sys.stdout is None:  # started with its standard output closed (`cwc events >&-`)
        from cold_war_cli.errors import CwcError

        raise CwcError("cannot write the output: standard output is closed")
    if terminal is not None and wants_pager(text, terminal, pager) and _page(text):
        return
    try:
        sys.stdout.write(text)
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
        return "".join(json.dumps({f: row[f] for f in fields}, ensure_ascii=False) + "\n" for row in rows)
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
    """A JSON array: indented on a terminal; in a pipe one item per line, which json's C encoder writes several
    times faster (it cannot indent)."""
    if terminal.is_tty:
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if not items:
        return "[]\n"
    return "[" + ",\n ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]\n"


def json_object(item: dict, terminal: Terminal) -> str:
    return json.dumps(item, ensure_ascii=False, indent=2 if terminal.is_tty else None) + "\n"


def render_events(dataset: Dataset, matches: list[EventMatch], fmt: str, terminal: Terminal) -> str:
    if fmt == "json":
        return json_array([records.event_record(dataset, m) for m in matches], terminal)
    if fmt == "nl":
        return "".join(json.dumps(records.event_record(dataset, m), ensure_ascii=False) + "\n" for m in matches)
    if fmt == "csv":
        return _csv([records.csv_row(records.event_record(dataset, m)) for m in matches])
    if fmt == "plain":
        return "".join(_plain_line(_event_fields(m)) for m in matches)
    if fmt == "table":
        return _rich(terminal, lambda: [_events_table(dataset, matches)] if matches else [])
    raise ValueError(f"unknown format {fmt!r}")


def _event_fields(match: EventMatch) -> list[str]:
    event = match.event
    return [event.start.isoformat(), event.end.isoformat(), event.id, "partial" if match.partial else "full",
            event.title]


def _plain_line(fields: list[str]) -> str:
    return "\t".join(visible(f) for f in fields) + "\n"


def _csv(rows: list[list[str]], header: tuple[str, ...] = records.CSV_FIELDS) -> str:
    import csv

    out = io.StringIO()
    # RFC 4180 line ends: with them the writer quotes any field holding a CR or LF, so a record never splits.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[inert(cell) for cell in row] for row in rows])  # nothing that could drive a terminal
    return out.getvalue()


def _events_table(dataset: Dataset, matches: list[EventMatch]):
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, expand=True, header_style="bold")  # expand: the columns keep their ratios
    # "1961-06-03 to 1961-06-04" wraps after "to": the dates never take the Event column's room.
    table.add_column("Date", no_wrap=False, overflow="fold", style="cyan", min_width=10, max_width=13)
    table.add_column("Event", overflow="fold", ratio=2)
    table.add_column("Actors", overflow="fold", ratio=1, style="green")
    for match in matches:
        event = match.event
        when = Text(visible(records.display_date(event)))
        if match.partial:
            when = Text(PARTIAL_MARK + " ") + when
        what = Text(visible(event.title), style="bold") + Text("\n" + event.id, style="dim")  # for `cwc show ID`
        names = [dataset.actors[a].name if a in dataset.actors else a for a in event.actor_ids]
        table.add_row(when, what, Text(visible(", ".join(names))))
    if any(m.partial for m in matches):
        table.caption = f"{PARTIAL_MARK} the event's dates reach outside the range asked for"
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


def render_actor(dataset: Dataset, actor: Actor, matches: list[EventMatch], fmt: str, terminal: Terminal) -> str:
    if fmt == "json":
        return json_object(records.actor_record(dataset, actor, matches), terminal)
    if fmt == "nl":
        return json.dumps(records.actor_record(dataset, actor, matches), ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_events(dataset, matches, "csv", terminal)
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
        table = _events_table(dataset, matches)
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
    if fmt == "json":
        return json_object(record, terminal)
    if fmt == "nl":
        return json.dumps(record, ensure_ascii=False) + "\n"
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
