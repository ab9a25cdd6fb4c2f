"""The outcomes page as_html draws from the `aspo outcomes --format json` payload: read back as HTML, and shown in a
real browser that may fetch nothing."""

from __future__ import annotations

import copy
import shutil
import tempfile
from html.parser import HTMLParser

import pytest
from conftest import skip_unless_installed

from aspo.measure.page import as_html

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = "<script>alert(1)</script>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _stage(stage, name, entered, advanced, lost, stalled, rate, low, high, median):
    return {"stage": stage, "name": name, "entered": entered, "advanced": advanced, "lost": lost, "stalled": stalled,
            "censored": entered - advanced - lost - stalled, "rate": rate, "low": low, "high": high,
            "median_days": median}


def _row(stage, kind, content_id, shown, not_shown, difference, verdict, *, pinned=False, flags=(), q=0.2):
    def group(n, advanced):
        return {"n": n, "advanced": advanced, "rate": advanced / n if n else None, "low": 0.1, "high": 0.9}
    return {"stage": stage, "stage_name": stage.title(), "kind": kind, "id": content_id,
            "hash": f"{len(content_id):08x}", "pinned": pinned, "shown": group(*shown), "not_shown": group(*not_shown),
            "difference": None if difference is None else dict(zip(("value", "low", "high"), difference)),
            "p": None if difference is None else q / 4, "q": None if difference is None else q,
            "verdict": verdict, "flags": list(flags)}


