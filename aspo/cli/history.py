"""The commands over account histories: `aspo log`, `aspo outcomes` and `aspo export activities`."""

from __future__ import annotations

from pathlib import Path

import click

from aspo.cli.options import CRMS, Command, Group, history_option, in_project, templates_option
from aspo.core.errors import USER_ERROR_STATUS, AspoError, display_path, one_line


def _day(ctx: click.Context, param: click.Parameter, value: str | None):
    """A YYYY-MM-DD option read as a date, refused in aspo's one line."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AspoError.option(f"--{param.name.replace('_', '-')}",
                               f"expected a date as YYYY-MM-DD, got {value!r}") from None


@click.command("log", cls=Command)
@click.argument("account", type=click.Path(path_type=Path))
@click.argument("what", metavar="presented|stage STAGE|outcome OUTCOME")
@click.argument("value", required=False, metavar="")
@click.option("--on", callback=_day, metavar="YYYY-MM-DD",
              help="The day it happened (presented: default today; stage and outcome: required).")
@click.option("--reason", metavar="TEXT", help="Why an outcome came about, e.g. 'budget moved to 2028'.")
@templates_option
@history_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=in_project("output"),
              show_default="output/ beside templates/", help="Where the account's outputs were built.")
def log(account: Path, what: str, value: str | None, on, reason: str | None, templates: Path, history: Path,
        output: Path) -> None:
    """Record in history/<slug>.yaml that a deck was presented, a stage was entered, or the deal closed.

    \b
      aspo log accounts/acme.yaml presented [--on 2027-01-14]
      aspo log accounts/acme.yaml stage decision --on 2027-02-03
      aspo log accounts/acme.yaml outcome won --on 2027-03-30 [--reason TEXT]

    presented copies what the build holds from its manifest; it is refused when the outputs are older than the
    account or the library. Events are appended, never rewritten: a correction is a new event.
    """
    import datetime as dt

    from aspo.authoring.log import log_event
    from aspo.library.content import load_library

    if what in ("stage", "outcome") and on is None:
        raise AspoError.option("--on", f"give the day the {'stage was entered' if what == 'stage' else 'deal closed'} "
                               "(YYYY-MM-DD)")
    library = load_library(templates, layouts=False)
    path, said = log_event(account, what, value, library, history, output, on, reason, dt.date.today())
    click.echo(one_line(f"logged in {display_path(path)}: {said}"))


@click.command(cls=Command)
@templates_option
@history_option
@click.option("--accounts", "accounts_dir", type=click.Path(path_type=Path), default=in_project("accounts"),
              show_default="accounts/ beside templates/", help="Where the reps' notes on exclusions are read.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=in_project("output"),
              show_default="output/ beside templates/", help="The builds, to count those never presented.")
@click.option("--since", callback=_day, metavar="YYYY-MM-DD", help="Only stages entered on or after this day.")
@click.option("--until", callback=_day, metavar="YYYY-MM-DD", help="Measure as of this day (default: today).")
@click.option("--window", type=click.IntRange(min=1), default=90, show_default=True, metavar="DAYS",
              help="Days an opportunity has to reach the next stage to count as advanced.")
@click.option("--stage", metavar="ID", help="Only this buying stage.")
@click.option("--min-n", type=click.IntRange(min=1), default=10, show_default=True, metavar="N",
              help="Opportunities each group needs before a row says more than 'too few to say'.")
@click.option("--idle-months", type=click.IntRange(min=1), default=6, show_default=True, metavar="N",
              help="How far back 'played no role' looks.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "csv", "html"]), default="markdown",
              show_default=True)
@click.pass_context
def outcomes(ctx: click.Context, templates: Path, history: Path, accounts_dir: Path, output: Path, since, until,
             window: int, stage: str | None, min_n: int, idle_months: int, fmt: str) -> None:
    """Show what goes with deals that move: the funnel by stage, content compared by outcome, content that played
    no role, recurring gaps, and what the figures cannot say.

    Reads history/*.yaml (aspo log, aspo import). Histories that fail to load are reported and left out; the exit
    status is then 2.
    """
    import datetime as dt

    from aspo.core.errors import unknown_id
    from aspo.library.content import load_library
    from aspo.measure import formats
    from aspo.measure.outcomes import Settings
    from aspo.measure.sources import measure

    library = load_library(templates, layouts=False)
    if stage is not None and stage not in library.stages:
        raise AspoError.option("--stage", unknown_id("stage", stage, library.stages))
    until = until or dt.date.today()
    if since and since > until:
        raise AspoError.option("--since", f"{since.isoformat()} is after --until ({until.isoformat()})")
    settings = Settings(until=until, since=since, window=window, stage=stage, min_n=min_n, idle_months=idle_months)
    result, problems = measure(library, history, accounts_dir, output, settings)
    for problem in problems:
        click.echo(f"aspo: error: {problem}", err=True)
    if fmt == "html":
        from aspo.measure.page import as_html

        text = as_html(formats.as_payload(result))
    else:
        text = {"markdown": formats.as_markdown, "json": formats.as_json, "csv": formats.as_csv}[fmt](result)
    click.echo(text, nl=False)
    if problems:
        ctx.exit(USER_ERROR_STATUS)


@click.group("export", cls=Group)
def activities_group() -> None:
    """Give the CRM what aspo recorded."""


@activities_group.command("activities")
@click.option("--since", callback=_day, metavar="YYYY-MM-DD", help="Only decks presented on or after this day.")
@click.option("--preset", type=click.Choice(CRMS),
              help="Columns for a Salesforce Data Loader Task insert, or a HubSpot import of notes on deals.")
@click.option("--output", "-o", type=click.Path(path_type=Path), metavar="FILE",
              help="Write the CSV to FILE (default: standard output).")
@history_option
@templates_option
@click.option("--accounts", "accounts_dir", type=click.Path(path_type=Path), default=in_project("accounts"),
              show_default="accounts/ beside templates/", help="Where an opportunity id no event holds is read.")
@click.pass_context
def activities(ctx: click.Context, since, preset: str | None, output: Path | None, history: Path, templates: Path,
               accounts_dir: Path) -> None:
    """Write a CSV with one CRM activity per deck presented (history/*.yaml, from aspo log): its opportunity,
    date, subject, the blocks' and scenarios' titles, the next step, who it was presented to and the files.

    Histories that fail to load are reported and left out; the exit status is then 2.
    """
    from aspo.authoring.export_activities import export_activities, write_export
    from aspo.library.content import load_library

    done = export_activities(load_library(templates, layouts=False), history, accounts_dir, since)
    if output is None:
        click.echo(done.as_csv(preset), nl=False)
    else:
        write_export(output, done.as_csv(preset), templates)
    for line in done.messages():
        click.echo(line, err=True)
    click.echo(done.summary(output), err=output is None)  # standard output is the CSV's own
    if done.problems:
        ctx.exit(USER_ERROR_STATUS)
