"""The `aspo` command line: a thin shell over the library calls, printing errors as one line each.

Imports are lazy: heavy libraries (pydantic, jinja2, python-pptx, python-docx, PyYAML's loader, multiprocessing)
are imported inside the functions that need them (or at the top of a module only such functions import, as the
renderers are), because every command's start-up pays for every module-level import it reaches, `aspo --help`
included; tests/test_start.py checks what each command loads.
An import of an aspo module inside a function must still point to the same layer or a lower one, as at the top
(core < office < library < plan < compose < render < build < review, checks, authoring < cli):
tests/test_architecture.py checks function-level imports too.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from aspo import __version__
from aspo.cli.options import CRMS, Group, history_option, in_project, templates_option
from aspo.core.children import remove_leftovers
from aspo.core.errors import USER_ERROR_STATUS, AspoError, display_path, one_line
from aspo.core.stopping import Stopped, stop_on_signals

INTERNAL_ERROR_STATUS = 3
ISSUES_URL = "https://github.com/aspo-dev/aspo/issues"
BUG_REPORT = f"aspo: this is a bug; please report it at {ISSUES_URL} with the output of --debug"


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aspo")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Account-specific decks, documents and review drafts from approved content."""
    ctx.ensure_object(dict).setdefault("debug", False)


@cli.command()
@click.argument("accounts", nargs=-1, required=True, type=click.Path(path_type=Path))
@templates_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=in_project("output"),
              show_default="output/ beside templates/", help="Where output/<account>/ folders are written.")
