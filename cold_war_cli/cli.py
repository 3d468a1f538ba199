"""The command line: parse arguments, call the core, hand results to `render`. Nothing else lives here."""

from __future__ import annotations

import os
import sys

import click
from click.exceptions import NoArgsIsHelpError

from cold_war_cli import dataset as dataset_module
from cold_war_cli import records, render, terminal
from cold_war_cli.errors import BadDate, CwcError
from cold_war_cli.options import (
    CONTEXT_SETTINGS,
    DateParam,
    choose_fields,
    complete_actor,
    complete_event_id,
    filter_options,
    filtered,
    load,
    output_options,
    resolve,
    selected_events,
)
from cold_war_cli.text import visible
from cold_war_cli.query import (
    EventFilter,
    EventMatch,
    find_event,
    iter_events,
    office_holders,
    related_events,
    select_actors,
    select_events,
)

COMPLETION_SHELLS = ("bash", "zsh", "fish")
EXPORT_FORMATS = ("ics", "timelinejs", "csv", "markdown", "html", "bibtex", "ris", "csl-json", "sqlite")
CITATION_STYLES = ("chicago", "apa", "mla")


def one_line(message: str) -> str:
    """A message that stays on one line whatever text it quotes (control characters escaped, runs of
    whitespace, such as click's 'Choose from:' list, folded into one space)."""
    return " ".join(visible(message).split())


def run() -> None:
    """The console entry point (`cwc`, `python -m cold_war_cli`): the CLI, then a hard exit once output is flushed.

    The interpreter's teardown, freeing every module and object one by one, cost about 10 ms of each run, as much
    as all of cwc's own start-up, and nothing cwc leaves behind needs it: output files are closed, databases
    replaced and the pager waited for before a command returns. (mypy ends its runs the same way.) Tests call
    `cli` itself, which exits normally, and so does `run` under a profiler or tracer.
    """
    try:
        cli(prog_name="cwc")
        status = 0
    except SystemExit as exc:
        status = exc.code
    if not isinstance(status, int):
        if status is not None:
            print(status, file=sys.stderr)
        status = 0 if status is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the descriptor was closed before cwc started
                stream.flush()
        except (OSError, ValueError):  # a reader that went away, or a closed stream: nothing more to say
            pass
    if sys.getprofile() is None and sys.gettrace() is None:
        os._exit(status)
    sys.exit(status)  # under a profiler or a tracer (cProfile, coverage), which write their reports at exit


def _set_in_root(key: str):
    def callback(ctx: click.Context, param: click.Parameter, value):
        if value is not None:
            ctx.find_root().ensure_object(dict)[key] = value
    return callback


class CwcCommand(click.Command):
    """A command that also takes the global --data and --color after its name (`cwc events --data x.json`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params += [
            click.Option(["--data"], metavar="PATH", expose_value=False, callback=_set_in_root("data_path"),
                         help="As `cwc --data PATH`: read events from this dataset file."),
            click.Option(["--color"], type=click.Choice(terminal.COLOR_MODES), expose_value=False,
                         callback=_set_in_root("color"), help="As `cwc --color`: auto, always or never."),
        ]


class _DamagedCache(Exception):
    """A query met damage in a cached database that the check made on opening it could not see."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def _database_errors() -> tuple:
    sqlite3 = sys.modules.get("sqlite3")
    return (sqlite3.DatabaseError,) if sqlite3 else ()


def _damage(ctx: click.Context, exc: Exception) -> Exception:
    """A damaged cache file to remove and run again; anything else is one line, exit 1."""
    data = ctx.ensure_object(dict).get("dataset")
    if data is not None:
        file = data.db.execute("PRAGMA database_list").fetchone()[2]
        if file:
            return _DamagedCache(file)
    error = click.ClickException(f"the dataset's database failed: {exc}")
    error.exit_code = 1
    return error


