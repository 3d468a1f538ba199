"""`cwc timeline`: the events that pass the `cwc events` filters, drawn on a time axis (or listed, in a pipe).

Imported at the end of cli.py (which defines `CwcCommand`); the drawing modules load only when the command runs.
"""

from __future__ import annotations

import sys

import click

from cold_war_cli import render, terminal
from cold_war_cli.cli import CwcCommand
from cold_war_cli.errors import CwcError
from cold_war_cli.options import CONTEXT_SETTINGS, filter_options, selected_events

BY = ("event", "actor", "tag")  # as timeline.BY, without importing it at every start of cwc
PLAIN_FIELDS = ("start", "end", "id", "title")
SVG_WIDTH = 120  # an SVG made in a pipe: wide enough for slides


@click.command(cls=CwcCommand, context_settings=CONTEXT_SETTINGS)
@filter_options
@click.option("--by", type=click.Choice(BY), default="event", show_default=True,
              help="One row per event, or one lane per actor or per tag.")
@click.option("--svg", "svg", metavar="FILE", help="Save the drawing as an SVG file (for printing or slides).")
@click.option("--width", type=click.IntRange(min=30, max=1000), metavar="N",
              help="Draw N columns wide (default: the terminal's width; 120 for --svg in a pipe).")
@click.option("--chart", "fmt", flag_value="chart", help="Draw the timeline even when piped.")
@click.option("--plain", "fmt", flag_value="plain", help="Rows as tab-separated text even on a terminal.")
@click.option("--pager/--no-pager", "pager", default=None,
              help="Page the drawing on a terminal (default: when it is taller than the screen).")
@click.pass_context
def timeline(ctx, by, svg, width, fmt, pager, **filters):
    """Draw events on a time axis: intervals as bars, days as marks, vague dates as faded spans.

    \b
    Examples:
      cwc timeline --from 1962-10-14 --to 1962-10-28
      cwc timeline --by actor --tag leadership --from 1953 --to 1964
      cwc timeline --by tag --on 1961
      cwc timeline --tag cuban-missile-crisis --svg crisis.svg

    Every filter of `cwc events` applies. The axis runs over the asked dates (else the events' span),
    with ticks for days, months or years as the range and width allow. ? marks an uncertain date,
    ~ an approximate one, and an arrow an item that goes on past the axis. With --by actor and
    --tag leadership, each actor's terms of office are drawn as bars too. Piped (or with --plain):
    one tab-separated line per event, start, end, id, title; with lanes, the lane first.
    """
    from cold_war_cli import timeline as core
    from cold_war_cli.text import fold

    data, matches = selected_events(ctx, filters)
    events = [m.event for m in matches]
    term = terminal.detect(ctx.find_root().obj.get("color", "auto"))
    asked_start, asked_end = _asked(filters)
    span = core.window(events, asked_start, asked_end)
    if by == "actor":
        with_terms = "leadership" in {fold(tag) for tag in filters["tags"]}
        rows = core.actor_rows(data.actors, events, terms=with_terms, window=span)
    elif by == "tag":
        rows = core.tag_rows(events)
    else:
        rows = core.event_rows(events)

    if not svg and (fmt == "plain" or (fmt is None and not term.is_tty)):
        fields = PLAIN_FIELDS if by == "event" else ("lane", *PLAIN_FIELDS)
        lines = [dict(zip(fields, row)) for row in core.plain_rows(rows, by)]
        render.emit(render.render_rows(lines, fields, "plain", term))
        return
    if not rows or span is None:
        click.echo("No events matched.", err=True)
        return
    drawing = core.layout(rows, width or (term.width if term.is_tty or not svg else SVG_WIDTH), span, by)
    heading = _heading(len(events), len(rows), by, span)
    if svg:
        _write(svg, render.render_timeline_svg(drawing, core.GLYPHS_UTF8, heading, title=f"cwc timeline: {heading}"))
        click.echo(f"Wrote a timeline of {len(events)} events to {svg}", err=True)
        return
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    utf8 = encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    text = render.render_timeline(drawing, term, core.GLYPHS_UTF8 if utf8 else core.GLYPHS_ASCII, heading)
    if not utf8:  # titles in other scripts: shown as '?' rather than failing to write
        text = text.encode(encoding, errors="replace").decode(encoding)
    render.emit(text, term, pager)


def _asked(filters: dict):
    """The first and last day asked for (either may be None)."""
    if filters["on"] is not None:
        return filters["on"].start, filters["on"].end
    return (filters["from_"].start if filters["from_"] else None), (filters["to"].end if filters["to"] else None)


def _heading(events: int, rows: int, by: str, span) -> str:
    from cold_war_cli.timeline import MONTHS

    def day(d) -> str:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    lanes = "" if by == "event" else f"{rows} {'actors' if by == 'actor' else 'tags'}, "
    return f"{lanes}{events} event{'s' if events != 1 else ''}, {day(span[0])} to {day(span[1])}"


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise CwcError(f"cannot write {path}: {exc.strerror or exc}") from None
