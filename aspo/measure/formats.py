"""The outcomes report written out: a payload for tools (JSON), tables for people (Markdown), rows for spreadsheets
(CSV). The HTML page draws the same payload (aspo/measure/page.py)."""

from __future__ import annotations

import csv
import io
import json

from aspo.core.markdown_table import table
from aspo.measure.outcomes import CAVEATS, INVENTED, ContentRow, Report, rounded

TITLE = "Outcomes report"


def as_payload(report: Report) -> dict:
    """Everything the report says, as plain data: what --format json prints and the page draws."""
    settings = report.settings
    names = dict(report.stages)
    caveats = list(CAVEATS)
    return {
        "title": TITLE,
        "as_of": settings.until.isoformat(),
        "since": settings.since.isoformat() if settings.since else None,
        "until": settings.until.isoformat(),
        "window_days": settings.window,
        "min_n": settings.min_n,
        "min_events": settings.min_events,
        "invented": report.invented,
        "coverage": {
            "accounts": report.histories, "opportunities": report.opportunities,
            "won": report.closed.get("won", 0), "lost": report.closed.get("lost", 0),
            "no_decision": report.closed.get("no-decision", 0),
            "disqualified": report.closed.get("disqualified", 0),
            "open": report.open, "presented": report.presented, "built_only": report.built_only,
        },
        "funnel": list(report.funnel),
        "content": [_row(row, names) for row in report.content],
        "no_role": report.no_role,
        "gaps": list(report.gaps),
        "caveats": caveats,
    }


def _row(row: ContentRow, names: dict[str, str]) -> dict:
    difference = ({"value": rounded(row.difference[0]), "low": rounded(row.difference[1]),
                   "high": rounded(row.difference[2])} if row.difference else None)
    return {"stage": row.stage, "stage_name": names.get(row.stage, row.stage), "kind": row.kind, "id": row.id,
            "hash": row.hash, "pinned": row.pinned, "shown": row.shown.as_json(),
            "not_shown": row.not_shown.as_json(), "difference": difference, "p": rounded(row.p, 6),
            "q": rounded(row.q, 6), "verdict": row.verdict, "flags": list(row.flags)}


