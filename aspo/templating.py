"""Rendering marketing's Jinja text: sandboxed, strict, and never losing which line failed."""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from aspo.errors import TEMPLATE_ERROR, TEMPLATE_SYNTAX, AspoError, did_you_mean

_TEMPLATE_FILENAME = "<aspo-template>"


class TemplateRefusal(Exception):
    """Raised by a template helper when the text asks for something it must not say."""


class Renderer:
    """A sandboxed Jinja environment with StrictUndefined that caches compiled templates."""

    def __init__(self, helpers: dict[str, Callable[..., Any]] | None = None):
        self.env = SandboxedEnvironment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        self.env.globals.update(helpers or {})
        self._cache: dict[str, jinja2.Template] = {}

    def render(self, source: str, context: dict[str, Any], path: Path, first_line: int, field: str) -> str:
        """Renders one template text; errors name the file and the template's line in it."""
        try:
            template = self._cache.get(source)
            if template is None:
                template = self.env.from_string(source)
                template.filename = _TEMPLATE_FILENAME
                self._cache[source] = template
            return template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise _error(path, first_line, exc.lineno, field, f"template syntax error: {exc.message}",
                         TEMPLATE_SYNTAX) from None
        except jinja2.UndefinedError as exc:
            message = f"undefined variable: {_explain_undefined(exc.message or '', context)}"
            raise _error(path, first_line, _failing_line(exc), field, message) from None
        except jinja2.exceptions.SecurityError as exc:
            raise _error(path, first_line, _failing_line(exc), field, f"not allowed in a template: {exc}") from None
        except TemplateRefusal as exc:
            raise _error(path, first_line, _failing_line(exc), field, str(exc)) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            raise _error(path, first_line, _failing_line(exc), field, f"template error: {exc}") from None


def _error(path: Path, first_line: int, template_line: int | None, field: str, message: str,
           rule: str = TEMPLATE_ERROR) -> AspoError:
    """An error at the file line of a template's line (templates start at `first_line` in their file)."""
    return AspoError.at(path, first_line + (template_line or 1) - 1, field, message, rule)


def _explain_undefined(message: str, context: dict[str, Any]) -> str:
    """Rewords Jinja's "'dict object' has no attribute 'x'" and suggests the closest name."""
    match = re.fullmatch(r"'dict object' has no attribute '(.+)'", message) or re.fullmatch(r"'(.+)' is undefined", message)
    if not match:
        return message
    name = match.group(1)
    known = sorted(_names(context))
    lead = f"'{name}' is undefined" if message.endswith("is undefined") else f"no field '{name}'"
    return lead + did_you_mean(name, known)


def _names(value: Any, prefix: str = "") -> set[str]:
    names: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            names.add(str(key))
            names |= _names(inner)
    return names


def _failing_line(exc: BaseException) -> int | None:
    """The template line Jinja put into the traceback, innermost first."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == _TEMPLATE_FILENAME]
    return frames[-1].lineno if frames else None
