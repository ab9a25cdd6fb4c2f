"""Validated input as plain data: how a kept library or account is pickled and read back without pydantic."""

from __future__ import annotations

import io
import pickle
from types import MappingProxyType
from typing import Any

_FROZEN = "a validated record is read-only"


class Record:
    """What a validated pydantic model is read back as: its fields as attributes, read-only, with the part of
    pydantic's interface aspo uses on validated input (model_dump, model_copy, model_fields_set)."""

    __slots__ = ("__dict__", "model_fields_set")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(_FROZEN)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(_FROZEN)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"

    def __reduce__(self):
        return record, (type(self).__name__, dict(self.__dict__), frozenset(self.model_fields_set))

    def model_dump(self, *, exclude: set[str] | None = None, exclude_none: bool = False, **options) -> dict:
        """The fields as a dict, nested records as dicts, as pydantic's model_dump() gives them."""
        if options.get("mode", "python") != "python" or set(options) - {"mode"}:
            raise TypeError(f"model_dump options a record does not take: {sorted(options)}")
        return {name: _dumped(value, exclude_none) for name, value in self.__dict__.items()
                if not (exclude and name in exclude) and not (exclude_none and value is None)}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Record:
        """A copy with `update`'s fields replaced, unvalidated, as pydantic's model_copy(update=...)."""
        fields = {**self.__dict__, **(update or {})}
        return record(type(self).__name__, fields, frozenset(self.model_fields_set) | set(update or ()))


def _dumped(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(exclude_none=exclude_none)
    if isinstance(value, (list, tuple)):
        return type(value)(_dumped(item, exclude_none) for item in value)
    if isinstance(value, dict):
        return {key: _dumped(item, exclude_none) for key, item in value.items()}
    return value


_TYPES: dict[str, type] = {}


def record(name: str, fields: dict[str, Any], fields_set: frozenset[str]) -> Record:
    """A record of the model named `name` (one class per name, so records of one model compare equal)."""
    kind = _TYPES.get(name)
    if kind is None:
        kind = _TYPES[name] = type(name, (Record,), {"__slots__": ()})
    made = object.__new__(kind)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "model_fields_set", fields_set)
    return made


def frozen_mapping(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


class _PlainPickler(pickle.Pickler):
    """Pickles validated models as records and read-only mappings as what they map, so what reads the pickle back
    needs neither pydantic nor the schema."""

    def reducer_override(self, obj: Any):
        if type(obj) is MappingProxyType:
            return frozen_mapping, (dict(obj),)
        fields_set = getattr(obj, "__pydantic_fields_set__", None)
        if fields_set is not None and not isinstance(obj, type):
            return record, (type(obj).__name__, dict(obj.__dict__), frozenset(fields_set))
        return NotImplemented


def plain_pickle(value: Any) -> bytes:
    """`value` pickled as plain data (see _PlainPickler)."""
    stream = io.BytesIO()
    _PlainPickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return stream.getvalue()
