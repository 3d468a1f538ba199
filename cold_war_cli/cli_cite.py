"""The commands `cwc cite` and `cwc sources`: events' sources as citations, and the bibliography as a listing."""

from __future__ import annotations

import click

from cold_war_cli import render, terminal
from cold_war_cli.cli import CwcCommand
from cold_war_cli.errors import LookupFailed
from cold_war_cli.options import CONTEXT_SETTINGS, choose_fields, complete_event_id, load, output_options
from cold_war_cli.query import EventMatch, find_event
from cold_war_cli.text import fold

CITE_STYLES = ("chicago", "apa", "mla", "bibtex", "ris", "csl-json")
SOURCE_TYPES = ("book", "chapter", "journal-article", "magazine-article", "newspaper-article", "web-page",
                "government-document", "archival-document", "treaty", "speech", "dataset", "report")
SOURCE_QUALITIES = ("primary", "scholarly", "official-history", "press", "reference", "narrative")
SOURCE_FIELDS = ("id", "type", "quality", "title", "author", "year", "container", "url", "events")
SOURCE_DETAIL_FIELDS = ("id", "type", "quality", "title", "authors", "editors", "container", "volume", "publisher",
                        "place", "issued", "accessed", "url", "isbn", "note")


def _terminal() -> terminal.Terminal:
    return terminal.detect(click.get_current_context().find_root().ensure_object(dict).get("color", "auto"))


@click.command(cls=CwcCommand, context_settings=CONTEXT_SETTINGS)
@click.argument("event_ids", metavar="ID...", nargs=-1, required=True, shell_complete=complete_event_id)
@click.option("--style", type=click.Choice(CITE_STYLES), default="chicago", show_default=True,
              help="Chicago notes and bibliography, APA, MLA, or a bibliography file format.")
@click.option("--all-sources", is_flag=True, help="Also cite the sources of the events' alternative dates.")
@click.pass_context
def cite(ctx, event_ids, style, all_sources):
    """Cite events' sources in a citation style, each with its locator, ready to paste.

    \b
    Examples:
      cwc cite cuban-revolution-victory
      cwc cite beria-executed --style apa --all-sources
      cwc cite bay-of-pigs-invasion --style bibtex >> thesis.bib

    Chicago (the default) gives each source's full note, with the locator (a FRUS document, a page,
    a Milestones article) and the cited place's address, then its bibliography entry; APA and MLA give
    the in-text citation and the reference-list entry. Plain text in a pipe, titles in italics on a
    terminal. bibtex, ris and csl-json give the events' sources as records. An unknown ID exits 1.
    """
    from cold_war_cli import cite as core

    data = load(ctx)
    events = [find_event(data, event_id) for event_id in event_ids]
    term = _terminal()
    if style in core.DATA_STYLES:
        from cold_war_cli import bibliography

        write = {"bibtex": bibliography.to_bibtex, "ris": bibliography.to_ris, "csl-json": bibliography.to_csl_json}
        render.emit(write[style](data, [EventMatch(e, False) for e in events], alt_dates=all_sources))
        return
    cited = core.cite_events(data, events, style, all_sources)
    render.emit(render.render_citations(cited, style, term), term)


@click.command(cls=CwcCommand, context_settings=CONTEXT_SETTINGS)
@click.argument("source_id", metavar="[ID]", required=False)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(SOURCE_TYPES), metavar="TYPE",
              help="Only sources of this type (repeat: any of them).")
@click.option("--quality", "qualities", multiple=True, type=click.Choice(SOURCE_QUALITIES), metavar="Q",
              help="Only sources of this quality: primary, scholarly, official-history, press, reference, narrative.")
@click.option("--keyword", "-k", "keywords", multiple=True, metavar="WORD",
              help="Only sources whose id, title, authors, container or publisher contain WORD (repeat: all).")