def as_json(report: Report) -> str:
    return json.dumps(as_payload(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("stage", "kind", "id", "hash", "pinned", "shown_n", "shown_advanced", "shown_rate", "shown_low",
               "shown_high", "not_shown_n", "not_shown_advanced", "not_shown_rate", "not_shown_low", "not_shown_high",
               "difference", "difference_low", "difference_high", "p", "q", "verdict", "flags")


def as_csv(report: Report) -> str:
    """The content rows, one line each: the table a spreadsheet sorts and filters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in as_payload(report)["content"]:
        difference = row["difference"] or {}
        writer.writerow([
            row["stage"], row["kind"], row["id"], row["hash"], str(row["pinned"]).lower(),
            *(_blank(row["shown"][k]) for k in ("n", "advanced", "rate", "low", "high")),
            *(_blank(row["not_shown"][k]) for k in ("n", "advanced", "rate", "low", "high")),
            *(_blank(difference.get(k)) for k in ("value", "low", "high")),
            _blank(row["p"]), _blank(row["q"]), row["verdict"], "; ".join(row["flags"]),
        ])
    return out.getvalue()


def _blank(value) -> str:
    return "" if value is None else str(value)


# --- Markdown ----------------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _interval(value: float | None, low: float | None, high: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    if signed:
        return f"{value * 100:+.0f} pts ({low * 100:+.0f} to {high * 100:+.0f})"
    return f"{value * 100:.0f} % ({low * 100:.0f}–{high * 100:.0f} %)"


def _q(q: float | None) -> str:
    return "–" if q is None else "< 0.001" if q < 0.001 else f"{q:.3f}"


def as_markdown(report: Report) -> str:
    """The report for people, caveats first: the same text for the same histories."""
    payload = as_payload(report)
    cover, settings = payload["coverage"], report.settings
    closed = ", ".join(f"{label} {cover[key]}" for key, label in (("won", "won"), ("lost", "lost"),
                                                                   ("no_decision", "no decision"),
                                                                   ("disqualified", "disqualified")))
    since = f", stages entered since {payload['since']}" if payload["since"] else ""
    lines = [f"# {TITLE}", "",
             f"As of {payload['as_of']}{since}; "
             f"an opportunity advances when it reaches a later stage, or wins, within {settings.window} days of "
             "entering a stage.", ""]
    if report.invented:
        lines += [f"> **{INVENTED}**", ""]
    lines += ["## What these figures can and cannot say", ""]
    lines += [f"- {caveat}" for caveat in payload["caveats"]]
    lines += ["", "## Coverage", "",
              f"- {cover['accounts']} accounts with history, {cover['opportunities']} opportunities: {closed}; "
              f"{cover['open']} still open",
              f"- {cover['presented']} decks logged as presented; {cover['built_only']} current builds never logged "
              "as presented (built is not presented)", ""]
    lines += ["## Funnel by stage", ""]
    lines += table(
        ("stage", "entered", f"advanced in {settings.window} days", "lost", "stalled", "censored",
         "rate (95 % interval)", "median days in stage"),
        [(f["name"], f["entered"], f["advanced"], f["lost"], f["stalled"], f["censored"],
          _interval(f["rate"], f["low"], f["high"]),
          "not reached" if f["median_days"] is None else f"{f['median_days']:g}") for f in payload["funnel"]])
    lines += ["", f"Lost: closed without a win, or moved back a stage. Stalled: still in the stage after "
              f"{settings.window} days, or advanced later. Censored: entered less than {settings.window} days ago "
              "and still open, too recent to judge: counted, left out of the rate. Median days in stage: "
              "Kaplan–Meier, so deals still open count for the time they have spent.", ""]
    lines += ["## Content by stage", "",
              "Each block or scenario at one text, against opportunities at the same stage it was eligible for but "
              f"not shown. Below {settings.min_n} opportunities in a group, or {settings.min_events} advancing or not "
              "advancing in a row, it says too few to say. Differences with Newcombe's 95 % interval; q is "
              "Fisher's exact p adjusted across rows (Benjamini–Hochberg).", ""]
    for stage, name in report.stages:
        rows = [row for row in payload["content"] if row["stage"] == stage]
        if not rows:
            continue
        always = [row for row in rows if not row["not_shown"]["n"]]  # one line, not rows of empty comparisons
        rows = [row for row in rows if row not in always]
        lines += [f"### {name}", ""]
        lines += table(
            ("content", "shown: advanced", "eligible, not shown: advanced", "difference", "q", "verdict"),
            [(f"{r['kind']} `{r['id']}` @{r['hash']}{' (pinned)' if r['pinned'] else ''}"
              + "".join(f" ⚠ {flag}" for flag in r["flags"]),
              f"{r['shown']['advanced']} of {r['shown']['n']} ({_pct(r['shown']['rate'])})",
              f"{r['not_shown']['advanced']} of {r['not_shown']['n']} ({_pct(r['not_shown']['rate'])})",
              _interval(*(r["difference"][k] for k in ("value", "low", "high")), signed=True)
              if r["difference"] else "–",
              _q(r["q"]), r["verdict"]) for r in rows])
        if always:
            lines += ["", "Shown wherever eligible, so nothing to compare: "
                      + ", ".join(f"{r['kind']} `{r['id']}`" for r in always) + "."]
        lines.append("")
    role = payload["no_role"]
    lines += [f"## Played no role (decks presented since {role['since']}: {role['decks']})", ""]
    if not role["decks"]:
        lines += [f"No deck was logged as presented in the last {role['months']} months: nothing to judge.", ""]
    else:
        lines += ["### Never eligible", "", "No presented deck's account fitted its rules.", ""]
        lines += table(("kind", "id", "owner"), [(e["kind"], f"`{e['id']}`", e["owner"] or "")
                                                  for e in role["never_eligible"]])
        lines += ["", "### Eligible but always outranked", "", "It fitted, and something else was shown instead.", ""]
        lines += table(("kind", "id", "owner", "eligible in", "shown instead"),
                        [(e["kind"], f"`{e['id']}`", e["owner"] or "", f"{e['eligible']} decks", ", ".join(e["won"]))
                         for e in role["outranked"]])
        lines += ["", "### Excluded by reps", ""]
        lines += table(("kind", "id", "owner", "account", "rep's notes"),
                        [(e["kind"], f"`{e['id']}`", e["owner"] or "", a["account"], a["notes"] or "")
                         for e in role["excluded"] for a in e["accounts"]])
        lines.append("")
    lines += ["## Recurring gaps by outcome", "",
              "What no content answered in presented decks, once per opportunity and stage: in deals that advanced, "
              "and in deals that stalled or were lost.", ""]
    lines += table(("gap", "kind", "for example", "advanced", "stalled or lost"),
                    [(g["text"], g["kind"], g["example"] or "", g["advanced"], g["stalled_or_lost"])
                     for g in payload["gaps"]])
    return "\n".join(lines) + "\n"