@click.option("--force", is_flag=True, help="Rebuild accounts whose inputs have not changed.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Accounts built at once (default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="No warnings about priorities no approved content answers.")
@click.option("--pdf", is_flag=True, help="Also write <slug>-deck.pdf and <slug>-offering.pdf, converted by "
              "LibreOffice (a process per job; ASPO_SOFFICE names its command).")
@click.pass_context
def build(ctx: click.Context, accounts: tuple[Path, ...], templates: Path, output: Path, force: bool,
          jobs: int | None, quiet: bool, pdf: bool) -> None:
    """Build the deck, document and review draft for each ACCOUNTS file (or folder of them).

    <slug>-deck.pptx and <slug>-offering.docx are the customer's copies, which hold nothing only the rep reads;
    <slug>-deck-presenter.pptx is the deck with the rep's speaker notes, to present from.

    Accounts whose inputs are unchanged since their last build are skipped, unless --force (with --pdf, also
    those whose PDFs are missing or changed are rebuilt).
    Exit status: 0 when all are built or unchanged; 2 when an account has a problem; 3 when aspo hit a bug
    (the other accounts are still built); 130, 143, 129 when stopped by Ctrl-C, SIGTERM, SIGHUP.
    """
    import contextlib
    import time
    import types

    from aspo.build.builder import build as build_accounts
    from aspo.library.account_paths import account_files

    started = time.perf_counter()
    count = len(account_files(list(accounts)))
    show_bar = count > 1 and sys.stderr.isatty()
    converted: list[tuple[int, float]] = []
    no_bar = contextlib.nullcontext(types.SimpleNamespace(update=lambda steps: None))  # output is not a terminal
    with click.progressbar(length=count, label="building", file=sys.stderr) if show_bar else no_bar as bar:
        outcomes = build_accounts(list(accounts), templates, output, force=force, jobs=jobs,
                                  on_outcome=lambda outcome: bar.update(1), debug=ctx.obj["debug"], pdf=pdf,
                                  on_pdfs=lambda n, seconds: converted.append((n, seconds)))
    bugs = [outcome for outcome in outcomes if outcome.bug]
    for outcome in outcomes:
        if outcome.bug:
            where, bug = (f"{display_path(outcome.path)}: ", " (a bug in aspo)") if len(outcomes) > 1 else ("", "")
            click.echo(one_line(f"aspo: internal error: {where}{outcome.problems[0]}{bug}"), err=True)
        elif outcome.status == "failed":
            for problem in outcome.problems:
                click.echo(f"aspo: error: {problem}", err=True)
        else:
            click.echo(one_line(f"{outcome.status:<10} {display_path(outcome.folder)}/"))
        if not quiet:
            for warning in outcome.warnings:
                click.echo(one_line(f"aspo: warning: {warning}"), err=True)
    counts = {status: sum(o.status == status for o in outcomes) for status in ("built", "unchanged", "failed")}
    if len(outcomes) > 1 or counts["failed"] == 0:
        failed = [display_path(o.path) for o in outcomes if o.status == "failed"]
        click.echo(f"{len(outcomes)} account{'s' if len(outcomes) != 1 else ''}: "
                   + ", ".join(f"{n} {status}" for status, n in counts.items())
                   + (f" ({', '.join(failed)})" if failed else "")
                   + f" in {time.perf_counter() - started:.2f} s"
                   + "".join(f" ({n} PDF{'s' if n != 1 else ''} in {seconds:.2f} s)" for n, seconds in converted))
    if bugs:
        click.echo(BUG_REPORT, err=True)
        ctx.exit(INTERNAL_ERROR_STATUS)
    if counts["failed"]:
        ctx.exit(USER_ERROR_STATUS)


@cli.command()
@click.argument("account", type=click.Path(path_type=Path))
@templates_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(account: Path, templates: Path, fmt: str) -> None:
    """Show every block, scenario and capability considered for ACCOUNT, and why it was or was not chosen."""
    from aspo.library.content import load_library
    from aspo.plan import explain as explaining
    from aspo.plan.plan import plan_account

    library = load_library(templates, layouts=False)  # nothing is rendered
    plan = plan_account(account, library)
    text = (explaining.as_json(plan.account, plan.selection) if fmt == "json"
            else explaining.as_text(plan.account, library, plan.selection))
    click.echo(text, nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rev", metavar="REV", help="Build each account against templates/ at git revision REV and as it is "
              "now, and compare; PATHS are then account files or folders [default: accounts/].")
@click.option("--html", "html", metavar="DIR", type=click.Path(path_type=Path),
              help="Write a review page, DIR/index.html: every changed slide and document page before and after, "
              "as pictures (LibreOffice and pdftoppm draw them) with the words that changed.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Accounts built at once, and LibreOffice and pdftoppm processes (default: one per core).")
@templates_option
@click.pass_context
def diff(ctx: click.Context, paths: tuple[Path, ...], rev: str | None, html: Path | None, jobs: int | None,
         templates: Path) -> None:
    """Show what changed between two builds, slide by slide and section by section.

    PATHS are two output folders (of one account, or of many), decks, documents or drafts; or, with --rev, the
    accounts to build twice. Exit status 0: same (it says "no differences"); 1: different; 2: an account could not
    be built, or bad input.
    """
    if rev is None and len(paths) != 2:
        raise click.UsageError("give two output folders, decks, documents or drafts to compare (or --rev REV)")
    tools = None
    if html is not None:  # before anything is built
        from aspo.library.protected import refuse_library
        from aspo.review.page import refuse_foreign
        from aspo.review.pictures import find_tools

        refuse_library(html, templates, "--html")
        refuse_foreign(html)
        tools = find_tools("--html")
    progress = _progress_line if sys.stderr.isatty() else None
    if rev is not None:
        from aspo.core.pool import cores
        from aspo.review.comparison import compare_revisions

        accounts = list(paths) or [in_project("accounts")()]
        comparison = compare_revisions(accounts, templates, rev, progress, jobs or cores())
    elif html is not None or _output_roots(*paths):
        from aspo.review.comparison import compare_folders

        comparison = compare_folders(*paths)
    else:
        from aspo.review.diffing import diff_paths

        result = diff_paths(*paths)
        click.echo(result.text if result.different else "no differences\n", nl=False)
        ctx.exit(1 if result.different else 0)
    if html is None:
        ctx.exit(_print_text_diffs(comparison))
    from aspo.review.comparison import review
    from aspo.review.page import write_review
    from aspo.review.pictures import PictureCache

    with PictureCache(tools, progress=progress, warn=lambda line: _say(f"aspo: warning: {line}"),
                      jobs=jobs) as cache:
        found = review(comparison, cache, progress)
        page = write_review(found, html)
    slides = sum(len(account.slides) for account in found.changed)
    pages = sum(len(account.pages) for account in found.changed)
    for _, _, problem in found.failed:
        click.echo(f"aspo: error: {problem}", err=True)
    one_side = (f", {len(found.new)} only in {found.after_label}" if found.new else "") + (
        f", {len(found.gone)} only in {found.before_label}" if found.gone else "")
    click.echo(f"{display_path(page)}: {len(found.changed)} account{'s' if len(found.changed) != 1 else ''} changed "
               f"({slides} slide{'s' if slides != 1 else ''}, {pages} page{'s' if pages != 1 else ''}), "
               f"{len(found.unchanged)} unchanged, {len(found.failed)} failed{one_side}")
    ctx.exit(found.status)


def _output_roots(a: Path, b: Path) -> bool:
    from aspo.review.comparison import is_output_root

    return is_output_root(a, b)


def _progress_line(message: str) -> None:
    click.echo(f"aspo: {message}", err=True)


def _print_text_diffs(comparison) -> int:
    """Prints each changed account's text diff, and a line for each that failed; returns the exit status."""
    from aspo.review.diffing import diff_build_texts

    different = failed = False
    for account in comparison.accounts:
        if account.status == "failed":
            failed = True
            click.echo(f"aspo: error: {account.problem}", err=True)
        elif account.status in ("changed", "new", "gone"):
            different = True
            result = diff_build_texts(account.before, account.after, *account.labels)
            click.echo(result.text, nl=False)
    if not different and not failed:
        click.echo("no differences")
    return 2 if failed else 1 if different else 0


@cli.command()
@click.argument("texts", nargs=-1, required=True)
@templates_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--language", metavar="LANG", help="Read the texts in this language, as an account reading it "
              "(l10n/LANG/pains.yaml and the translated blocks); default: the library's source language.")
