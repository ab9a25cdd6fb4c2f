"""What every command shares: the project's default folders, the common options, and --debug and --no-cache on every
command."""

from __future__ import annotations

import os
from pathlib import Path

import click


def in_project(name: str):
    """A default found when the command runs: `name` in the project found from the current folder up."""

    def default() -> Path:
        from aspo.core.workspace import project_path

        return project_path(name)

    return default


templates_option = click.option(
    "--templates", type=click.Path(path_type=Path), default=in_project("templates"),
    show_default="templates/ here or in the nearest folder above", envvar="ASPO_TEMPLATES",
    help="The content library folder.",
)

history_option = click.option(
    "--history", type=click.Path(path_type=Path), default=in_project("history"),
    show_default="history/ beside templates/", help="The folder of account histories.",
)

#: The CRMs `aspo import --preset` and `aspo export activities --preset` know, written out so that start-up
#: imports neither module (tests/test_import_crm.py checks both agree with it).
CRMS = ("salesforce", "hubspot")


def _set_debug(ctx: click.Context, param: click.Parameter, debug: bool) -> None:
    """--debug (or ASPO_DEBUG), given to the group or to any command: ctx.obj["debug"], which every command's
    context shares and main() reads when an error escapes (a traceback instead of one line)."""
    if debug:
        ctx.ensure_object(dict)["debug"] = True


def _set_no_cache(ctx: click.Context, param: click.Parameter, no_cache: bool) -> None:
    """--no-cache: the library and accounts are read afresh, and nothing of them kept (aspo.library.warm); set in
    the environment, so the build's workers and any aspo this one starts do the same."""
    if no_cache:
        from aspo.core.user_cache import NO_CACHE

        os.environ[NO_CACHE] = "1"


class SharedOptions:
    """A command or group that takes --debug and --no-cache: every aspo command does, after its name as well as
    before it.

    Eager, so they count before any other option is read (a default that fails, say)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["--debug"], is_flag=True, envvar="ASPO_DEBUG", is_eager=True,
                                        expose_value=False, callback=_set_debug, help="Show tracebacks for errors."))
        self.params.append(click.Option(["--no-cache"], is_flag=True, is_eager=True, expose_value=False,
                                        callback=_set_no_cache, help="Read the library and accounts afresh, and keep "
                                        "nothing of them in the cache (as ASPO_NO_CACHE=1)."))


class Command(SharedOptions, click.Command):
    pass


class Group(SharedOptions, click.Group):
    command_class = Command
    group_class = type  # its subgroups are _Groups too
