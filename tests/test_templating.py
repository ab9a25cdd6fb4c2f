"""Marketing's Jinja runs sandboxed and bounded: runaway templates end with a clear error, quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aspo.errors import AspoError
from aspo.templating import Renderer

STOPPED = "b.md:10: body: template stopped: "


def render(source: str) -> str:
    return Renderer().render(source, {"account": {"name": "Acme"}}, Path("b.md"), 10, "body")


def failure(source: str) -> str:
    with pytest.raises(AspoError) as info:
        render(source)
    return info.value.format_message()


@pytest.mark.parametrize("source, message", [
    ('{{ "x" * 1000000000 }}', STOPPED + "repeating a value 1000000000 times makes more than 100000 characters; "
                               "is a loop running away?"),
    ("{% for i in range(100000) %}{% endfor %}", STOPPED + "range() of 100000 items; at most 1000; "
                                                           "is a loop running away?"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}{{ i }}{% endfor %}{% endfor %}",
     STOPPED + "its text grew past 100000 characters; is a loop running away?"),
    ("{{ 10 ** 100000 }}", STOPPED + "the exponent 100000 is too large; is a loop running away?"),
    ('{% include "../../etc/passwd" %}', "b.md:10: body: template syntax error: 'include' is not available: "
                                         "blocks stand alone; put shared text in its own block"),
    ('{% extends "base" %}', "b.md:10: body: template syntax error: 'extends' is not available: "
                             "blocks stand alone; put shared text in its own block"),
    ("{{ [1, 2]|random }}", "b.md:10: body: template syntax error: No filter named 'random'."),
])
def test_runaway_or_escaping_templates_stop_with_one_line(source, message):
    assert failure(source) == message


def test_a_loop_that_prints_nothing_is_stopped_by_the_time_limit():
    # CPU time, not wall time: a loaded machine stretches the wall clock, but the 2 s alarm (wall time) still
    # stops the loop before it has used more CPU than that; unstopped it would use about half a minute
    started = time.process_time()
    nested = "{% for i in range(1000) %}" * 3 + "{% endfor %}" * 3
    assert failure(nested) == STOPPED + "it ran for more than 2 s; is a loop running away?"
    assert time.process_time() - started < 5


def test_a_value_doubling_in_a_loop_is_stopped_by_the_memory_ceiling():
    doubling = ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
                "{{ ns.s|length }}")
    assert failure(doubling) == STOPPED + "it needed more than 512 MB; is a loop running away?"


def test_ordinary_templates_still_render():
    assert render("{% for i in range(3) %}{{ account.name }}{% endfor %}") == "AcmeAcmeAcme"


@pytest.mark.parametrize("source, message", [
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
     STOPPED + "it nested too deeply; does a macro call itself?"),
    ("{{ [1, 2]|map('random')|list }}", "b.md:10: body: template error: No filter named 'random'."),
    ("{{ account|dictsort(by='x') }}", 'b.md:10: body: template error: You can only sort by either "key" or "value"'),
    ("{{ 'x'|truncate(-1) }}", "b.md:10: body: template error: expected length >= 3, got -1"),
    ("{{ lipsum() }}", "b.md:10: body: undefined variable: 'lipsum' is undefined"),
    ("{{ account.update(name='Other') }}",
     "b.md:10: body: not allowed in a template: access to attribute 'update' of 'dict' object is unsafe."),
    ("{% set seen = [] %}{{ seen.append(1) }}",
     "b.md:10: body: not allowed in a template: access to attribute 'append' of 'list' object is unsafe."),
])
def test_template_mistakes_beyond_the_usual_are_one_line_too(source, message):
    """Recursion, Jinja's runtime errors and filters' own checks were internal errors (exit 3); lipsum() is
    random text, which would break byte-identical builds; a block that changed the account's values would
    change what every later block says."""
    assert failure(source) == message
