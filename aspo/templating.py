"""Rendering marketing's Jinja text: sandboxed, strict, bounded in time and size, and never losing which line failed."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from aspo.errors import TEMPLATE_ERROR, TEMPLATE_SYNTAX, AspoError, did_you_mean

_TEMPLATE_FILENAME = "<aspo-template>"


#: A block is a slide's worth of text: anything near these limits is a runaway template.
MAX_TEXT = 100_000  # characters one template may produce, or one value in it may hold
MAX_RANGE = 1_000
MAX_SECONDS = 2.0
MAX_EXTRA_MEMORY = 512 * 1024 * 1024
#: Filters that could break determinism or build unbounded text from small input.
_REMOVED_FILTERS = ("random", "format", "center", "filesizeformat", "pprint", "urlize")
#: Globals that could break determinism: lipsum() is random text.
_REMOVED_GLOBALS = ("lipsum",)


class TemplateRefusal(Exception):
    """Raised by a template helper when the text asks for something it must not say."""


class TemplateLimit(Exception):
    """A template went past a limit on time, memory or size."""


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (one that also refuses to change lists and dicts, so no block can alter what the account
    says for the blocks after it), plus limits on what `*`, `**` and `+` may build."""

    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise TemplateLimit(f"the exponent {right} is too large")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and len(sized) * count > MAX_TEXT:
                    raise TemplateLimit(f"repeating a value {count} times makes more than {MAX_TEXT} characters")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
            raise TemplateLimit(f"a value grew past {MAX_TEXT} characters")
        return result


def _bounded_range(*args):
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(values)} items; at most {MAX_RANGE}")
    return values


class Renderer:
    """A bounded, sandboxed Jinja environment with StrictUndefined that caches compiled templates."""

    def __init__(self, helpers: dict[str, Callable[..., Any]] | None = None):
        self.env = _BoundedEnvironment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )
        for name in _REMOVED_FILTERS:
            self.env.filters.pop(name, None)
        for name in _REMOVED_GLOBALS:
            self.env.globals.pop(name, None)
        self.env.globals["range"] = _bounded_range
        self.env.globals.update(helpers or {})
        self._cache: dict[str, jinja2.Template] = {}

    def _compile(self, source: str) -> jinja2.Template:
        """Compiles once; includes, imports and extends are refused (blocks stand alone in templates/)."""
        template = self._cache.get(source)
        if template is None:
            tree = self.env.parse(source)
            for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
                raise jinja2.TemplateSyntaxError(
                    f"'{type(node).__name__.lower()}' is not available: blocks stand alone; "
                    "put shared text in its own block", node.lineno)
            template = self.env.from_string(tree)
            template.filename = _TEMPLATE_FILENAME
            self._cache[source] = template
        return template

    def render(self, source: str, context: dict[str, Any], path: Path, first_line: int, field: str) -> str:
        """Renders one template text; errors name the file and the template's line in it."""
        try:
            template = self._compile(source)
            with _limits():
                return _bounded_render(template, context)
        except TemplateLimit as exc:
            raise _error(path, first_line, _failing_line(exc), field,
                         f"template stopped: {exc}; is a loop running away?") from None
        except RecursionError as exc:
            raise _error(path, first_line, _failing_line(exc), field,
                         "template stopped: it nested too deeply; does a macro call itself?") from None
        except MemoryError:
            raise _error(path, first_line, None, field,
                         f"template stopped: it needed more than {MAX_EXTRA_MEMORY // 2**20} MB; "
                         "is a loop running away?") from None
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
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, AssertionError,
                jinja2.TemplateError) as exc:
            # A filter given arguments it refuses ("wordwrap(0)", "truncate(-1)", "dictsort(by='x')") and
            # Jinja's runtime errors ("No filter named 'random'" inside map()) are the template's mistakes.
            detail = str(exc) or type(exc).__name__
            raise _error(path, first_line, _failing_line(exc), field, f"template error: {detail}") from None


def _bounded_render(template: jinja2.Template, context: dict[str, Any]) -> str:
    pieces, size = [], 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_TEXT:
            raise TemplateLimit(f"its text grew past {MAX_TEXT} characters")
        pieces.append(piece)
    return "".join(pieces)


@contextlib.contextmanager
def _limits():
    """A time limit (SIGALRM) and a memory ceiling (RLIMIT_AS) around one render, where the OS allows."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield
        return
    import resource

    def on_alarm(signum, frame):
        raise TemplateLimit(f"it ran for more than {MAX_SECONDS:g} s")

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = _address_space()
    ceiling = in_use + MAX_EXTRA_MEMORY
    capped = bool(in_use) and (soft == resource.RLIM_INFINITY or soft > ceiling) and (
        hard == resource.RLIM_INFINITY or ceiling <= hard)
    if capped:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if capped:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


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
