"""Rendering marketing's Jinja text: sandboxed, strict, bounded in time and size, and never losing which line failed."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import threading
import traceback
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import filters, nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter

from aspo.core.errors import AspoError, did_you_mean
from aspo.core.rulebook import TEMPLATE_ERROR, TEMPLATE_SYNTAX
from aspo.core.yamlfile import NOT_IN_OFFICE, unprintable

try:
    import resource
except ImportError:  # not POSIX: renders run without a memory ceiling or a timer
    resource = None

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


class _BudgetSpent(TemplateLimit):
    """The time limit ran out: the top-level render reports it, at its own line."""


def _too_big(what: str, size: int, unit: str = "characters") -> None:
    """Refuses a step before it builds more than a template may produce."""
    if size > MAX_TEXT:
        raise TemplateLimit(f"{what} would make {size} {unit}; at most {MAX_TEXT}")


class _NoFoldingCodeGenerator(CodeGenerator):
    """Evaluates nothing at compile time: Jinja folds constant `{{ ... }}` while compiling, which ran
    filters and operators before the limits were set and out of reach of the sandbox's checks."""

    def _output_child_to_const(self, node, frame, finalize):
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)


#: A `%` conversion: optional (key), flags, width, precision.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _percent_size(template: str, values: Any) -> int:
    """The padding and precision `template % values` asks for, counted before building it."""
    size = 0
    stars = 0
    for match in _PERCENT_SPEC.finditer(template):
        for number in match.groups():
            if number == "*":
                stars += 1
            elif number:
                size += int(number)
    if stars:  # widths taken from the values
        size += sum(abs(v) for v in (values if isinstance(values, tuple) else (values,)) if isinstance(v, int))
    return size


class _BoundedFormatter(SandboxedFormatter):
    """str.format with each field's width and precision, and the whole result, bounded."""

    def vformat(self, format_string, args, kwargs):
        self._size = 0
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value, format_spec):
        _too_big("str.format()", self._size + sum(int(n) for n in re.findall(r"\d+", format_spec)))
        text = super().format_field(value, format_spec)
        self._size += len(text)
        _too_big("str.format()", self._size)
        return text


class _BoundedEscapeFormatter(_BoundedFormatter, SandboxedEscapeFormatter):
    pass


def _method_size(method: Any, args: tuple, kwargs: dict) -> tuple[int | None, tuple]:
    """What a str or bytes method that can grow its text would build; `args` with iterables made lists."""
    text, name = method.__self__, method.__name__
    first = args[0] if args else None
    if name in ("ljust", "rjust", "center", "zfill") and isinstance(first, int):
        return first, args
    if name == "expandtabs":
        tab = first if args else kwargs.get("tabsize", 8)
        tabs = text.count("\t" if isinstance(text, str) else b"\t")
        return (len(text) + tabs * tab if isinstance(tab, int) else None), args
    if name == "join" and args:
        items = list(first)
        return sum(len(i) for i in items if isinstance(i, (str, bytes))) + len(text) * len(items), (items,) + args[1:]
    if name == "replace" and len(args) >= 2 and all(isinstance(a, (str, bytes)) for a in args[:2]):
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        found = text.count(first) if first else len(text) + 1
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        return len(text) + found * max(len(args[1]) - len(first), 0), args
    if name == "translate" and args:
        table = first.values() if isinstance(first, Mapping) else first if isinstance(first, (list, tuple)) else ()
        longest = max((len(v) for v in table if isinstance(v, (str, bytes))), default=1)
        return len(text) * max(longest, 1), args
    return None, args


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (one that also refuses to change lists and dicts, so no block can alter what the account
    says for the blocks after it), plus limits on what operators, str methods and filters may build."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    code_generator_class = _NoFoldingCodeGenerator

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise TemplateLimit(f"the exponent {right} is too large")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and len(sized) * count > MAX_TEXT:
                    raise TemplateLimit(f"repeating a value {count} times makes more than {MAX_TEXT} characters")
        if operator == "%" and isinstance(left, str):
            _too_big("'%' formatting", _percent_size(left, right))
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEXT:
            raise TemplateLimit(f"a value grew past {MAX_TEXT} characters")
        return result

    def call(self, context, obj, /, *args, **kwargs):
        if isinstance(obj, types.BuiltinMethodType) and isinstance(getattr(obj, "__self__", None), (str, bytes)):
            size, args = _method_size(obj, args, kwargs)
            if size is not None:
                _too_big(f"{obj.__name__}()", size)
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value):
        sandboxed = super().wrap_str_format(value)
        if sandboxed is None:
            return None
        text = value.__self__
        formatter = (_BoundedEscapeFormatter(self, escape=text.escape) if isinstance(text, markupsafe.Markup)
                     else _BoundedFormatter(self))
        is_map = value.__name__ == "format_map"

        def bounded(*args, **kwargs):
            if is_map:
                if kwargs or len(args) != 1:
                    return sandboxed(*args, **kwargs)  # Jinja's own TypeError
                args, kwargs = (), args[0]
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(bounded, value)


