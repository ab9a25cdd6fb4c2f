"""JSON Schemas of the files people edit, so editors with a YAML language server validate and complete them."""

from __future__ import annotations

import json

from aspo.schema import AccountFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: name -> (model, title); `aspo schema NAME` prints the schema.
SCHEMAS = {
    "account": (AccountFile, "aspo account file (accounts/<slug>.yaml)"),
}


def json_schema(name: str) -> dict:
    """The JSON Schema of one input file, from its pydantic model.

    Dates stay `type: string, format: date`: a YAML language server (YAML 1.2) reads an unquoted
    2027-01-14 as a string, and aspo's loader reads every scalar as text too, so both agree.
    No `$id`: the file is referenced by a relative path from each account's modeline.
    """
    model, title = SCHEMAS[name]
    schema = model.model_json_schema()
    schema.pop("title", None)
    return {"$schema": DRAFT, "title": title, **schema}


def as_text(schema: dict) -> str:
    """Stable text, so the committed schemas/*.schema.json diff cleanly against a regenerated one."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
