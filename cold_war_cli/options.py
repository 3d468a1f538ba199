"""Click plumbing shared by the commands: parameter types, option groups, completion and dataset access."""

from __future__ import annotations

import click

from cold_war_cli import dataset as dataset_module
from cold_war_cli.dates import DayRange, between, parse_user_date
from cold_war_cli.errors import BadDate, CwcError
from cold_war_cli.store import Store as Dataset
from cold_war_cli.query import SORT_KEYS, EventFilter, resolve_actor, select_events
from cold_war_cli.text import fold

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DateParam(click.ParamType):
    """A date as people type it, kept as the whole range of days it names."""

    name = "DATE"

    def convert(self, value, param, ctx) -> DayRange:
        if isinstance(value, DayRange):
            return value
        try:
            return parse_user_date(value)
        except BadDate as exc:
            self.fail(str(exc), param, ctx)


def load(ctx: click.Context) -> Dataset:
    """The dataset for this run, opened once."""
    state = ctx.find_root().ensure_object(dict)
    if "dataset" not in state:
        state["dataset"] = dataset_module.load(state.get("data_path"))
    return state["dataset"]


def resolve(data: Dataset, name: str):
    """An actor by name; a guessed misspelling is said on stderr once the command has succeeded (so that a
    failure stays one line)."""
    match = resolve_actor(data, name)
    if match.guessed_from is not None:
        notes = click.get_current_context().find_root().ensure_object(dict).setdefault("notes", [])
        notes.append(f"Note: taking '{match.guessed_from}' to mean {match.actor.name} ({match.actor.id}).")
    return match.actor


# ------------------------------------------------------------------------------------------ completion


def _completion_dataset(ctx: click.Context) -> Dataset | None:
    try:
        return dataset_module.load(ctx.find_root().params.get("data"))
    except CwcError:
        return None


def complete_actor(ctx: click.Context, param, incomplete: str):
    from click.shell_completion import CompletionItem

    data = _completion_dataset(ctx)
    wanted = fold(incomplete)
    actors = sorted(data.actor_names()) if data else []
    # Every value offered must begin with what was typed: a shell replaces the word with the candidates' common
    # prefix, so an id matched only through an alias ('raul-castro' for 'cast') would cut the word short. Ids
    # first; names and aliases (which --actor accepts too) only when no id begins with the word.
    ids = [CompletionItem(actor_id, help=name) for actor_id, name, _ in actors if fold(actor_id).startswith(wanted)]
    if ids:
        return ids
    names = {}
    for _, full, aliases in actors:
        for name in aliases + (full,):
            if fold(name).startswith(wanted):
                names.setdefault(name, full)
    return [CompletionItem(name, help=full) for name, full in names.items()]


def complete_tag(ctx: click.Context, param, incomplete: str):
    data = _completion_dataset(ctx)
    tags = [row[0] for row in data.db.execute("SELECT DISTINCT tag FROM event_tags ORDER BY tag")] if data else []
    return [tag for tag in tags if tag.startswith(incomplete.lower())]


def complete_event_id(ctx: click.Context, param, incomplete: str):
    from click.shell_completion import CompletionItem

    data = _completion_dataset(ctx)
    rows = data.db.execute("SELECT id, title FROM events WHERE substr(id, 1, ?) = ? ORDER BY id",
                           (len(incomplete), incomplete)) if data else ()
    return [CompletionItem(event_id, help=title) for event_id, title in rows]


# ------------------------------------------------------------------------------------------ option groups


def _stack(command, decorators):
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def output_options(command):
    """The same format flags on every listing command; the last one given wins."""
    return _stack(command, [
        click.option("--json", "fmt", flag_value="json", help="A JSON array (UTF-8; [] when nothing matches)."),
        click.option("--nl", "fmt", flag_value="nl", help="Newline-delimited JSON: one object per line."),
        click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row."),
        click.option("--table", "fmt", flag_value="table", help="A table, even when piped."),
        click.option("--plain", "fmt", flag_value="plain",
                     help="Tab-separated, one record per line, no header, ISO dates, no colour."),
        click.option("--fields", "fields", is_flag=False, flag_value="", default=None, metavar="A,B,...",
                     help="Only these fields, in this order, in every format. Alone: list the fields."),
        click.option("--pager/--no-pager", "pager", default=None,
                     help="Page the output on a terminal (default: when it is taller than the screen)."),
    ])