# --- filters that could build far more text than they are given, bounded before they build it ---


def _bounded_indent(s, width=4, first=False, blank=False):
    step = len(width) if isinstance(width, str) else width
    if isinstance(step, int):
        indented = len((str(s) + "\n").splitlines()) - (0 if first else 1)
        _too_big("indent", len(str(s)) + max(indented, 1) * step)  # the indent itself is built once at least
    return filters.do_indent(s, width, first, blank)


@jinja2.pass_environment
def _bounded_wordwrap(environment, s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
    if isinstance(wrapstring, str) and len(wrapstring) > 1:
        lines = filters.do_wordwrap(environment, s, width, break_long_words, "\n", break_on_hyphens)
        _too_big("wordwrap", len(lines) + lines.count("\n") * (len(wrapstring) - 1))
    return filters.do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)


@jinja2.pass_eval_context
def _bounded_join(eval_ctx, value, d="", attribute=None):
    items = list(value)
    shown = map(filters.make_attrgetter(eval_ctx.environment, attribute), items) if attribute is not None else items
    _too_big("join", sum(len(str(item)) for item in shown) + len(str(d)) * len(items))
    return filters.sync_do_join(eval_ctx, items, d, attribute)


@jinja2.pass_eval_context
def _bounded_replace(eval_ctx, s, old, new, count=None):
    text, old_text, new_text = str(s), str(old), str(new)
    found = text.count(old_text) if old_text else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _too_big("replace", len(text) + found * max(len(new_text) - len(old_text), 0))
    return filters.do_replace(eval_ctx, s, old, new, count)


def _bounded_batch(value, linecount, fill_with=None):
    if fill_with is not None and isinstance(linecount, int):
        _too_big("batch", linecount, "items")
    return filters.do_batch(value, linecount, fill_with)


def _bounded_slice(value, slices, fill_with=None):
    if isinstance(slices, int):
        _too_big("slice", slices, "lists")
    return filters.sync_do_slice(value, slices, fill_with)


@jinja2.pass_eval_context
def _bounded_tojson(eval_ctx, value, indent=None):
    step = len(indent) if isinstance(indent, str) else indent
    if isinstance(step, int) and step > 1:
        _too_big("tojson", len(json.dumps(value, indent=1, default=str)) * step)
    return filters.do_tojson(eval_ctx, value, indent)


_BOUNDED_FILTERS = {"indent": _bounded_indent, "wordwrap": _bounded_wordwrap, "join": _bounded_join,
                    "replace": _bounded_replace, "batch": _bounded_batch, "slice": _bounded_slice,
                    "tojson": _bounded_tojson}


def _office_text(value: Any) -> Any:
    """Every `{{ ... }}` output passes here: text a deck or document cannot hold stops at its line."""
    if isinstance(value, str) and NOT_IN_OFFICE.search(value):
        raise TemplateRefusal(unprintable(value, "the template's output", position=False))
    return value


def _bounded_range(*args):
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(values)} items; at most {MAX_RANGE}")
    return values


