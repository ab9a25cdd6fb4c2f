"""The translation commands: `aspo l10n stamp`, `aspo l10n diff`, and the matrix `aspo report --l10n` prints."""

from __future__ import annotations

from pathlib import Path

import click

from aspo.cli.options import Group, templates_option
from aspo.core.errors import display_path, one_line


@click.group("l10n", cls=Group)
def l10n_group() -> None:
    """Keep translations honest: what their sources changed, and stamping them once reviewed."""


@l10n_group.command("stamp")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--approved-by", metavar="NAME", help="Also set status: approved and approved_by: NAME.")
@templates_option
def stamp(files: tuple[Path, ...], approved_by: str | None, templates: Path) -> None:
    """Record in each translation FILE the hashes of its source's wording and claims as they are now.

    Run it after someone who reads both languages has checked the translation against `aspo l10n diff FILE`: a
    translation whose source's claims changed since its stamp never reaches a build.
    """
    from aspo.authoring.l10n import stamp as stamp_files
    from aspo.library.content import load_library

    library = load_library(templates, layouts=False)
    for done in stamp_files(library, files, approved_by):
        said = f"stamped (was {done.was})" if done.changed else "already stamped"
        click.echo(one_line(f"{display_path(done.path)}: {said}"))


@l10n_group.command("diff")
@click.argument("file", type=click.Path(path_type=Path))
@templates_option
def diff(file: Path, templates: Path) -> None:
    """Show what the source of the translation FILE changed since the translation was stamped."""
    from aspo.authoring.l10n import source_diff
    from aspo.library.content import load_library

    click.echo(source_diff(load_library(templates, layouts=False), file), nl=False)


def matrix_text(library, plans, fmt: str) -> str:
    """Every block and scenario by language, with how many accounts reading each language show it."""
    import json

    from aspo.authoring.l10n import matrix
    from aspo.library.languages import best_tag

    shown: dict[str, list[str]] = {}
    for plan in plans:
        selection = plan.selection
        keys = [f"block:{b}" for b in selection.used_blocks] + [f"scenario:{s}" for s in selection.used_scenarios]
        # an account reading de-AT is counted under de
        language = best_tag(plan.library.language, library.catalog.languages.maintained) or plan.library.language
        shown.setdefault(language, []).extend(keys)
    rows = matrix(library, shown)
    if fmt == "json":
        return json.dumps({"languages": rows[0][1:], "rows": [
            {"content": row[0], **dict(zip(rows[0][1:], row[1:]))} for row in rows[1:]]}, indent=2) + "\n"
    lines = ["# Translations", "", "Each cell: the translation's state, and how many accounts reading that language "
             "show it. approved, stale (wording changed: a warning) and the source reach a build; missing shows the "
             "source where catalog.yaml allows a fallback; draft, machine, unstamped and claims changed do not.", ""]
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "---|" * len(rows[0]))
    lines += ["| " + " | ".join(f"`{row[0]}`" if i == 0 else row[i] for i in range(len(row))) + " |"
              for row in rows[1:]]
    return "\n".join(lines) + "\n"