@output_options
@click.pass_context
def sources(ctx, source_id, kinds, qualities, keywords, fmt, fields, pager):
    """List the bibliography with how many events cite each source, or show one source.

    \b
    Examples:
      cwc sources
      cwc sources --kind book --quality scholarly
      cwc sources -k khrushchev --json | jq -r '.[].title'
      cwc sources frus-1961-63-v10

    `cwc sources ID` shows every field of one source and the events that cite it (an unknown ID exits 1
    with the closest ids). Counts include citations of alternative dates.
    """
    data = load(ctx)
    term = _terminal()
    fmt_ = render.resolve_format(fmt, term)
    citing = _citing_events(data)
    if source_id is not None:
        if kinds or qualities or keywords:
            raise click.UsageError("--kind, --quality and --keyword list sources; not with an ID")
        source = data.sources.get(source_id)
        if source is None:
            raise LookupFailed(f"no source with id '{source_id}'", _closest(source_id, list(data.sources)))
        render.emit(_render_source(source, citing.get(source.id, []), fmt_, term, fields), term, pager)
        return
    if any(not fold(k) for k in keywords):
        raise click.BadParameter("a keyword needs at least one letter or digit", param_hint="'--keyword'")
    chosen = choose_fields(fields, SOURCE_FIELDS) or SOURCE_FIELDS
    rows = [_source_row(s, len(citing.get(s.id, []))) for s in sorted(data.sources.values(), key=lambda s: s.id)
            if (not kinds or s.type in kinds) and (not qualities or s.quality in qualities)
            and all(fold(k) in _source_text(s) for k in keywords)]
    render.emit(render.render_rows(rows, chosen, fmt_, term), term, pager)


def _citing_events(data) -> dict[str, list[tuple]]:
    """source id -> (event, citation) pairs, in dataset order; an event citing a source twice counts once."""
    found: dict[str, list[tuple]] = {}
    for event in data.events:
        seen = set()
        for citation in (*event.citations, *(c for alt in event.alt_dates for c in alt.citations)):
            if citation.source_id not in seen:
                seen.add(citation.source_id)
                found.setdefault(citation.source_id, []).append((event, citation))
    return found


def _source_text(source) -> str:
    names = " ".join(str(n) for n in (*source.authors, *source.editors))
    return fold(" ".join(filter(None, (source.id, source.title, names, source.container, source.publisher))))


def _source_row(source, count: int) -> dict:
    return {"id": source.id, "type": source.type, "quality": source.quality, "title": source.title,
            "author": source.author, "year": source.year, "container": source.container, "url": source.url,
            "events": count}


def _source_record(source, citing) -> dict:
    from cold_war_cli import csl

    record = {"id": source.id, "type": source.type, "quality": source.quality, "title": source.title,
              "authors": [str(n) for n in source.authors], "editors": [str(n) for n in source.editors]}
    for key in SOURCE_DETAIL_FIELDS[6:]:
        record[key] = getattr(source, key)
    record["csl"] = csl.item(source)
    record["events"] = [{"id": e.id, "date": e.date, "title": e.title, "locator": c.locator, "url": c.url}
                        for e, c in citing]
    return record


def _render_source(source, citing, fmt: str, term, fields) -> str:
    record = _source_record(source, citing)
    if fmt == "json":
        return render.json_object(record, term)
    if fmt == "nl":
        return render.ndjson([record])
    events = [{"event": e["id"], "date": e["date"], "locator": e["locator"], "title": e["title"]}
              for e in record["events"]]
    event_fields = choose_fields(fields, ("event", "date", "locator", "title")) or ("event", "date", "locator",
                                                                                    "title")
    if fmt == "csv":
        return render.render_rows(events, event_fields, "csv", term)
    facts = [{"field": key, "value": record[key]} for key in SOURCE_DETAIL_FIELDS if record[key] not in (None, [])]
    if fmt == "plain":
        lines = render.render_rows(facts, ("field", "value"), "plain", term)
        return lines + "".join("event\t" + line for line in
                               render.render_rows(events, event_fields, "plain", term).splitlines(True))
    return (render.render_rows(facts, ("field", "value"), "table", term, title=f"Source {source.id}")
            + render.render_rows(events, event_fields, "table", term, title=f"Cited by {len(events)} events"))


def _closest(wanted: str, ids: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(wanted, ids, n=5, cutoff=0.5)