def payload(**changes) -> dict:
    """A payload as `aspo outcomes --format json` writes it: three stages, rows of each kind of verdict."""
    made = {
        "title": "Outcomes report", "as_of": "2027-06-30", "since": "2025-12-01", "until": "2027-06-30",
        "window_days": 90, "min_n": 10, "min_events": 5, "invented": True,
        "coverage": {"accounts": 41, "opportunities": 80, "won": 20, "lost": 15, "no_decision": 3, "disqualified": 2,
                     "open": 40, "presented": 150, "built_only": 3},
        "funnel": [_stage("awareness", "Awareness", 80, 50, 10, 12, 0.69, 0.58, 0.78, 34.0),
                   _stage("consideration", "Consideration", 50, 20, 9, 11, 0.5, 0.35, 0.65, 41.5),
                   _stage("decision", "Decision", 20, 6, 4, 3, 0.46, 0.23, 0.71, None)],
        "content": [
            _row("awareness", "block", "cost-of-waiting", (30, 22), (40, 20), (0.23, 0.02, 0.44),
                 "associated with more advancing", q=0.04),
            _row("consideration", "block", "roi-table", (20, 16), (18, 5), (0.52, 0.22, 0.72),
                 "associated with more advancing", q=0.01,
                 flags=["one rep (jordan@x.example) accounts for 12 of 20 showings"]),
            _row("consideration", "scenario", "pilot", (22, 4), (24, 14), (-0.4, -0.63, -0.13),
                 "associated with fewer advancing", pinned=True),
            _row("consideration", "block", "security-faq", (12, 6), (30, 14), (0.03, -0.3, 0.36),
                 "no clear difference", q=0.9),
            _row("decision", "block", "references", (3, 2), (14, 4), (0.38, -0.95, 1.0), "too few to say"),
            _row("decision", "scenario", "migration", (0, 0), (17, 6), None, "too few to say"),
        ],
        "no_role": {"months": 6,
                    "never_eligible": [{"kind": "block", "id": "old-logo-wall", "owner": "marketing@x.example"}],
                    "outranked": [{"kind": "block", "id": "tco-short", "owner": None, "eligible": 7,
                                   "won": ["block roi-table (5)", "block cost-of-waiting (2)"]}],
                    "excluded": [{"kind": "scenario", "id": "pilot", "owner": None,
                                  "accounts": [{"account": "acme", "notes": "legal asked us not to"},
                                               {"account": "globex", "notes": None}]}]},
        "gaps": [{"kind": "competitor", "text": "no answer to Initech's free tier", "advanced": 3,
                  "stalled_or_lost": 7}],
        "caveats": ["Selection by rules confounds: content shown where it fits may only look effective.",
                    "The intervals are per row; many rows compared make some look clear by chance."],
    }
    made.update(changes)
    return made


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list[Node | str] = []  # the children and the text between them, in order

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if child.tag == tag and (cls is None or cls in child.classes()):
                found.append(child)
            found += child.find_all(tag, cls)
        return found

    def find(self, tag: str, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert len(found) == 1, f"{len(found)} <{tag} class={cls}> where one was expected"
        return found[0]

    def text(self) -> str:
        return " ".join("".join(part if isinstance(part, str) else part.text() for part in self.parts).split())


class Tree(HTMLParser):
    """The page as a tree of elements (an unclosed or mismatched element fails the parse)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)
        self.feed(html)
        self.close()
        assert self.current is self.root, f"<{self.current.tag}> is never closed"

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.parts.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.parts.append(node)

    def handle_endtag(self, tag):
        assert tag == self.current.tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def parse(made: dict) -> Node:
    return Tree(as_html(made)).root


def row_key(row: dict) -> str:
    return f"{row['stage']}/{row['kind']}/{row['id']}/{row['hash']}"


def on_axis(plot: Node, value: float) -> float:
    """Where a difference falls on an interval plot, read off the plot's own axis (its ends are -100 % and
    +100 %)."""
    axis = plot.find("line", "axis")
    left, right = float(axis.attrs["x1"]), float(axis.attrs["x2"])
    return left + (value + 1) / 2 * (right - left)


# --- read back as HTML ---------------------------------------------------------------------------------------------

def test_the_page_is_one_html5_document_that_loads_nothing():
    html = as_html(payload())
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    root = Tree(html).root
    assert {"charset": "utf-8"} in [meta.attrs for meta in root.find_all("meta")]
    assert root.find_all("script") == [] and root.find_all("link") == [] and root.find_all("img") == []
    assert not [node.tag for node in _all(root) if {"src", "href"} & set(node.attrs)]
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def _all(node: Node) -> list[Node]:
    return [node, *(found for child in node.children for found in _all(child))]


def test_every_stage_has_a_bar_group_drawn_to_scale():
    made = payload()
    chart = parse(made).find("svg", "funnel")
    groups = chart.find_all("g", "stage")
    assert [group.attrs["data-stage"] for group in groups] == [stage["stage"] for stage in made["funnel"]]
    widest = max(stage["entered"] for stage in made["funnel"])
    full = float(groups[0].find("rect", "entered").attrs["width"])  # awareness has the most entries
    for group, stage in zip(groups, made["funnel"]):
        entered = float(group.find("rect", "entered").attrs["width"])
        advanced = float(group.find("rect", "advanced").attrs["width"])
        assert entered == pytest.approx(full * stage["entered"] / widest, abs=0.01)
        assert advanced == pytest.approx(full * stage["advanced"] / widest, abs=0.01)
    assert "69 % (58–78 %)" in groups[0].text() and "median 34 days" in groups[0].text()
    assert "median 41.5 days" in groups[1].text()
    assert "median not reached" in groups[2].text()
    table = parse(made).find("table", "funnel")
    assert [row.attrs["data-stage"] for row in table.find_all("tr") if "data-stage" in row.attrs] == \
        ["awareness", "consideration", "decision"]


def test_each_difference_has_an_interval_plot_with_its_dot_where_the_difference_falls():
    made = payload()
    root = parse(made)
    plots = {plot.attrs["data-row"]: plot for plot in root.find_all("svg", "interval")}
    with_difference = [row for row in made["content"] if row["difference"] is not None]
    assert sorted(plots) == sorted(row_key(row) for row in with_difference)
    for row in with_difference:
        plot, difference = plots[row_key(row)], row["difference"]
        dot, line = plot.find("circle", "dot"), plot.find("line", "ci")
        assert float(dot.attrs["cx"]) == pytest.approx(on_axis(plot, difference["value"]), abs=0.01)
        assert float(line.attrs["x1"]) == pytest.approx(on_axis(plot, difference["low"]), abs=0.01)
        assert float(line.attrs["x2"]) == pytest.approx(on_axis(plot, difference["high"]), abs=0.01)
        assert float(plot.find("line", "zero").attrs["x1"]) == pytest.approx(on_axis(plot, 0), abs=0.01)
        # the plot sits in the row it belongs to
        assert plot.parent.parent.attrs["data-row"] == row_key(row)
    # the axis is the same fixed -100 % ... +100 % on every row, whatever its numbers
    assert len({(p.find("line", "axis").attrs["x1"], p.find("line", "axis").attrs["x2"]) for p in plots.values()}) == 1


def test_rows_too_few_to_say_are_greyed_and_pinned_rows_are_marked():
    made = payload()
    rows = {row.attrs["data-row"]: row for row in parse(made).find_all("tr", "row")}
    for row in made["content"]:
        shown = rows[row_key(row)]
        assert ("too-few" in shown.classes()) == (row["verdict"] == "too few to say")
        assert ("(pinned)" in shown.text()) == row["pinned"]
        assert row["verdict"] in shown.text()
    migration = rows[row_key(made["content"][-1])]
    assert migration.find_all("svg") == [] and "—" in migration.find("td", "difference").text()
    assert "+52 (+22 to +72)" in rows[row_key(made["content"][1])].text()
    assert "−40 (−63 to −13)" in rows[row_key(made["content"][2])].text()
    tables = parse(made).find_all("table", "content")
    assert [table.attrs["data-stage"] for table in tables] == ["awareness", "consideration", "decision"]


def test_everything_a_rep_typed_is_shown_as_text():
    sneaky = 'x" onmouseover="alert(2)'
    made = payload(title=f"Q3 {HOSTILE}", caveats=[f"caveat {HOSTILE}", "引用は控えめに — «ça dépend» & co"])
    made["gaps"][0]["text"] = HOSTILE
    made["funnel"][0]["name"] = '"><b>Awareness</b>'
    made["content"][1]["id"] = sneaky
    made["content"][1]["flags"] = ['<img src="x" onerror="alert(3)">', "ممثل واحد"]
    made["no_role"]["excluded"][0]["accounts"][0]["notes"] = "</td></tr></table><script>alert(4)</script>"
    made["no_role"]["outranked"][0]["owner"] = "<iframe src='//evil.example'>"
    html = as_html(made)
    root = Tree(html).root
    assert [node.tag for node in _all(root) if node.tag in {"script", "img", "iframe"}] == []
    assert "Awareness" not in [node.text() for node in _all(root) if node.tag == "b"]
    assert not [node for node in _all(root) if any(name.startswith("on") for name in node.attrs)]
    text = root.text()
    for typed in (HOSTILE, '"><b>Awareness</b>', '<img src="x" onerror="alert(3)">', "ممثل واحد",
                  "引用は控えめに — «ça dépend» & co", "</td></tr></table><script>alert(4)</script>",
                  "<iframe src='//evil.example'>"):
        assert typed in text
    assert HOSTILE in root.find("table", "gaps").text()
    assert any(plot.attrs["data-row"] == row_key(made["content"][1]) for plot in root.find_all("svg", "interval"))
    assert "<script>" not in html


def test_the_invented_banner_shows_only_for_the_invented_sample():
    assert parse(payload()).find("p", "invented").text().startswith("Invented sample")
    real = parse(payload(invented=False))
    assert real.find_all("p", "invented") == [] and "invented" not in real.text().lower()


def test_the_caveats_are_a_list_before_the_figures():
    made = payload()
    html = as_html(made)
    caveats = Tree(html).root.find("section", "caveats")
    assert [item.text() for item in caveats.find_all("li")] == made["caveats"]
    assert html.index('id="caveats"') < html.index('<svg class="funnel"')


def test_the_header_coverage_and_the_other_lists():
    made = payload(since=None)
    root = parse(made)
    header = root.find("header")
    assert "Outcomes report" in header.text() and "2027-06-30" in header.text()
    assert "from the first record" in header.text() and "window 90 days" in header.text()
    coverage = root.find("ul", "coverage").text()
    assert "41 accounts" in coverage and "20 won, 15 lost, 3 no decision, 2 disqualified, 40 still open" in coverage
    assert "150 presented" in coverage and "3 built, never presented" in coverage
    assert "old-logo-wall" in root.find("table", "never-eligible").text()
    assert "block roi-table (5), block cost-of-waiting (2)" in root.find("table", "outranked").text()
    excluded = root.find("table", "excluded").text()
    assert "acme: legal asked us not to" in excluded and "globex" in excluded
    gap = root.find("table", "gaps").find_all("tr")[1]
    assert [cell.text() for cell in gap.find_all("td")] == ["no answer to Initech's free tier", "competitor", "3", "7"]


def test_nothing_to_show_still_makes_a_page():
    made = payload(funnel=[], content=[], gaps=[], caveats=[],
                   no_role={"months": 6, "never_eligible": [], "outranked": [], "excluded": []})
    root = parse(made)
    assert root.find_all("svg") == []
    assert "No content was compared." in root.text()


def test_the_same_payload_gives_the_same_page_and_is_left_as_it_was():
    made = payload()
    before = copy.deepcopy(made)
    first = as_html(made)
    assert made == before
    assert as_html(copy.deepcopy(before)) == first
    reordered = payload()
    reordered["coverage"] = dict(reversed(list(reordered["coverage"].items())))
    assert as_html(reordered) == first  # the coverage's known keys are shown in their own order


# --- in a real browser ---------------------------------------------------------------------------------------------

def test_headless_chromium_draws_the_page_to_scale_and_fetches_nothing(tmp_path):
    skip_unless_installed(None if BROWSER else "chromium (Debian's chromium package)", ("ASPO_REQUIRE_BROWSER",),
                          "this check")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_installed("playwright (pip install playwright)", ("ASPO_REQUIRE_BROWSER",), "this check")
    made = payload()
    made["content"][1]["flags"].append("a long flag " * 30 + "with.one.very.long.unbroken.address@" + "x" * 60)
    made["gaps"][0]["text"] = HOSTILE
    page_file = tmp_path / "outcomes.html"
    page_file.write_text(as_html(made), encoding="utf-8")
    fetched: list[str] = []
    errors: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            fetched.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=BROWSER, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        try:
            browser.route("**/*", only_files)
            page = browser.new_page()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_file.as_uri(), wait_until="load")
            drawn = page.evaluate("""() => {
                const box = element => { const r = element.getBoundingClientRect();
                                         return {x: r.x, width: r.width, height: r.height}; };
                return {
                    funnel: box(document.querySelector("svg.funnel")),
                    stages: Array.from(document.querySelectorAll("svg.funnel g.stage"), group => ({
                        stage: group.dataset.stage, entered: box(group.querySelector("rect.entered")),
                        advanced: box(group.querySelector("rect.advanced"))})),
                    plots: Array.from(document.querySelectorAll("svg.interval"), plot => ({
                        row: plot.dataset.row, box: box(plot), axis: box(plot.querySelector("line.axis")),
                        dot: box(plot.querySelector("circle.dot"))})),
                    scripts: document.scripts.length,
                    scrollWidth: document.documentElement.scrollWidth,
                    clientWidth: document.documentElement.clientWidth,
                };
            }""")
        finally:
            browser.close()
    assert fetched == []  # every request other than file:// was refused, and recorded
    assert errors == []
    assert drawn["scripts"] == 0
    assert drawn["funnel"]["width"] > 0 and drawn["funnel"]["height"] > 0
    assert drawn["scrollWidth"] <= drawn["clientWidth"] == 1280
    stages = {stage["stage"]: stage for stage in made["funnel"]}
    assert [stage["stage"] for stage in drawn["stages"]] == list(stages)
    full = drawn["stages"][0]["entered"]["width"]  # awareness has the most entries
    widest = stages["awareness"]["entered"]
    assert full > 100
    for bars in drawn["stages"]:
        stage = stages[bars["stage"]]
        assert bars["entered"]["width"] == pytest.approx(full * stage["entered"] / widest, abs=1)
        assert bars["advanced"]["width"] == pytest.approx(full * stage["advanced"] / widest, abs=1)
        assert bars["advanced"]["x"] == pytest.approx(bars["entered"]["x"], abs=0.5)
    rows = {row_key(row): row for row in made["content"] if row["difference"] is not None}
    assert sorted(plot["row"] for plot in drawn["plots"]) == sorted(rows)
    for plot in drawn["plots"]:
        assert plot["box"]["width"] > 0 and plot["box"]["height"] > 0
        axis, dot, value = plot["axis"], plot["dot"], rows[plot["row"]]["difference"]["value"]
        expected = axis["x"] + (value + 1) / 2 * axis["width"]
        assert dot["x"] + dot["width"] / 2 == pytest.approx(expected, abs=1)