def match(texts: tuple[str, ...], templates: Path, fmt: str, language: str | None) -> None:
    """Try priorities, written as a customer would say them, against the library's pains.

    Shows the pain each TEXTS would be recognised as, its confidence and the words behind it, and the closest
    pains that fell short; nothing is written. Use it to test a phrasing before adding examples to pains.yaml.
    """
    import json

    from aspo.library.content import load_library
    from aspo.library.languages import unmaintained

    library = load_library(templates, layouts=False)  # nothing is rendered
    if language is not None:
        if problem := unmaintained(language, library.catalog):
            raise AspoError.option("--language", problem)
        library = library.in_languages(language, library.rep_language)
    recognitions = [library.matcher.recognise(text) for text in texts]
    if fmt == "json":
        from aspo.plan.explain import recognition_json

        click.echo(json.dumps([{"text": r.text, **recognition_json(r)} for r in recognitions], indent=2,
                              ensure_ascii=False))
        return
    for recognition in recognitions:
        click.echo(f"\u201c{recognition.text}\u201d")
        found = ", ".join(recognition.pains)
        click.echo(f"  recognised: {found}" if found else f"  a content gap ({recognition.closest()})")
        for score in recognition.ranked[:3]:
            alone = f" ({score.weakness})" if score.weakness else ""
            click.echo(f"  {score.confidence:.2f}  {score.pain}: {', '.join(score.evidence[:5])}{alone}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
def textconv(file: Path) -> None:
    """Print a .pptx, .docx or review draft as stable text (a git textconv driver)."""
    from aspo.render.formats import textconv_text

    click.echo(textconv_text(file, AspoError.show), nl=False)


@cli.command()
@templates_option
@click.option("--accounts", "accounts_dir", type=click.Path(path_type=Path), default=in_project("accounts"),
              show_default="accounts/ beside templates/", help="The folder of account files.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The day to measure expiry from (default: today).")
@click.option("--horizon", type=click.IntRange(min=0), default=60, show_default=True, metavar="DAYS",
              help="List content whose review_by falls within this many days.")
@click.option("--l10n", "translations", is_flag=True, help="Instead: every block and scenario by language.")
@click.pass_context
def report(ctx: click.Context, templates: Path, accounts_dir: Path, fmt: str, today, horizon: int,
           translations: bool) -> None:
    """Show how the content library is used across all accounts: usage, never used, content gaps, expiry.

    Accounts that fail to load are reported and left out; the exit status is then 2.
    """
    import datetime as dt

    from aspo.library.content import load_library
    from aspo.plan import report as reporting

    library = load_library(templates, layouts=False)  # nothing is rendered
    plans, problems = reporting.load_accounts(accounts_dir, library)
    for problem in problems:
        click.echo(f"aspo: error: {problem}", err=True)
    if translations:
        from aspo.cli.l10n import matrix_text

        click.echo(matrix_text(library, plans, fmt), nl=False)
    else:
        result = reporting.usage_report(library, plans, today.date() if today else dt.date.today(), horizon)
        click.echo(reporting.as_json(result) if fmt == "json" else reporting.as_markdown(result), nl=False)
    if problems:
        ctx.exit(USER_ERROR_STATUS)


@cli.command()
@click.argument("name", type=click.Choice(["account"]), metavar="NAME")
@click.option("--library", "library_path", type=click.Path(path_type=Path), default=None,
              help="A templates folder whose ids the schema lists (e.g. templates/).")
def schema(name: str, library_path: Path | None) -> None:
    """Print the JSON Schema of an input file (NAME: account), for editors with a YAML language server.

    With --library, id fields (stage, persona, pain, capability, products, pins) list that library's ids, so
    editors complete them; schemas/account.schema.json is made so from the sample library.
    """
    from aspo.library.schema_export import account_schema_text

    click.echo(account_schema_text(library_path), nl=False)  # NAME can only be "account"


def _rule_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    """Completes the rule id after the last comma of --select and --ignore."""
    from click.shell_completion import CompletionItem

    from aspo.checks.registry import all_rules

    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [CompletionItem(prefix + rule.id, help=rule.name) for rule in all_rules().values()
            if rule.id.startswith(last.upper())]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--templates", type=click.Path(path_type=Path), default=None,
              help="The content library folder [default: templates/ here or in the nearest folder above].")
