"""The outcomes page: the one self-contained HTML file `aspo outcomes --format html` prints, drawn from its payload."""

from __future__ import annotations

import functools
from pathlib import Path

TEMPLATE = "outcomes.html.j2"
GENERATOR = '<meta name="generator" content="aspo outcomes --format html">'

# The funnel chart, in SVG user units (the chart is drawn at this size and only shrinks on a narrow screen): a
# label column, the bars (the stage with the most entries fills BAR_MAX), then the figures as text.
FUNNEL_WIDTH = 960
BAR_X = 170
BAR_MAX = 440
TEXT_X = BAR_X + BAR_MAX + 16
ROW_HEIGHT = 48
BAR_HEIGHT = 32
TOP = 8

# An interval plot: a fixed axis from -100 % (AXIS_LEFT) to +100 % (AXIS_RIGHT) whatever the row's numbers.
PLOT_WIDTH = 200
PLOT_HEIGHT = 28
AXIS_LEFT = 10
AXIS_RIGHT = 190

COVERAGE_OUTCOMES = (("won", "won"), ("lost", "lost"), ("no_decision", "no decision"),
                     ("disqualified", "disqualified"), ("open", "still open"))
COVERAGE_SHOWN = ("accounts", "opportunities", *(key for key, _ in COVERAGE_OUTCOMES), "presented", "built_only")
VERDICT_CLASSES = {"associated with more advancing": "more", "associated with fewer advancing": "fewer",
                   "no clear difference": "unclear", "too few to say": "too-few"}


def as_html(payload: dict) -> str:
    """The page for one `aspo outcomes --format json` payload: plain HTML, inline CSS and SVG, no script and
    nothing fetched; every text from the payload escaped. The same payload gives the same string."""
    return _environment().get_template(TEMPLATE).render(page=_view(payload), generator=GENERATOR)


