"""The `aspo` command line: a thin shell over the library calls, printing errors as one line each."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from aspo import __version__
from aspo.errors import AspoError, display_path

INTERNAL_ERROR_STATUS = 3
ISSUES_URL = "https://github.com/aspo-dev/aspo/issues"

templates_option = click.option(
    "--templates", type=click.Path(path_type=Path), default=Path("templates"), show_default=True,
    envvar="ASPO_TEMPLATES", help="The content library folder.",
)
debug_option = click.option("--debug", is_flag=True, envvar="ASPO_DEBUG", help="Show tracebacks for errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aspo")
@debug_option
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Account-specific decks, documents and review drafts from approved content."""
    ctx.ensure_object(dict)["debug"] = debug


@cli.command()
@click.argument("accounts", nargs=-1, required=True, type=click.Path(path_type=Path))
@templates_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Where output/<account>/ folders are written.")
@debug_option
@click.pass_context
def build(ctx: click.Context, accounts: tuple[Path, ...], templates: Path, output: Path, debug: bool) -> None:
    """Build the deck, document and review draft for each ACCOUNTS file (or folder of them)."""
    if debug:
        ctx.obj["debug"] = True
    from aspo.build import build as build_accounts

    for result in build_accounts(list(accounts), templates, output):
        folder = output / result.account.slug
        names = ", ".join(sorted(result.files))
        click.echo(f"built {display_path(folder)}/: {names}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: known errors print one line and exit 2; anything else is a bug (exit 3)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("ASPO_DEBUG"))
    try:
        status = cli.main(args=argv, prog_name="aspo", standalone_mode=False)
    except AspoError as exc:
        if debug:
            raise
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aspo: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's own wording, exit 2
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("aspo: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        click.echo(f"aspo: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(f"aspo: this is a bug; please report it at {ISSUES_URL} with the output of --debug", err=True)
        sys.exit(INTERNAL_ERROR_STATUS)
    sys.exit(status if isinstance(status, int) else 0)