@click.option("--accounts", type=click.Path(path_type=Path), default=None,
              help="The accounts folder checked when no PATHS name accounts [default: accounts/ beside templates/].")
@click.option("--select", multiple=True, metavar="RULES", shell_complete=_rule_ids,
              help="Report only these rules: ids or prefixes, comma-separated (C5,E2 or ALL).")
@click.option("--ignore", multiple=True, metavar="RULES", shell_complete=_rule_ids,
              help="Leave these rules out (ids or prefixes).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date review_by dates are checked against [default: today].")
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...], templates: Path | None, accounts: Path | None,
          select: tuple[str, ...], ignore: tuple[str, ...], fmt: str, strict: bool, today) -> None:
    """Check the content library and the accounts without writing anything.

    PATHS are account files or folders of them (the library they build with is checked too, for what stops a
    build; its own content rules are left out), or a project folder (its templates/ and accounts/). With no
    PATHS: the whole project found from the current folder up. Prints path:line:col: RULE message for each
    problem, then a count by rule. Exit status 1 when there are errors (or warnings, with --strict), 0
    otherwise. Rules and their settings: templates/checks.yaml.
    """
    import datetime as dt

    from aspo.checks import check as checking
    from aspo.checks.output import as_json, as_text
    from aspo.checks.registry import selected_rules

    try:
        rules = selected_rules(select, ignore)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    target = checking.check_target(list(paths), templates, accounts)
    diagnostics = checking.run_check(target.templates, target.accounts, today.date() if today else dt.date.today(),
                                     library_rules=target.library_rules, rules=rules)
    click.echo(as_json(diagnostics) if fmt == "json" else as_text(diagnostics), nl=False)
    failing = {"error", "warning"} if strict else {"error"}
    ctx.exit(1 if any(d.severity in failing for d in diagnostics) else 0)


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the SHELL completion script for aspo: commands, options, rule and file names complete on Tab.

    bash: add `eval "$(aspo completion bash)"` to ~/.bashrc; zsh: the same with zsh, in ~/.zshrc;
    fish: `aspo completion fish > ~/.config/fish/completions/aspo.fish`.
    """
    from click.shell_completion import get_completion_class

    # click completes through the same program: the script calls aspo with _ASPO_COMPLETE set
    script = get_completion_class(shell)(cli, {}, "aspo", "_ASPO_COMPLETE").source()
    click.echo(script, nl=not script.endswith("\n"))


@cli.group()
def layouts() -> None:
    """See a PowerPoint or Word template's layouts and styles, and adopt one as the library's."""


@layouts.command("show")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def layouts_show(file: Path, fmt: str) -> None:
    """Print a .pptx's slide size, themes and layouts (each once, with its placeholders by role, size and
    position), or a .docx's page and styles."""
    import json

    from aspo.office.description import describe_template, template_lines

    description = describe_template(file)
    if fmt == "json":
        click.echo(json.dumps(description, indent=2, ensure_ascii=False))
        return
    for number, (label, lines) in enumerate(template_lines(description)):
        click.echo(f"{display_path(file)}: {label}" if number == 0 else label)
        for line in lines:
            click.echo(f"  {line}")