def _remove_damaged(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# Commands whose modules are imported only when they run (or for the command list): each costs start-up time of
# every other command.
LAZY_COMMANDS = {"timeline": "cold_war_cli.cli_timeline", "cite": "cold_war_cli.cli_cite",
                 "sources": "cold_war_cli.cli_cite"}


class CwcGroup(click.Group):
    """Turns every failure into one line on stderr with the documented exit status."""

    command_class = CwcCommand

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx, name: str):
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            self.add_command(getattr(importlib.import_module(LAZY_COMMANDS[name]), name))
        return super().get_command(ctx, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            try:
                status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except _DamagedCache as damaged:  # nothing was written yet: output is emitted once it is all made
                _remove_damaged(damaged.path)
                status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()  # bare `cwc`: the help text, exit 2
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {one_line(exc.format_message())}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:  # click's own output (help, version) to a reader that went away
            render.discard_stdout()
            sys.exit(0)
        except OSError as exc:  # click's own output to a full disk; cwc's own output is handled in render.emit
            render.discard_stdout()
            click.echo(f"Error: cannot write the output: {one_line(exc.strerror or str(exc))}", err=True)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
        except _database_errors() as exc:
            raise _damage(ctx, exc) from None
        except CwcError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = exc.exit_code
            raise error from None
        except BadDate as exc:
            raise click.UsageError(str(exc), ctx) from None
        for note in ctx.ensure_object(dict).get("notes", []):  # only when the command succeeded
            click.echo(one_line(note), err=True)
        return result


@click.group(cls=CwcGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--data", metavar="PATH", envvar="CWC_DATA",
              help="Read events from this dataset file instead of the shipped one (env: CWC_DATA).")
@click.option("--color", "color", type=click.Choice(terminal.COLOR_MODES), default="auto", show_default=True,
              help="Colour tables: auto (on a terminal, unless NO_COLOR), always or never.")
@click.version_option(package_name="cold-war-cli", prog_name="cwc")
@click.pass_context
def cli(ctx: click.Context, data: str | None, color: str) -> None:
    """A sourced Cold War chronology: what happened when, and who was involved.

    \b
    Examples:
      cwc events --from 1959 --to 1961
      cwc events --on 1962-10-27 --actor khrushchev
      cwc events --from 'Oct 14, 1962' --to 1962-10-28 --json | jq -r '.[].title'
      cwc who khrushchev
      cwc show cuban-revolution-victory
      cwc today

    With no format flag, output is a table on a terminal and tab-separated text in a pipe.
    Exit status: 0 ok (also when nothing matches), 1 failed lookup or bad data file, 2 usage error.
    """
    state = ctx.ensure_object(dict)
    state["data_path"] = data
    state["color"] = color


MACHINE_FORMATS = ("json", "nl", "csv")


def _format(fmt: str | None) -> tuple[str, terminal.Terminal]:
    term = terminal.detect(click.get_current_context().find_root().obj.get("color", "auto"))
    return render.resolve_format(fmt, term), term


@cli.command(context_settings=CONTEXT_SETTINGS)
@filter_options
@output_options
@click.pass_context
def events(ctx, fmt, fields, pager, **filters):
    """List events, filtered by dates, actors, keywords and tags.

    \b
    Examples:
      cwc events --from 1959 --to 1961
      cwc events --from 'March 1958' --to 'Oct 1962' --actor castro
      cwc events --on 1962-10 --keyword quarantine
      cwc events --on 1960s --strict --tag cuba --json
      cwc events --tag cuban-missile-crisis --fields start,title --csv

    Dates: YYYY, YYYY-MM, YYYY-MM-DD, a decade (1960s), or English ('27 October 1962', 'Oct 27, 1962').
    Each end of a range covers its whole precision: --from 1959 --to 1961 means 1 Jan 1959 to 31 Dec 1961.
    An event matches when its dates overlap the range; partial overlaps are marked (≈ in the table,
    "partial": true in JSON). With no filter, every event is listed.
    """
    chosen = choose_fields(fields, records.EVENT_FIELDS)
    fmt, term = _format(fmt)
    if not chosen and not term.is_tty and fmt in MACHINE_FORMATS:  # a dump into a pipe: streamed
        data, wanted = filtered(ctx, filters)
        render.emit(render.stream_dump(data, wanted, fmt))
        return
    if chosen or fmt in MACHINE_FORMATS:
        data, wanted = filtered(ctx, filters)
        rows = list(records.iter_event_records(data, wanted))
        text = render.render_rows(rows, chosen, fmt, term) if chosen else render.render_records(rows, fmt, term)
    elif fmt == "table":
        data, wanted = filtered(ctx, filters)
        rows = list(records.iter_table_rows(data, wanted))
        text = render.events_table(rows, term)
    else:
        data, rows = selected_events(ctx, filters)
        text = render.render_events(data, rows, fmt, term)
    render.emit(text, term, pager)
    if not rows and term.is_tty:
        click.echo("No events matched.", err=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("query", nargs=-1, required=True)
@filter_options
@output_options
@click.pass_context
def search(ctx, query, fmt, fields, pager, **filters):
    """Find events by what they are about, best match first.

    \b
    Examples:
      cwc search bay of pigs
      cwc search blockade cuba --limit 5
      cwc search krushchev berlin
      cwc search '"iron curtain"' --json | jq -r '.[] | "\\(.score) \\(.title)"'
      cwc search invasion --from 1960 --to 1969 --tag cuba

    Words match whole words, their beginnings and their other forms (invade, invasion; nationalise,
    nationalize); "quoted words" match as a phrase; synonyms widen a query (blockade, quarantine; U2,
    U-2; USSR, Soviet Union). A word found nowhere is taken as a misspelling of the closest word in the
    data, with a note on stderr. Every filter of `cwc events` applies; --limit defaults to 20; with
    --sort or --reverse the results found are put in date order.
    """
    from cold_war_cli import search as search_module

    text = " ".join(query)
    if not search_module.parse(text):
        raise click.UsageError("give at least one word to search for")
    chosen = choose_fields(fields, records.SEARCH_FIELDS)
    data, wanted = filtered(ctx, filters)
    limit = 20 if filters["limit"] is None else filters["limit"]
    in_date_order = ctx.get_parameter_source("sort") != click.core.ParameterSource.DEFAULT or filters["reverse"]
    found = search_module.search(data, text, wanted, limit, in_date_order)
    hits = found.hits
    notes = ctx.find_root().ensure_object(dict).setdefault("notes", [])
    for wrong, right in found.corrections:
        notes.append(f"Note: no event has the word '{wrong}'; showing results for '{right}'.")
    if found.any_word:
        notes.append("Note: no event has all of these words; showing events that have some of them.")
    fmt_, term = _format(fmt)
    if chosen:
        text_out = render.render_rows([records.search_record(data, h) for h in hits], chosen, fmt_, term)
    else:
        text_out = render.render_search(data, hits, fmt_, term)
    render.emit(text_out, term, pager)
    if not hits and term.is_tty:
        click.echo("No events matched.", err=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("name", required=False, shell_complete=complete_actor)
@click.option("--role", metavar="TEXT", help="Who held an office whose title contains these words.")
@click.option("--on", "on", type=DateParam(), help="With --role: who held it on this date.")
@click.option("--country", metavar="NAME", shell_complete=complete_actor,
              help="With --role: only offices of this state or organization (a name, alias or id).")
@output_options
@click.pass_context
def who(ctx, name, role, on, country, fmt, fields, pager):
    """Show who someone (or a state or organization) was, or who held an office on a date.

    \b
    Examples:
      cwc who khrushchev
      cwc who "Fidel Castro"
      cwc who jfk --json | jq '.roles'
      cwc who --role premier --on 1960-06-01
      cwc who --role "secretary of state" --on 1962-10
      cwc who --role "foreign minister" --country france --on 1962-10-27

    NAME is an id, a name or an alias, in any case and with or without accents; a close misspelling
    is accepted with a note on stderr. A name that fits several actors lists them (exit 1).
    With --role, every holder of a matching office during the --on date is listed (any time without
    --on); nobody is a failed lookup (exit 1).
    """
    if bool(name) == bool(role):
        raise click.UsageError("give either a NAME or --role TEXT")
    if (on is not None or country is not None) and not role:
        raise click.UsageError("--on and --country go with --role")
    data = load(ctx)
    fmt_, term = _format(fmt)
    if role:
        from cold_war_cli.world import country_names, names_country

        chosen = choose_fields(fields, records.TENURE_FIELDS) or records.TENURE_FIELDS
        holders = office_holders(data, role, on)
        place = resolve(data, country) if country else None
        if place is not None:
            names = country_names(data, place.id)
            holders = [t for t in holders if names_country(t.role.title, names)]
        if not holders:
            when = f" on {on.start}" if on and on.start == on.end else (f" in {on.start} to {on.end}" if on else "")
            where = f" for {place.name}" if place else ""
            raise CwcError(f"nobody in this dataset held an office matching '{role}'{where}{when}")
        render.emit(render.render_rows([records.tenure_row(t) for t in holders], chosen, fmt_, term), term, pager)
        return
    actor = resolve(data, name)
    theirs = EventFilter(actor_ids=(actor.id,))
    chosen = choose_fields(fields, records.EVENT_FIELDS)
    if not chosen and not term.is_tty and fmt_ in ("json", "nl"):  # the stored records, copied as text
        text = render.actor_json_text(data, actor, list(records.iter_record_texts(data, theirs)))
    elif chosen or fmt_ in MACHINE_FORMATS:
        rows = list(records.iter_event_records(data, theirs))
        text = render.render_rows(rows, chosen, fmt_, term) if chosen else \
            render.render_actor_records(data, actor, rows, fmt_, term)
    else:
        text = render.render_actor(data, actor, select_events(data, theirs), fmt_, term)
    render.emit(text, term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("event_id", metavar="ID", shell_complete=complete_event_id)
@output_options
@click.pass_context
def show(ctx, event_id, fmt, fields, pager):
    """Show one event in full: dates, summary, actors, sources, notes, other dates, related events.

    \b
    Examples:
      cwc show cuban-revolution-victory
      cwc show beria-executed --json | jq '.alt_dates'

    Related events share actors with this one and lie within two years of it. An unknown ID gets
    suggestions (exit 1).
    """
    data = load(ctx)
    event = find_event(data, event_id)
    fmt_, term = _format(fmt)
    chosen = choose_fields(fields, records.EVENT_FIELDS)
    match = EventMatch(event, False)
    if chosen:
        text = render.render_rows([records.event_record(data, match)], chosen, fmt_, term)
    else:
        text = render.render_event_detail(data, match, related_events(data, event), fmt_, term)
    render.emit(text, term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("when", metavar="DATE", type=DateParam())
@click.option("--around", type=click.IntRange(min=0, max=3660), metavar="N",
              help="Days before and after to look at (default 3 around a day, 0 around a month or longer).")
@output_options
@click.pass_context
def at(ctx, when, around, fmt, fields, pager):
    """The world on a date: who held office, what was going on, what came just before and after.

    \b
    Examples:
      cwc at 1962-10-27
      cwc at 'August 1961' --json | jq '.office[] | "\\(.name): \\(.title)"'
      cwc at 1989-11-09 --around 7

    DATE may have any precision cwc reads. Offices: the heads of state and government, foreign ministers
    and party leaders of the United States, the Soviet Union, the United Kingdom, France, China and both
    Germanys, of the other states in the events shown, and the heads of the UN and NATO. Disputed: events
    shown whose date another source gives differently, with each claim and its source. A date with
    nothing near it is not an error: the view says how far the nearest events are.
    """
    from cold_war_cli.world import default_around, world_at

    if fields:
        raise click.UsageError("--fields does not apply to cwc at (it shows sections)")
    data = load(ctx)
    view = world_at(data, when, default_around(when) if around is None else around)
    fmt_, term = _format(fmt)
    render.emit(render.render_world(records.world_record(data, view), fmt_, term), term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--date", "month_day", metavar="MM-DD", help="Another day of the year than today.")
@click.option("-A", "after", type=click.IntRange(min=0, max=366), default=0, metavar="N",
              help="Also the N days after (as calendar -A).")
@click.option("-B", "before", type=click.IntRange(min=0, max=366), default=0, metavar="N",
              help="Also the N days before (as calendar -B).")
@output_options
@click.pass_context
def today(ctx, month_day, after, before, fmt, fields, pager):
    """On this day in Cold War history: events known to the day, with how many years ago.

    \b
    Examples:
      cwc today
      cwc today --date 10-27
      cwc today --date 11-09 -B 2 -A 2
      CWC_TODAY=1989-11-09 cwc today --json

    Only events whose first day is known exactly count. CWC_TODAY=YYYY-MM-DD fixes today. On
    28 February of a common year, 29 February events are shown too (and --date 02-29 means that day).
    """
    from cold_war_cli import onthisday

    now = onthisday.today()
    month, day = onthisday.parse_month_day(month_day) if month_day else (now.month, now.day)
    chosen = choose_fields(fields, records.ANNIVERSARY_FIELDS)
    data = load(ctx)
    found = onthisday.anniversaries(data, onthisday.window(now, month, day, before, after))
    fmt_, term = _format(fmt)
    if not chosen and not term.is_tty and fmt_ in ("json", "nl"):  # a pipe: the stored records, spliced
        render.emit(render.text_dump(records.anniversary_texts(found), fmt_))
        return
    rows = records.anniversary_records(found)
    readable = ("on", "years_ago", "date", "title") if fmt_ in ("table", "plain") else records.ANNIVERSARY_FIELDS
    render.emit(render.render_rows(rows, chosen or readable, fmt_, term), term, pager)
    if not found and term.is_tty:
        click.echo("No events on this day.", err=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(("person", "state", "organization", "group")),
              help="Only actors of this kind (repeat for several).")
@click.option("--keyword", "-k", "keywords", multiple=True, metavar="WORD",
              help="Only actors whose names, aliases, offices or summary contain WORD (repeat: all).")
@output_options
@click.pass_context
def actors(ctx, kinds, keywords, fmt, fields, pager):
    """List the actors: people, states and organizations.

    \b
    Examples:
      cwc actors
      cwc actors --kind organization
      cwc actors --kind person --keyword "secretary of state" --fields id,name,roles

    The table shows id, name, kind, life dates and how many events each takes part in.
    """
    from cold_war_cli.stats import events_per_actor

    chosen = choose_fields(fields, records.ACTOR_FIELDS)
    data = load(ctx)
    counts = events_per_actor(data)
    rows = [records.actor_row(a, counts.get(a.id, 0), data) for a in select_actors(data, kinds, keywords)]
    fmt_, term = _format(fmt)
    default = ("id", "name", "kind", "born", "died", "events") if fmt_ in ("table", "plain") else records.ACTOR_FIELDS
    render.emit(render.render_rows(rows, chosen or default, fmt_, term), term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@output_options
@click.pass_context
def tags(ctx, fmt, fields, pager):
    """List the tags with how many events carry each, most used first.

    \b
    Examples:
      cwc tags
      cwc tags --json | jq -r '.[].tag'
    """
    from cold_war_cli.stats import count_events

    chosen = choose_fields(fields, ("tag", "count")) or ("tag", "count")
    data = load(ctx)
    rows = [{"tag": tag, "count": n} for tag, n in count_events(data, EventFilter(), "tag")]
    fmt_, term = _format(fmt)
    render.emit(render.render_rows(rows, chosen, fmt_, term), term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--by", type=click.Choice(("year", "decade", "tag", "actor")), default="year", show_default=True,
              help="What to count events by.")
@filter_options
@output_options
@click.pass_context
def stats(ctx, by, fmt, fields, pager, **filters):
    """Count events by year, decade, tag or actor; a bar chart on a terminal.

    \b
    Examples:
      cwc stats
      cwc stats --by decade
      cwc stats --by actor --from 1962-10 --to 1962-11 --limit 10
      cwc stats --by tag --actor castro --csv

    Every filter of `cwc events` applies, except that --limit N shows the first N rows (the N most
    frequent tags or actors, the first N years or decades). Years and decades go by an event's first day.
    """
    from cold_war_cli.stats import count_events

    key_fields = {"actor": ("actor", "name")}.get(by, (by,))
    available = (*key_fields, "count")
    chosen = choose_fields(fields, available) or available
    limit = filters["limit"]
    data, wanted = filtered(ctx, filters)
    rows = []
    for key, count in count_events(data, wanted, by):
        row = {by: key, "count": count}
        if by == "actor":
            row["name"] = data.actors[key].name if key in data.actors else key
        rows.append(row)
    fmt_, term = _format(fmt)
    render.emit(render.render_counts(rows[:limit], chosen, fmt_, term), term, pager)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("export_format", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@filter_options
@click.option("-o", "--output", "output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--style", type=click.Choice(CITATION_STYLES), default="chicago", show_default=True,
              help="Citation style of the markdown export's footnotes.")
@click.pass_context
def export(ctx, export_format, output, style, **filters):
    """Export events for other tools: ics, timelinejs, csv, markdown, html, bibtex, ris, csl-json or sqlite.

    \b
    Examples:
      cwc export ics --from 1962-10-14 --to 1962-10-28 -o crisis.ics
      cwc export timelinejs --tag cuba -o cuba-timeline.json
      cwc export markdown --actor khrushchev --from 1956 --to 1956 --style apa > notes.md
      cwc export csv --on 1960s
      cwc export html --from 1961 --to 1963 -o kennedy-years.html
      cwc export bibtex --tag cuban-missile-crisis > crisis.bib
      cwc export sqlite -o cwc.db && datasette cwc.db -m metadata.json

    Every filter of `cwc events` applies. ICS events are all-day (the end is exclusive, as RFC 5545 has
    it) with stable UIDs; TimelineJS slides carry display dates for vague dates; html is one offline
    page; bibtex, ris and csl-json hold the bibliography of the selected events; sqlite (which needs
    -o FILE) writes the database with a metadata.json for Datasette beside it.
    """
    from cold_war_cli import exports

    if export_format == "sqlite" and output is None:
        raise click.UsageError("export sqlite writes a database file: give it with -o FILE")
    data, wanted = filtered(ctx, filters)
    count = [0]

    def counted(made):
        for item in made:
            count[0] += 1
            yield item

    if export_format == "ics":  # streamed: a dump of every event never holds them all
        text = exports.ics_pieces(counted(records.iter_vevents(data, wanted)))
    elif export_format == "csv":
        text = render.stream_csv_texts(counted(records.iter_csv_texts(data, wanted)))
    else:
        matches = list(counted(iter_events(data, wanted)))
        if export_format == "sqlite":
            from cold_war_cli import sqlite_export

            metadata = sqlite_export.write(data, matches, output)
            click.echo(f"Wrote {len(matches)} events to {output} (Datasette metadata: {metadata})", err=True)
            return
        if export_format == "html":
            from cold_war_cli import html_page

            text = html_page.to_html(data, matches)
        elif export_format in ("bibtex", "ris", "csl-json"):
            from cold_war_cli import bibliography

            write = {"bibtex": bibliography.to_bibtex, "ris": bibliography.to_ris,
                     "csl-json": bibliography.to_csl_json}
            text = write[export_format](data, matches)
        else:
            rows = [records.event_record(data, m) for m in matches]
            text = exports.to_timelinejs(rows) if export_format == "timelinejs" else \
                exports.to_markdown(rows, data=data, style=style)
    if output is None:
        render.emit(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            for piece in ((text,) if isinstance(text, str) else text):
                handle.write(piece)
    except OSError as exc:
        raise CwcError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {count[0]} events to {output}", err=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("shell", type=click.Choice(COMPLETION_SHELLS))
def completion(shell):
    """Print the shell completion script for bash, zsh or fish.

    \b
    Examples:
      cwc completion bash > ~/.local/share/bash-completion/completions/cwc
      cwc completion zsh > "${fpath[1]}/_cwc"
      cwc completion fish > ~/.config/fish/completions/cwc.fish

    It completes commands, options, actor names, tags and event ids.
    """
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell)(cli, {}, "cwc", "_CWC_COMPLETE").source()
    render.emit(script if script.endswith("\n") else script + "\n")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("path", required=False, metavar="[PATH]")
@click.pass_context
def validate(ctx, path):
    """Check a dataset file and list every problem found (default: the dataset in use).

    \b
    Examples:
      cwc validate
      cwc validate my-events.json
      CWC_DATA=my-events.json cwc validate

    Checks required fields, unique ids, the date grammar, bounds inside their date, actor and source
    references, and that every event cites a source. Problems go to stdout, one per line; the exit
    status is 1 when there is any.
    """
    path = path or ctx.find_root().obj.get("data_path") or dataset_module.default_path()
    found, data = dataset_module.check(path)
    render.emit("".join(one_line(f"{path}: {problem}") + "\n" for problem in found))  # one line each, whatever they quote
    if found:
        raise CwcError(f"{path}: {len(found)} problem{'s' if len(found) != 1 else ''} found")
    click.echo(f"{path}: OK ({len(data.events)} events, {len(data.actors)} actors, "
               f"{len(data.sources)} sources)", err=True)
