"""The build: load, select, compose and render every account, then write only when all succeeded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aspo.account import Account, load_account
from aspo.compose import compose
from aspo.document import Document
from aspo.errors import AspoError
from aspo.library import Library, load_library
from aspo.output import write_outputs
from aspo.render_markdown import render_markdown
from aspo.selection import Selection, select
from aspo.templating import Renderer


@dataclass(frozen=True)
class Rendered:
    """One account's finished outputs, not yet written."""

    account: Account
    selection: Selection
    document: Document
    files: dict[str, bytes]  # file name -> content


def output_names(slug: str) -> dict[str, str]:
    return {"deck": f"{slug}-deck.pptx", "document": f"{slug}-offering.docx", "draft": f"{slug}-draft.md"}


def render_account(account_path: Path, library: Library, renderer: Renderer | None = None) -> Rendered:
    """Everything for one account, in memory."""
    from aspo.render_docx import (
        render_docx,  # the Office libraries load only when rendering
    )
    from aspo.render_pptx import render_pptx

    account = load_account(account_path, library)
    scenario_count = max((s.count for s in library.outline.sections if s.kind == "scenarios"), default=1)
    selection = select(account, library, scenario_count)
    document = compose(account, library, selection, renderer)
    names = output_names(account.slug)
    files = {
        names["deck"]: render_pptx(document),
        names["document"]: render_docx(document),
        names["draft"]: render_markdown(document).encode("utf-8"),
    }
    return Rendered(account, selection, document, files)


def account_files(paths: list[Path]) -> list[Path]:
    """Expands folders to the account files in them, sorted; keeps files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    if not found:
        raise AspoError.at(paths[0] if paths else None, None, None, "no account files (*.yaml) found")
    return found


def build(paths: list[Path], templates: Path, output: Path) -> list[Rendered]:
    """Builds every account; nothing is written unless every account rendered."""
    library = load_library(templates)
    renderer = Renderer()
    rendered = [render_account(path, library, renderer) for path in account_files(paths)]
    for result in rendered:
        write_outputs(output / result.account.slug, result.files)
    return rendered