@layouts.command("use")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@templates_option
@click.option("--accounts", "accounts_dir", type=click.Path(path_type=Path), default=in_project("accounts"),
              show_default="accounts/ beside templates/", help="The accounts the checks afterwards build in memory.")
@click.option("--dry-run", is_flag=True, help="Print the mapping; write nothing.")
@click.pass_context
def layouts_use(ctx: click.Context, files: tuple[Path, ...], templates: Path, accounts_dir: Path,
                dry_run: bool) -> None:
    """Adopt FILES (a .pptx, a .docx, or one of each) as the deck and document templates: copy them to
    templates/layouts/, map each outline section to the layout (and each role to the Word style) that suits it,
    write that into templates/outline.yaml (its comments kept), then run the checks.

    Exit status: 0 when adopted and the checks find no error; 1 when they do; 2 when the file cannot be
    adopted (nothing is written).
    """
    import datetime as dt
    from collections import Counter

    from aspo.authoring.layouts_use import adopt, describe_choices
    from aspo.checks import check as checking

    outline = display_path(templates / "outline.yaml")
    verb = "Would adopt" if dry_run else "Adopted"
    adoptions = adopt(list(files), templates, dry_run)
    for adoption in adoptions:
        click.echo(f"{verb} {display_path(adoption.source)} as {display_path(adoption.target)}; {outline}:")
        for line in describe_choices(adoption):
            click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing written.")
        return
    diagnostics = checking.run_check(templates, accounts_dir, dt.date.today())
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = Counter(d.rule for d in diagnostics if d.severity == "warning")
    summary = ", ".join(f"{rule} x{count}" for rule, count in sorted(warnings.items()))
    adopted = {display_path(adoption.target) for adoption in adoptions}  # what the checks say of these is shown
    shown = [d for d in diagnostics if d.severity == "error" or d.path in adopted]
    click.echo(f"Checks: {len(errors)} error(s), {sum(warnings.values())} warning(s)"
               + (f" ({summary}; `aspo check` lists them)" if warnings else "") + (":" if shown else "."))
    for diagnostic in shown:
        click.echo(str(diagnostic))
    ctx.exit(1 if errors else 0)


@cli.command("import")
@click.argument("source", metavar="FILE.csv", type=click.Path(path_type=Path))
@templates_option
@click.option("--accounts", "accounts_dir", type=click.Path(path_type=Path), default=in_project("accounts"),
              show_default="accounts/ beside templates/", help="Where account files are written (created if missing).")