def filter_options(command):
    """The event filters of `cwc events`, shared by every command that selects events."""
    return _stack(command, [
        click.option("--from", "from_", type=DateParam(), help="Events on or after this date (its first day)."),
        click.option("--to", "to", type=DateParam(), help="Events on or before this date (its last day)."),
        click.option("--on", "on", type=DateParam(), help="Events on this day, month, year or decade."),
        click.option("--actor", "-a", "actors", multiple=True, metavar="NAME", shell_complete=complete_actor,
                     help="Only events this actor took part in (repeat: all must take part)."),
        click.option("--keyword", "-k", "keywords", multiple=True, metavar="WORD",
                     help="Only events whose title, aliases, summary, tags, places or actors have WORD as a word or "
                          "the start of one (several words: as a phrase; repeat: all must match)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG", shell_complete=complete_tag,
                     help="Only events with this tag (repeat: all)."),
        click.option("--strict", is_flag=True, help="Only events wholly inside the dates, not just overlapping them."),
        click.option("--sort", type=click.Choice(SORT_KEYS), default="start", show_default=True,
                     help="Order by first or last day (then the other day, then id)."),
        click.option("--reverse", is_flag=True, help="Latest first."),
        click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N events."),
        click.option("--disputed", is_flag=True, help="Only events whose date another source gives differently."),
    ])


FILTER_PARAMS = ("from_", "to", "on", "actors", "keywords", "tags", "strict", "sort", "reverse", "limit",
                 "disputed")


def filtered(ctx: click.Context, params: dict) -> tuple[Dataset, EventFilter]:
    """The dataset and the filter that the options of `filter_options` ask for."""
    when = date_range(params["from_"], params["to"], params["on"])
    if any(not fold(keyword) for keyword in params["keywords"]):
        raise click.BadParameter("a keyword needs at least one letter or digit", param_hint="'--keyword'")
    data = load(ctx)
    return data, event_filter(data, when, params)


def selected_events(ctx: click.Context, params: dict) -> tuple[Dataset, list]:
    """The dataset and the events that pass the options of `filter_options`."""
    data, wanted = filtered(ctx, params)
    return data, select_events(data, wanted)


def event_filter(data: Dataset, when: DayRange | None, params: dict) -> EventFilter:
    return EventFilter(
        when=when,
        strict=params["strict"],
        actor_ids=tuple(resolve(data, name).id for name in params["actors"]),
        keywords=params["keywords"],
        tags=params["tags"],
        sort=params["sort"],
        reverse=params["reverse"],
        limit=params["limit"],
        disputed=params["disputed"],
    )


def date_range(from_: DayRange | None, to: DayRange | None, on: DayRange | None) -> DayRange | None:
    if on is not None:
        if from_ is not None or to is not None:
            raise click.UsageError("use either --on or --from/--to, not both")
        return on
    try:
        return between(from_, to)
    except BadDate as exc:
        raise click.UsageError(f"--from is after --to: {exc}") from None


def choose_fields(requested: str | None, available: tuple[str, ...]) -> tuple[str, ...] | None:
    """Parse --fields. None: the command's usual output. A bare --fields lists the fields and stops."""
    if requested is None:
        return None
    if requested == "":
        click.echo("\n".join(available))
        raise click.exceptions.Exit(0)
    chosen = tuple(name.strip() for name in requested.split(",") if name.strip())
    unknown = [name for name in chosen if name not in available]
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown field {unknown[0]!r}; available: {', '.join(available)}" if unknown else
            f"no field named; available: {', '.join(available)}",
            param_hint="'--fields'",
        )
    return chosen