class Renderer:
    """A bounded, sandboxed Jinja environment with StrictUndefined that caches compiled templates."""

    def __init__(self):
        self.env = _BoundedEnvironment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            optimized=False,  # its constant folding runs filters and operators at compile time
            finalize=_office_text,
        )
        for name in _REMOVED_FILTERS:
            self.env.filters.pop(name, None)
        for name in _REMOVED_GLOBALS:
            self.env.globals.pop(name, None)
        self.env.filters.update(_BOUNDED_FILTERS)
        self.env.globals["range"] = _bounded_range
        self._cache: dict[str, jinja2.Template] = {}
        self._reads: dict[str, frozenset[str]] = {}

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
            # One name per template, so a render finds its own lines when a helper renders another inside it.
            template.filename = f"{_TEMPLATE_FILENAME}{len(self._cache)}"
            self._cache[source] = template
            self._reads[source] = _names_read(tree)
        return template

    def reads(self, source: str) -> frozenset[str] | None:
        """The context names a template this renderer compiled reads: 'account.stage' for an attribute of a
        context value, 'account' for a value used any other way (looped over, indexed, passed on); None when the
        template has not compiled (yet)."""
        return self._reads.get(source)

    def batch(self):
        """Sets up the limits (the alarm's handler, the saved memory limit) once for the renders inside it,
        instead of once per render; each top-level render still gets its own time and memory budget."""
        return batch()

    def render(self, source: str, context: dict[str, Any], path: Path, first_line: int, field: str) -> str:
        """Renders one template text; errors name the file and the template's line in it.

        A render inside another (a helper such as capability() rendering its wording) shares the outer
        render's time and memory budget; running out is reported by the outermost render, at its line.
        Inside `batch()` each top-level render still gets its own budget: only the setting up is shared."""
        nested = _budget.rendering
        template = None
        try:
            with _limits():
                template = self._compile(source)
                text = _bounded_render(template, context)
        except _BudgetSpent as exc:
            if nested:
                raise
            raise _error(path, first_line, _failing_line(exc, template), field,
                         f"template stopped: {exc}; is a loop running away?") from None
        except MemoryError as exc:
            if nested:
                raise
            raise _error(path, first_line, _failing_line(exc, template), field,
                         f"template stopped: it needed more than {MAX_EXTRA_MEMORY // 2**20} MB; "
                         "is a loop running away?") from None
        except TemplateLimit as exc:
            raise _error(path, first_line, _failing_line(exc, template), field,
                         f"template stopped: {exc}; is a loop running away?") from None
        except RecursionError as exc:
            raise _error(path, first_line, _failing_line(exc, template), field,
                         "template stopped: it nested too deeply; does a macro call itself?") from None
        except jinja2.TemplateSyntaxError as exc:
            raise _error(path, first_line, exc.lineno, field, f"template syntax error: {exc.message}",
                         TEMPLATE_SYNTAX) from None
        except jinja2.UndefinedError as exc:
            message = f"undefined variable: {_explain_undefined(exc.message or '', context)}"
            raise _error(path, first_line, _failing_line(exc, template), field, message) from None
        except jinja2.exceptions.SecurityError as exc:
            raise _error(path, first_line, _failing_line(exc, template), field,
                         f"not allowed in a template: {exc}") from None
        except TemplateRefusal as exc:
            raise _error(path, first_line, _failing_line(exc, template), field, str(exc)) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, AssertionError,
                jinja2.TemplateError) as exc:
            # A filter given arguments it refuses ("wordwrap(0)", "truncate(-1)", "dictsort(by='x')") and
            # Jinja's runtime errors ("No filter named 'random'" inside map()) are the template's mistakes.
            detail = str(exc) or type(exc).__name__
            raise _error(path, first_line, _failing_line(exc, template), field, f"template error: {detail}") from None
        refused = unprintable(text, "the template's output", position=False)
        if refused:  # text no `{{ ... }}` wrote, such as a {% filter %} block's: its line is unknown
            raise _error(path, first_line, None, field, refused)
        return text


def _names_read(tree: nodes.Template) -> frozenset[str]:
    names: set[str] = set()
    attribute_of: set[int] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.ctx == "load":
            names.add(f"{node.node.name}.{node.attr}")
            attribute_of.add(id(node.node))
    names.update(node.name for node in tree.find_all(nodes.Name) if node.ctx == "load" and id(node) not in attribute_of)
    return frozenset(names)


def _bounded_render(template: jinja2.Template, context: dict[str, Any]) -> str:
    pieces, size = [], 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_TEXT:
            raise TemplateLimit(f"its text grew past {MAX_TEXT} characters")
        pieces.append(piece)
    return "".join(pieces)


class _Budget(threading.local):
    """This thread's limits. `armed`: the alarm's handler is set and the memory limit saved, for a batch of renders
    or for one render alone; `rendering`: a top-level render is running, and renders inside it share its budget."""

    armed = False
    rendering = False
    handler: Any = None  # SIGALRM's handler before the batch
    saved: tuple[int, int] | None = None  # RLIMIT_AS before the batch
    statm: int | None = None  # /proc/self/statm, open for the batch: read again as each render starts
    capped = False  # a render's memory ceiling is in place


_budget = _Budget()
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 0


@contextlib.contextmanager
def batch():
    """The limits' setting up, done once around many renders (where the OS allows: POSIX, main thread).

    Between renders nothing is limited: no timer runs and the memory limit is the process's own."""
    armed = _arm()
    try:
        yield
    finally:
        if armed:
            _disarm()