@history_option
@click.option("--preset", type=click.Choice(CRMS), help="The CRM whose standard export this "
              "is: its own headers (First Name + Last Name, Deal Stage, ...), stage names and closed stages.")
@click.option("--map", "map_path", metavar="FILE.yaml", type=click.Path(path_type=Path), help="Your own mapping "
              "for this export (a preset, columns, split, stages, ...), merged over templates/import.yaml.")
@click.option("--show-mapping", is_flag=True, help="Print which column feeds which field, which are ignored and "
              "what is missing; write nothing.")
@click.option("--update", is_flag=True, help="Refresh, in account files that exist, the values the CRM owns; "
              "what the rep owns stays, comments included, and a different CRM value is reported.")
@click.option("--take", "take", multiple=True, metavar="FIELD", help="With --update: take the CRM's value of a "
              "field the rep owns (industry, region, meeting.goal, priorities, competitors, next_step). Repeatable.")
@click.option("--stage-history", is_flag=True, help="FILE.csv is a stage-history export (one row per opportunity "
              "and stage change): append each stage and outcome, exactly dated, to its account's history.")
@click.option("--dry-run", is_flag=True, help="Print what would be created, updated, kept, skipped or appended; "
              "write nothing.")
@click.pass_context
def import_(ctx: click.Context, source: Path, templates: Path, accounts_dir: Path, history: Path, preset: str | None,
            map_path: Path | None, show_mapping: bool, update: bool, take: tuple[str, ...], stage_history: bool,
            dry_run: bool) -> None:
    """Write an account file for each row of a CRM export (FILE.csv), never over an existing one, and add the
    CRM's stage or outcome to the account's history (history/<slug>.yaml) when it lacks it.

    Columns are found by their headers (Account Name, Industry, Employees, Stage, ...; --preset reads a Salesforce
    or HubSpot export as the CRM writes it, --map and templates/import.yaml map others). Blank cells become "TODO:"
    placeholders the build names until the rep fills them in.
    Exit status: 0 when every row is imported, unchanged or skipped; 2 when a row has a problem (it is named and
    skipped, the others are written) or the export cannot be read (nothing is written).
    """
    import datetime as dt

    if stage_history:
        for given, name in ((update, "--update"), (preset, "--preset"), (map_path, "--map"),
                            (show_mapping, "--show-mapping"), (take, "--take")):
            if given:
                raise AspoError.option(name, "a stage history reads its own columns and only adds to histories; "
                                       "import the accounts' export without --stage-history for this")
        from aspo.authoring.import_stage_history import backfill_histories

        result = backfill_histories(source, templates, accounts_dir, history, dt.date.today(), dry_run=dry_run)
    elif show_mapping:
        from aspo.authoring.import_ import show_mapping as mapping

        lines, importable = mapping(source, templates, preset, map_path)
        click.echo("\n".join(lines))
        ctx.exit(0 if importable else USER_ERROR_STATUS)
    else:
        from aspo.authoring.import_ import import_accounts

        result = import_accounts(source, templates, accounts_dir, history, dt.date.today(), update=update,
                                 dry_run=dry_run, preset=preset, map_path=map_path, take=frozenset(take))
    for to_stderr, line in result.lines():
        click.echo(line, err=to_stderr)
    if result.failed:
        ctx.exit(USER_ERROR_STATUS)