@functools.cache
def _environment():
    import jinja2.sandbox

    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("page_templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def interval_x(value: float) -> float:
    """Where a difference (-1 … +1) falls on an interval plot's axis; beyond the axis it is drawn at its end."""
    value = max(-1.0, min(1.0, value))
    return AXIS_LEFT + (value + 1) / 2 * (AXIS_RIGHT - AXIS_LEFT)


def _view(payload: dict) -> dict:
    funnel = payload["funnel"]
    stages = _content(payload["content"], funnel)
    return {
        "title": payload["title"], "as_of": payload["as_of"], "since": payload["since"], "until": payload["until"],
        "window_days": payload["window_days"], "min_n": payload["min_n"], "min_events": payload["min_events"],
        "invented": bool(payload["invented"]),
        "coverage": _coverage(payload["coverage"]),
        "funnel": _funnel(funnel, payload["window_days"]),
        "stages": [stage for stage in stages if stage["rows"]],
        "uncompared": [stage["name"] for stage in stages if not stage["rows"]],
        "axis": {"left": AXIS_LEFT, "right": AXIS_RIGHT, "width": PLOT_WIDTH, "height": PLOT_HEIGHT,
                 "zero": _units(interval_x(0)), "ticks": [_units(interval_x(tick)) for tick in (-0.5, 0.5)]},
        "no_role": payload["no_role"],
        "gaps": payload["gaps"],
        "caveats": payload["caveats"],
    }


def _coverage(coverage: dict) -> dict:
    return {"accounts": coverage["accounts"], "opportunities": coverage["opportunities"],
            "outcomes": [(coverage[key], name) for key, name in COVERAGE_OUTCOMES],
            "presented": coverage["presented"], "built_only": coverage["built_only"],
            "other": [(coverage[key], key.replace("_", " ")) for key in coverage if key not in COVERAGE_SHOWN]}


def _funnel(funnel: list[dict], window_days: int) -> dict:
    widest = max((stage["entered"] for stage in funnel), default=0) or 1
    rows = []
    for number, stage in enumerate(funnel):
        top = TOP + number * ROW_HEIGHT
        rows.append({
            **stage,
            "y": top, "entered_width": _units(BAR_MAX * stage["entered"] / widest),
            "advanced_width": _units(BAR_MAX * stage["advanced"] / widest),
            "rate_text": _rate(stage["rate"], stage["low"], stage["high"]),
            "rate_only": _rate(stage["rate"], None, None), "interval_text": _span(stage["low"], stage["high"]),
            "median_text": _median(stage["median_days"]),
            "count_text": f"{stage['advanced']} of {stage['entered']} advanced within {window_days} days",
        })
    return {"rows": rows, "width": FUNNEL_WIDTH, "height": TOP * 2 + len(funnel) * ROW_HEIGHT,
            "bar_x": BAR_X, "bar_height": BAR_HEIGHT, "text_x": TEXT_X, "label_x": BAR_X - 12}


def _content(content: list[dict], funnel: list[dict]) -> list[dict]:
    """The rows by stage: the funnel's stages in its order, then any other stage as it first comes."""
    order = [stage["stage"] for stage in funnel]
    names = {stage["stage"]: stage["name"] for stage in funnel}
    for row in content:
        if row["stage"] not in names:
            order.append(row["stage"])
        names.setdefault(row["stage"], row["stage_name"])
    stages = []
    for stage in order:
        rows = [_content_row(row) for row in content if row["stage"] == stage]
        always = [row for row in rows if not row["not_shown"]["n"]]  # one line, not a table of empty comparisons
        stages.append({"stage": stage, "name": names[stage], "rows": [row for row in rows if row not in always],
                       "always": always})
    return stages


def _content_row(row: dict) -> dict:
    difference = row["difference"]
    plot = None
    if difference is not None:
        plot = {"x": _units(interval_x(difference["value"])), "low": _units(interval_x(difference["low"])),
                "high": _units(interval_x(difference["high"])),
                "label": f"difference {_points(difference['value'])} points, 95 % interval "
                         f"{_points(difference['low'])} to {_points(difference['high'])}"}
    return {
        **row,
        "key": f"{row['stage']}/{row['kind']}/{row['id']}/{row['hash']}",
        "verdict_class": VERDICT_CLASSES.get(row["verdict"], "other"),
        "shown_text": _group(row["shown"]), "not_shown_text": _group(row["not_shown"]),
        "difference_text": (f"{_points(difference['value'])} ({_points(difference['low'])} to "
                            f"{_points(difference['high'])})") if difference is not None else "—",
        "q_text": _probability(row["q"]), "p_text": _probability(row["p"]), "plot": plot,
    }


def _units(value: float) -> str:
    """An SVG coordinate, written the same way every time."""
    return f"{value:.2f}"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}"


def _rate(rate: float | None, low: float | None, high: float | None) -> str:
    if rate is None:
        return "no rate yet"
    return f"{_percent(rate)} %" + (f" ({_span(low, high)})" if low is not None and high is not None else "")


def _span(low: float | None, high: float | None) -> str:
    return "—" if low is None or high is None else f"{_percent(low)}–{_percent(high)} %"


def _points(value: float) -> str:
    """A difference of two rates in percentage points, signed: +52, −8, 0."""
    whole = _percent(abs(value))
    if whole == "0":
        return "0"
    return ("+" if value > 0 else "−") + whole


def _median(days: float | None) -> str:
    if days is None:
        return "median not reached"
    shown = f"{days:.0f}" if float(days).is_integer() else f"{days:.1f}"
    return f"median {shown} day{'' if shown == '1' else 's'}"


def _group(group: dict) -> str:
    if not group["n"]:
        return "none"
    return f"{group['advanced']} of {group['n']} ({_rate(group['rate'], None, None)})"


def _probability(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0.001"
    return f"{value:.3f}" if value < 0.01 else f"{value:.2f}"
