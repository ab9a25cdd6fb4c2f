"""The docs' promises: the README's first two commands, CI running the second one verbatim, the rules table in
docs/marketing.md, a short README, and relative links that lead somewhere."""

from __future__ import annotations

import re

from conftest import REPO

#: The pages for readers: the README, CONTRIBUTING and every page under docs/.
PAGES = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
README_MAX_LINES = 200


def readme_commands() -> list[str]:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.startswith("    ")][:2]


def test_the_readme_opens_with_a_build_command_and_a_test_command():
    build, test = readme_commands()
    assert build.endswith("aspo build accounts/")
    assert test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = readme_commands()
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_readme_stays_short():
    lines = len((REPO / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move the detail to a page in docs/"


def test_the_textconv_setup_in_the_reviewers_page_is_the_readmes():
    """tests/test_review.py runs the README's lines; the reviewers' page repeats them and must not drift."""
    def setup_lines(name: str) -> list[str]:
        return [line.strip() for line in (REPO / name).read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("git config diff.aspo.")]

    assert setup_lines("docs/reviewing.md") == setup_lines("README.md") != []


LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")


def relative_links(text: str) -> list[str]:
    """Targets of inline and reference links and images outside code, leaving out web addresses."""
    targets, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):  # code: a fenced or indented block
            continue
        prose = re.sub(r"`[^`]*`", "", line)  # code spans
        targets += LINK.findall(prose) + REFERENCE.findall(prose)
    return [target for target in targets if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target)]


def test_every_relative_link_leads_to_a_file_that_exists_and_names_no_anchor():
    wrong = []
    for page in PAGES:
        for target in relative_links(page.read_text(encoding="utf-8")):
            where = page.relative_to(REPO)
            if "#" in target:
                wrong.append(f"{where}: {target}: an anchor (headings change; link to the page)")
            elif not (page.parent / target).exists():
                wrong.append(f"{where}: {target}: no such file")
    assert wrong == []
    assert len(PAGES) > 3  # the docs/ pages were found


def test_the_link_finder_sees_links_and_images_and_skips_code_and_web_addresses():
    text = ("See [reps](docs/reps.md) and ![a deck](docs/images/a.png \"title\").\n"
            "`[not](a-link.md)` and [web](https://example.com/x.md)\n"
            "    [indented](code.md)\n"
            "```\n[fenced](code.md)\n```\n"
            "[ref]: docs/ref.md\n")
    assert relative_links(text) == ["docs/reps.md", "docs/images/a.png", "docs/ref.md"]