class _Limits:
    """One top-level render's budget: a timer of MAX_SECONDS (SIGALRM) and a memory ceiling MAX_EXTRA_MEMORY above
    what the process uses as the render starts (RLIMIT_AS). Inside a batch it only starts and stops them; alone,
    it also sets up and restores the handler and the limit. Inside another render it does nothing."""

    __slots__ = ("_armed", "_started")

    def __enter__(self):
        self._armed = self._started = False
        if _budget.rendering:
            return self
        self._armed = _arm()
        if _budget.armed:
            try:
                _start()
            except BaseException:
                if self._armed:
                    _disarm()
                raise
            self._started = True
        return self

    def __exit__(self, *exc_info):
        try:
            if self._started:
                _stop()
        finally:
            if self._armed:
                _disarm()
        return False


def _limits() -> _Limits:
    """A time limit and a memory ceiling around one top-level render, where the OS allows."""
    return _Limits()


def _on_alarm(signum, frame):
    if not _budget.rendering:
        return  # a render that ended as its time ran out: nothing left to stop
    _budget.rendering = False  # the render stops here: renders after it start their own budget
    raise _BudgetSpent(f"it ran for more than {MAX_SECONDS:g} s")


def _arm() -> bool:
    """Sets the alarm's handler and saves the memory limit; False when already done or not allowed here."""
    if _budget.armed or resource is None or threading.current_thread() is not threading.main_thread():
        return False
    _budget.handler = signal.signal(signal.SIGALRM, _on_alarm)
    _budget.saved = resource.getrlimit(resource.RLIMIT_AS)
    _budget.capped = False
    try:
        _budget.statm = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        _budget.statm = None
    _budget.armed = True
    return True


def _disarm() -> None:
    try:
        signal.setitimer(signal.ITIMER_REAL, 0)
    finally:  # even when the alarm fires just before it is cleared
        _budget.armed = _budget.rendering = False
        signal.signal(signal.SIGALRM, _budget.handler)
        _uncap()
        if _budget.statm is not None:
            os.close(_budget.statm)
            _budget.statm = None


def _start() -> None:
    """A top-level render starts: its own memory ceiling, then its own timer."""
    _budget.rendering = True
    in_use = _address_space()
    ceiling = in_use + MAX_EXTRA_MEMORY
    soft, hard = _budget.saved
    if in_use and (soft == resource.RLIM_INFINITY or soft > ceiling) and (
            hard == resource.RLIM_INFINITY or ceiling <= hard):
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
        _budget.capped = True
    else:  # none here (the process's own limit is lower); nor one a render stopped by its alarm left behind
        _uncap()
    signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)


def _stop() -> None:
    """A top-level render ends: no timer and no ceiling until the next one starts."""
    _budget.rendering = False  # first: an alarm from here on stops nothing
    try:
        signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        _uncap()


def _uncap() -> None:
    if _budget.capped:
        resource.setrlimit(resource.RLIMIT_AS, _budget.saved)
        _budget.capped = False


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 when unknown), read from the batch's open statm."""
    if _budget.statm is None:
        return 0
    try:
        return int(os.pread(_budget.statm, 128, 0).split()[0]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _error(path: Path, first_line: int, template_line: int | None, field: str, message: str,
           rule: str = TEMPLATE_ERROR) -> AspoError:
    """An error at the file line of a template's line (templates start at `first_line` in their file)."""
    return AspoError.at(path, first_line + (template_line or 1) - 1, field, message, rule)


#: Fields of the template context only speaker notes get: the customer never reads them.
INTERNAL_FIELDS = {"meeting": ("goal",), "account": ("size", "region", "stage", "competitors")}
#: ... and fields of each item of a list in it: an attendee's persona is how the rep reads them.
INTERNAL_ITEM_FIELDS = {("meeting", "attendees"): ("persona",)}


def _explain_undefined(message: str, context: dict[str, Any]) -> str:
    """Rewords Jinja's "'dict object' has no attribute 'x'" and suggests the closest name."""
    match = (re.fullmatch(r"'dict object' has no attribute '(.+)'", message)
             or re.fullmatch(r"'(.+)' is undefined", message))
    if not match:
        return message
    name = match.group(1)
    internal = [f"{group}.{name}" for group, fields in INTERNAL_FIELDS.items()
                if name in fields and isinstance(context.get(group), dict) and name not in context[group]]
    for (group, key), fields in INTERNAL_ITEM_FIELDS.items():
        items = context[group].get(key) if isinstance(context.get(group), dict) else None
        if name in fields and items and not any(name in item for item in items):
            internal.append(f"{group}.{key}[].{name}")
    if internal:
        return (f"{internal[0]} is for the rep only: use it in speaker notes (after '## Notes'), never in what the "
                "customer reads")
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


def _failing_line(exc: BaseException, template: jinja2.Template | None) -> int | None:
    """The line of `template` Jinja put into the traceback, innermost first."""
    if template is None:
        return None
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == template.filename]
    return frames[-1].lineno if frames else None