@cli.command()
@click.argument("directory", metavar="[DIR]", type=click.Path(path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty; files already there are kept "
              "as they are (never overwritten), and nothing is deleted.")
@click.option("--from-sample", "sample", is_flag=True, help="Copy aspo's full sample library and accounts (the "
              "fictional vendor Meridian Ops) instead of the small starter library.")
def init(directory: Path, force: bool, sample: bool) -> None:
    """Start a content repository in DIR (default: here): templates/ with a small, working starter library,
    accounts/ with one example account, schemas/, a README, .gitattributes, .gitignore and
    .pre-commit-config.yaml. `aspo build accounts/` works in it at once.

    A folder with anything in it (but .git) is refused unless --force.
    """
    from aspo.authoring.init import init_project, next_command

    done = init_project(directory, force=force, sample=sample)
    for path in done.created:
        click.echo(one_line(f"created  {display_path(path)}"))
    for path in done.kept:
        click.echo(one_line(f"kept     {display_path(path)} (it was there already; aspo init overwrites nothing)"))
    library = "the sample library" if sample else "a starter library"
    click.echo(one_line(f"{len(done.created)} files written with {library}. Next: {next_command(directory)}"))


@cli.group("new")
def new_group() -> None:
    """Start a new input file from a commented starter."""


@new_group.command("account")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="The account's company name.")
@click.option("--industry", metavar="ID", help="Industry id from the library's industries.yaml.")
@click.option("--size", metavar="SIZE", help="Company size: smb, mid-market or enterprise.")
@click.option("--region", help="Sales region, e.g. EMEA.")
@click.option("--stage", metavar="ID", help="Buying stage id from the library's stages.yaml.")
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="The meeting date.")
@templates_option
def new_account(path: Path, name: str | None, industry: str | None, size: str | None, region: str | None,
                stage: str | None, date, templates: Path) -> None:
    """Write a starter account file at PATH (e.g. accounts/zeta.yaml): every field with a comment, the library's
    ids listed, and "TODO:" placeholders where the rep writes. It never overwrites a file.

    The options fill their fields. On a terminal, aspo asks for the name, industry, size and stage the options
    left out; otherwise it never waits for input.
    """
    from aspo.authoring.new_account import new_account as write_starter_account

    written = write_starter_account(path, templates, name=name, industry=industry, size=size, region=region,
                                    stage=stage, date=date.date() if date else None, ask=sys.stdin.isatty())
    for line in written.lines():
        click.echo(line)


from aspo.cli.history import activities_group, log, outcomes  # noqa: E402 - registered below
from aspo.cli.l10n import l10n_group  # noqa: E402

cli.add_command(l10n_group)
cli.add_command(log)
cli.add_command(outcomes)
cli.add_command(activities_group)


def main(argv: list[str] | None = None) -> None:
    """Entry point: known errors print one line and exit 2; anything else is a bug (exit 3).

    Ctrl-C exits 130; SIGTERM 143 and SIGHUP 129 (128 + the signal's number), after the same cleanup.
    """
    shared: dict = {"debug": False}  # every command's ctx.obj: --debug or ASPO_DEBUG sets "debug"
    # A command allocates most while it imports (the Office libraries, Jinja, the library's modules), little of it
    # garbage: the collector runs a tenth as often (about 5 % of a build, measured), and still runs.
    gc.set_threshold(max(gc.get_threshold()[0], 7000), *gc.get_threshold()[1:])
    try:
        with stop_on_signals():
            remove_leftovers()  # scratch folders of aspo processes killed before they could remove them
            status = cli.main(args=argv, prog_name="aspo", standalone_mode=False, obj=shared)
    except Stopped as exc:
        _say(f"aspo: stopped by {exc.name}")
        sys.exit(exc.exit_status)
    except AspoError as exc:
        if shared["debug"]:
            raise
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aspo: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's own wording, exit 2
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("aspo: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if shared["debug"]:
            raise
        if isinstance(exc, OSError) and exc.filename is not None:  # the system's answer about a file: not a bug
            click.echo(one_line(f"aspo: error: {display_path(exc.filename)}: {exc.strerror or exc}"), err=True)
            sys.exit(USER_ERROR_STATUS)
        click.echo(one_line(f"aspo: internal error: {type(exc).__name__}: {exc}"), err=True)
        click.echo(BUG_REPORT, err=True)
        sys.exit(INTERNAL_ERROR_STATUS)
    sys.exit(status if isinstance(status, int) else 0)


def _say(line: str) -> None:
    """A last line to stderr, which may be gone (a closed terminal is why SIGHUP came)."""
    try:
        click.echo(line, err=True)
    except (OSError, ValueError):
        pass
