"""Turning parsed YAML into schema models, with every problem reported at its file, line and field."""

from __future__ import annotations

import re
import types
import typing
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from aspo.core.errors import AspoError, Problem, did_you_mean
from aspo.core.rulebook import SCHEMA
from aspo.core.yamlfile import YamlDocument, format_loc

Model = TypeVar("Model", bound=BaseModel)


def validate(model: type[Model], doc: YamlDocument) -> Model:
    """Validates a parsed document against a model, raising every problem at once; a placeholder is one."""
    found, result, others = _check(model, doc)
    unfilled = [doc.problem(loc, f"placeholder not filled in ({_show(value)})", SCHEMA) for loc, value in found]
    if others:
        raise AspoError(sorted(unfilled + others, key=_reading_order))
    if unfilled:
        raise AspoError(unfilled)
    return result


def validate_draft(model: type[BaseModel], doc: YamlDocument) -> list[tuple[tuple, str]]:
    """Validates a document the rep is still to complete (an imported account): raises every problem but its
    placeholders, and returns those, each with where it is."""
    found, _, others = _check(model, doc)
    if others:
        raise AspoError(others)
    return found


def _check(model: type[Model], doc: YamlDocument) -> tuple[list[tuple[tuple, str]], Model | None, list[Problem]]:
    """The document's placeholders, its model (None when it is not valid), and its other problems: a field holding
    a placeholder has no other ("TODO: …" is no date either: it is said once)."""
    if not isinstance(doc.data, dict):
        kind = ("empty" if doc.data is None else f"text {_show(doc.data)}" if isinstance(doc.data, str)
                else f"a {_yaml_kind(doc.data)}")
        raise AspoError.at(doc.path, doc.line_of(()) or 1, None, f"expected a mapping of fields, found {kind}", SCHEMA)
    found = placeholders(doc.data)
    try:
        return found, model.model_validate(doc.data), []
    except ValidationError as exc:
        marked = {format_loc(loc) for loc, _ in found}
        return found, None, [problem for problem in problems_from(exc, model, doc) if problem.field not in marked]


#: How a starter or imported file marks a value the rep must write: a quoted text that starts with it.
PLACEHOLDER = "TODO:"


def todo(what: str) -> str:
    """A placeholder the rep replaces, saying what goes there: "TODO: the meeting date, YYYY-MM-DD"."""
    return f"{PLACEHOLDER} {what}"


def placeholders(data, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Every value in a parsed document still holding a placeholder, with where it is."""
    if isinstance(data, str):
        return [(loc, data)] if data.startswith(PLACEHOLDER) else []
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in placeholders(value, (*loc, key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data) for found in placeholders(value, (*loc, index))]
    return []


def problems_from(exc: ValidationError, model: type[BaseModel], doc: YamlDocument) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        problems.append(doc.problem(loc, _message(error, model, loc), SCHEMA))
    # Missing fields last: a misspelt key reads best as "unknown field; did you mean" first.
    return sorted(problems, key=_reading_order)


def _reading_order(problem: Problem) -> tuple:
    return problem.message == MISSING, problem.line or 0, problem.column or 0, _natural(problem.field)


def _natural(field: str | None) -> tuple:
    """Sorts priorities[9] before priorities[10]."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", field or ""))


def _clean_loc(loc) -> tuple:
    # Unions and validators add non-field steps such as "function-after[...]"; drop them.
    return tuple(part for part in loc if isinstance(part, int) or not ("[" in part or "(" in part))


MISSING = "required field is missing"


def _message(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        allowed = f" (allowed: {', '.join(known)})" if known and not did_you_mean(loc[-1], known) else ""
        return f"unknown field{did_you_mean(loc[-1], known)}{allowed}"
    if kind == "missing":
        return MISSING
    if kind.startswith("date_"):
        return f"expected a date as YYYY-MM-DD, got {_show(error.get('input'))}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        # pydantic says "a valid dictionary or instance of Attendee"; a rep knows mappings and fields.
        inner = _model_at(model, loc)
        fields = f" ({', '.join(inner.model_fields)})" if inner else ""
        return f"expected a mapping of fields{fields}, got {_show(error.get('input'))}"
    if kind == "too_short" and "min_length" in error.get("ctx", {}):
        least = error["ctx"]["min_length"]
        return f"needs at least {least} item{'s' if least != 1 else ''}, has {error['ctx'].get('actual_length', 0)}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind in {"string_type", "int_parsing", "bool_parsing", "date_from_datetime_parsing", "date_parsing",
                "list_type", "literal_error", "int_type", "date_type", "string_pattern_mismatch",
                "string_too_short", "string_too_long", "int_from_float", "bool_type", "greater_than_equal",
                "less_than_equal"}:
        message += f", got {_show(error.get('input'))}"
    return message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message


def _show(value) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return f"a {_yaml_kind(value)}"


def _yaml_kind(value) -> str:
    return {dict: "mapping", list: "list", str: "text",
            type(None): "empty value"}.get(type(value), type(value).__name__)


def _model_at(model: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc`, if it is one."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field else None
    return model


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found:
                return found
    return None
