"""JSON Schemas of the files people edit, so editors with a YAML language server validate and complete them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from aspo.library.schema import AccountFile

if TYPE_CHECKING:
    from aspo.library.content import Library

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: name -> (model, title); `aspo schema NAME` prints the schema.
SCHEMAS = {
    "account": (AccountFile, "aspo account file (accounts/<slug>.yaml)"),
}


def json_schema(name: str, library: Library | None = None) -> dict:
    """The JSON Schema of one input file, from its pydantic model.

    Dates stay `type: string, format: date`: a YAML language server (YAML 1.2) reads an unquoted
    2027-01-14 as a string, and aspo's loader reads every scalar as text too, so both agree.
    No `$id`: the file is referenced by a relative path from each account's modeline.
    """
    model, title = SCHEMAS[name]
    schema = model.model_json_schema()
    schema.pop("title", None)
    if library is not None:
        _with_library_ids(schema, library)
    return {"$schema": DRAFT, "title": title, **schema}


def _with_library_ids(schema: dict, library: Library) -> None:
    """Turns the id fields into enums of one library's ids, so an editor completes them and flags typos.

    Industry gets `examples` instead: an industry the library lacks is built with neutral content, not refused.
    """
    defs = schema["$defs"]

    def ids(field: dict, known) -> None:
        target = next((branch for branch in field.get("anyOf", ()) if branch.get("type") == "string"), field)
        target["enum"] = sorted(known)

    schema["properties"]["industry"]["examples"] = sorted(library.industries)
    ids(schema["properties"]["stage"], library.stages)
    ids(schema["properties"]["owns"]["items"], library.products)
    ids(defs["Attendee"]["properties"]["persona"], library.personas)
    ids(defs["Priority"]["properties"]["pain"], library.pains)
    ids(defs["Priority"]["properties"]["capability"], library.capabilities)
    ids(defs["Choice"]["properties"]["blocks"]["items"], library.blocks)
    ids(defs["Choice"]["properties"]["scenarios"]["items"], library.scenarios)


def as_text(schema: dict) -> str:
    """Stable text, so the committed schemas/*.schema.json diff cleanly against a regenerated one."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def account_schema_text(templates: Path | None = None, *, layouts: bool = True) -> str:
    """The account schema as `aspo schema account [--library TEMPLATES]` prints it and schemas/account.schema.json
    holds it: with `templates`, its library's ids listed (the library loaded whole, or without its layout files
    when `layouts` is False)."""
    library = None
    if templates is not None:
        from aspo.library.content import load_library

        library = load_library(templates, layouts=layouts)
    return as_text(json_schema("account", library))
