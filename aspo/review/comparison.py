"""A review of a change: each account built before and after it, the slides and document pages that differ, drawn
as pictures, with their text changes and the blocks and scenarios behind them."""

from __future__ import annotations

import difflib
import filecmp
import functools
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from aspo.build.manifest import MANIFEST
from aspo.core.errors import AspoError, display_path
from aspo.render.formats import FORMATS, OutputFormat, by_name, file_of, read_units
from aspo.render.textview import Unit
from aspo.review.text_changes import Segment, around_changes, page_text, page_words, word_changes

#: The output drawn slide by slide (the presenter deck: the customer deck's slides, and their speaker notes, whose
#: changes the page lists too), the one drawn page by page (the document), and the suffixes of those shown as a
#: text diff (the review draft): the page draws one of each per account.
_SLIDES = next(fmt for fmt in FORMATS if fmt.review == "slides" and fmt.shown_by is None)
_PAGES = next(fmt for fmt in FORMATS if fmt.review == "pages" and fmt.shown_by is None)
_SLIDES_SUFFIX, _PAGES_SUFFIX = _SLIDES.suffix, _PAGES.suffix
_TEXT_FORMATS = tuple(fmt for fmt in FORMATS if fmt.review == "text")
Progress = Callable[[str], None]


# --- the two builds of each account ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Compared:
    """One account's outputs before and after (file name -> bytes; empty when that side has none), or the line
    saying why a side could not be built."""

    name: str  # the account's name, or its file's or folder's name when it could not be read
    where: str  # the account file, or the output folder, as shown to the user
    before: dict[str, bytes]
    after: dict[str, bytes]
    problem: str | None = None
    labels: tuple[str, str] = ("before", "after")  # what a text diff calls the two sides

    @functools.cached_property
    def status(self) -> str:
        """failed, unchanged, changed; or, for two output folders, new or gone (an account on one side only).

        The manifest does not count: it changes with every input file, also where no output does."""
        if self.problem is not None:
            return "failed"
        before, after = _outputs(self.before), _outputs(self.after)
        if before == after:
            return "unchanged"
        return "new" if not before else "gone" if not after else "changed"

    @functools.cached_property
    def manifests(self) -> tuple[dict, dict]:
        """Both sides' manifests, read once ({} where a side has none)."""
        from aspo.build.manifest import read_manifest

        return tuple(read_manifest(files[MANIFEST], f"{label}/{MANIFEST}") if MANIFEST in files else {}
                     for files, label in ((self.before, self.labels[0]), (self.after, self.labels[1])))


def _outputs(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if name != MANIFEST}


@dataclass(frozen=True)
class SourceChange:
    """A block or scenario added, removed or changed between the two sides, with who answers for it."""

    kind: str  # "block" or "scenario"
    id: str
    change: str  # "added", "removed" or "changed"; between output folders, "changed", "now used" or "no longer used"
    owner: str | None
    accounts: tuple[str, ...]  # the changed accounts whose outputs use it, on either side


@dataclass(frozen=True)
class Comparison:
    """Every account's two builds, and what changed in the library between them."""

    before_label: str
    after_label: str
    accounts: tuple[Compared, ...]
    library: tuple[SourceChange, ...]  # () when the sides are output folders: only their manifests are known
    other_files: tuple[str, ...]  # other files of templates/ that changed (layouts, catalog, outline)


def compare_revisions(paths: list[Path], templates: Path, revision: str,
                      progress: Progress | None = None, jobs: int = 1) -> Comparison:
    """Builds each account against templates/ at git `revision` and as it is now, in memory, `jobs` accounts at a
    time (in forked processes, where the system has them).

    Accounts whose input keys are the same on both sides are not rendered: the same inputs give the same bytes.
    A library that cannot be loaded on either side raises AspoError, with files at `revision` named as
    `revision:templates/...`; an account that cannot be built on a side is failed with its line.
    """
    from aspo.build.builder import Builder
    from aspo.core.children import ScratchFolder
    from aspo.core.clock import source_date_epoch
    from aspo.library.account_paths import account_files
    from aspo.library.content import load_library
    from aspo.library.gitinfo import templates_at

    say = progress or (lambda message: None)
    files = account_files(paths)
    epoch = source_date_epoch()
    with ScratchFolder("rev") as tmp:  # removed by the next aspo command should this one be killed
        old_root = templates_at(revision, templates, tmp)
        rename = _renamer(old_root, templates, revision)
        try:
            old_library = load_library(old_root, warm=False)  # a past revision, in a folder used once
        except AspoError as exc:
            raise AspoError([problem._replace(path=rename(str(problem.path))) if problem.path is not None else problem
                             for problem in exc.problems]) from None
        new_library = load_library(templates)
        old, new = Builder(old_library, Path("output"), epoch=epoch), Builder(new_library, Path("output"), epoch=epoch)
        say(f"comparing {len(files)} account{'s' if len(files) != 1 else ''} at {revision} and in the working tree")
        sides = ((old, f"at {revision}"), (new, "in the working tree"))

        def compare(path: Path) -> Compared:
            return _compare_account(path, sides, rename, (revision, "working-tree"))

        compared = _each(compare, files, jobs, templates)
        library, others = _library_changes(old_library, new_library, compared)
    return Comparison(revision, "working tree", tuple(compared), library, others)


def _compare_account(path: Path, sides, rename: Callable[[str], str], labels: tuple[str, str]) -> Compared:
    """One account built on both sides (a builder and its label each), rendered only when its input keys differ."""
    plans, names, problems = [], [], {}
    for builder, label in sides:
        try:
            plan = builder.prepare(path)
        except AspoError as exc:
            problems.setdefault(rename(str(exc.problems[0])), []).append(label)
            continue
        plans.append(plan)
        names.append(plan.account.data.name)
    name = names[-1] if names else path.stem
    if not problems and plans[0].key == plans[1].key:  # the same inputs give the same bytes: nothing to render
        return Compared(name, display_path(path), {}, {}, labels=labels)
    rendered = []
    if not problems:
        for (builder, label), plan in zip(sides, plans):
            try:
                rendered.append(builder.render(plan).files)
            except AspoError as exc:
                problems.setdefault(rename(str(exc.problems[0])), []).append(label)
    if problems:
        shown = display_path(path)
        # a problem in a template names the template: say which account it stopped
        line = "; ".join(f"{problem} ({'' if problem.startswith(shown) else f'building {shown} '}"
                         f"{' and '.join(sides_failed)})" for problem, sides_failed in problems.items())
        return Compared(name, display_path(path), {}, {}, line, labels)
    return Compared(name, display_path(path), rendered[0], rendered[1], labels=labels)


def is_output_root(a: Path, b: Path) -> bool:
    """Whether two folders are output folders of many accounts (output/), not of one (output/acme/)."""
    return Path(a).is_dir() and Path(b).is_dir() and not (_is_account_folder(a) or _is_account_folder(b))


def compare_folders(a: Path, b: Path) -> Comparison:
    """Two builds already made: two output folders of one account, or two output folders of many accounts (their
    subfolders paired by name)."""
    from aspo.review.diffing import read_build_folder

    for path in (a, b):
        if not Path(path).is_dir():
            raise AspoError.at(path, None, None, "--html compares two output folders; this is not a folder")
    if not is_output_root(a, b):
        pairs = [(Path(b).name, a, b)]
    else:
        names = sorted({p.name for folder in (a, b) for p in Path(folder).iterdir()
                        if p.is_dir() and not p.name.startswith(".") and _is_account_folder(p)})
        pairs = [(name, Path(a, name), Path(b, name)) for name in names]
        linked = next((folder for _, *folders in pairs for folder in folders if folder.is_symlink()), None)
        if linked is not None:  # the user named the two folders, not what a link among their accounts leads to
            raise AspoError.at(linked, None, None, "is a link, which aspo does not follow in an output folder (a "
                                                   "build writes none); compare the folders a build wrote")
    compared = []
    for name, old, new in pairs:
        before = read_build_folder(old) if old.is_dir() else {}
        after = read_build_folder(new) if new.is_dir() else {}
        compared.append(Compared(name, display_path(new if new.is_dir() else old), before, after,
                                 labels=(display_path(old), display_path(new))))
    return Comparison(display_path(a), display_path(b), tuple(compared), _manifest_changes(compared), ())


def _is_account_folder(folder: Path) -> bool:
    # a drawn output (a deck or document) marks one; a Markdown file alone could be anyone's notes
    return Path(folder, MANIFEST).is_file() or any(
        p.suffix.lower() in (_SLIDES_SUFFIX, _PAGES_SUFFIX) for p in Path(folder).iterdir() if p.is_file())


def _renamer(old_root: Path, templates: Path, revision: str) -> Callable[[str], str]:
    """Names files of templates/ at `revision` as git does (`HEAD:templates/blocks/x.md`), not by their temporary
    copy."""
    shown = f"{revision}:{display_path(templates).rstrip('/')}"
    forms = sorted({str(old_root), display_path(old_root), str(old_root.resolve())}, key=len, reverse=True)

    def rename(text: str) -> str:
        for form in forms:
            text = text.replace(form, shown)
        return text

    return rename


def _library_changes(old, new, compared: list[Compared]) -> tuple[tuple[SourceChange, ...], tuple[str, ...]]:
    """Blocks and scenarios added, removed or changed between two libraries, and the other files that changed."""
    users = _users(compared)
    changes, seen_files = [], set()
    for kind, attribute in (("block", "blocks"), ("scenario", "scenarios")):
        before, after = getattr(old, attribute), getattr(new, attribute)
        for id_ in sorted(before.keys() | after.keys()):
            item_before, item_after = before.get(id_), after.get(id_)
            for item, root in ((item_before, old.root), (item_after, new.root)):
                if item is not None:
                    seen_files.add(_relative(item.path, root))
            if item_before is None or item_after is None:
                change = "added" if item_before is None else "removed"
            elif not _same_file(item_before.path, item_after.path, follow=True):  # as the loader read them
                change = "changed"
            else:
                continue
            owner = (item_after or item_before).meta.owner
            changes.append(SourceChange(kind, id_, change, owner, users.get((kind, id_), ())))
    others = []
    old_files, new_files = _tree(old.root), _tree(new.root)
    for name in sorted(old_files | new_files):
        if name in seen_files or (name in old_files and name in new_files
                                  and _same_file(Path(old.root, name), Path(new.root, name))):
            continue
        state = "added" if name not in old_files else "removed" if name not in new_files else "changed"
        others.append(f"{Path(new.root).name}/{name} ({state})")
    return tuple(changes), tuple(others)


def _relative(path: Path, root: Path) -> str:
    # the loader found it below root by name: a link there stays where it was found, wherever it points
    return Path(path).relative_to(root).as_posix()


def _tree(root: Path) -> set[str]:
    """The names below `root` of all but its folders (hidden ones aside), links to folders too: nothing is read."""
    found: set[str] = set()
    for folder, folders, files in os.walk(root):  # links to folders are not entered; an unlistable folder is left out
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.update(Path(folder, name).relative_to(root).as_posix() for name in files + folders
                     if not name.startswith(".") and (name in files or os.path.islink(Path(folder, name))))
    return found


def _same_file(a: Path, b: Path, follow: bool = False) -> bool:
    """Whether two files are alike, compared in chunks (a huge one costs no memory): regular files by their bytes,
    links by their targets (followed only with `follow`), anything else (a named pipe) by its kind, never opened."""
    try:
        a_info, b_info = (os.stat(a), os.stat(b)) if follow else (os.lstat(a), os.lstat(b))
        if stat.S_IFMT(a_info.st_mode) != stat.S_IFMT(b_info.st_mode):
            return False
        if stat.S_ISLNK(a_info.st_mode):
            return os.readlink(a) == os.readlink(b)
        return not stat.S_ISREG(a_info.st_mode) or (a_info.st_size == b_info.st_size and filecmp.cmp(a, b, False))
    except OSError:  # unreadable on one side: not known to be the same
        return False


def _sources(manifest: dict, kinds: tuple[str, ...] | None = ("block", "scenario")
             ) -> dict[tuple[str, str], str | None]:
    """The sources a build's manifest names (by default its blocks and scenarios), with their content hashes."""
    from aspo.build.manifest import sources_in

    return sources_in(manifest, kinds)


def _users(compared: list[Compared]) -> dict[tuple[str, str], tuple[str, ...]]:
    users: dict[tuple[str, str], list[str]] = {}
    for account in compared:
        if account.status == "changed":
            for source in _sources(account.manifests[0]).keys() | _sources(account.manifests[1]).keys():
                users.setdefault(source, []).append(account.name)
    return {source: tuple(names) for source, names in users.items()}


def _manifest_changes(compared: list[Compared]) -> tuple[SourceChange, ...]:
    """What the manifests of two sets of builds say changed in the blocks and scenarios: one whose hash differs
    where both sides use it; one no build used before, or no build uses any more."""
    users = _users(compared)
    before_all: dict[tuple[str, str], str | None] = {}
    after_all: dict[tuple[str, str], str | None] = {}
    changed: set[tuple[str, str]] = set()
    for account in compared:
        before, after = map(_sources, account.manifests)
        before_all.update(before)
        after_all.update(after)
        changed.update(source for source in before.keys() & after.keys()
                       if before[source] and after[source] and before[source] != after[source])
    # whether the library gained or lost it, the manifests cannot tell: only whether any build uses it
    states = {source: "changed" for source in changed}
    states.update({source: "now used" for source in after_all.keys() - before_all.keys()})
    states.update({source: "no longer used" for source in before_all.keys() - after_all.keys()})
    return tuple(SourceChange(kind, id_, state, None, users.get((kind, id_), ()))
                 for (kind, id_), state in sorted(states.items()) if kind in ("block", "scenario"))


# --- what changed in one account -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Picture:
    """A drawn slide or page: where it is kept, by its key."""

    key: str
    width: int
    height: int


@dataclass(frozen=True)
class Source:
    """A block, scenario or other source of a slide, whether it changed, and why it was chosen."""

    kind: str
    id: str
    state: str  # "changed", "added", "removed" or "" (the same on both sides)
    reason: str


@dataclass(frozen=True)
class UnitChange:
    """One slide or document page that differs: before and after, as text with the changes marked, and as pictures."""

    kind: str  # "slide" or "page"
    before_label: str | None  # None: the unit is new
    after_label: str | None  # None: the unit is gone
    before_text: tuple[Segment, ...]
    after_text: tuple[Segment, ...]
    before_picture: Picture | None
    after_picture: Picture | None
    sources: tuple[Source, ...]
    note: str  # what kind of change it is, in words

    @property
    def label(self) -> str:
        """'Slide 4: title', or 'Slide 4 → 5: title' for a slide that moved too."""
        if self.before_label and self.after_label and self.before_label != self.after_label:
            before, _, title = self.before_label.partition(": ")
            after, _, after_title = self.after_label.partition(": ")
            if title == after_title and before.split()[0] == after.split()[0]:
                return f"{before} → {after.split()[-1]}" + (f": {title}" if title else "")
            return f"{self.before_label} → {self.after_label}"
        return self.after_label or self.before_label or ""


@dataclass(frozen=True)
class AccountReview:
    """One changed account: its changed slides and pages, and how many stayed the same."""

    name: str
    where: str
    slides: tuple[UnitChange, ...]
    pages: tuple[UnitChange, ...]
    unchanged_slides: int
    unchanged_pages: int | None  # None: the document did not change
    provenance: tuple[str, ...]  # the blocks and scenarios this account's outputs use that changed
    moved: tuple[str, ...]  # slides that only moved, as 'Slide 8: title (was slide 9)'
    #: (what the file is, its text diff, shown open) of each output shown as text that changed: the review draft;
    #: the follow-up e-mail, open, since the customer reads it
    text_diffs: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class Review:
    """Everything the review page shows, gathered before anything is written."""

    before_label: str
    after_label: str
    changed: tuple[AccountReview, ...]
    unchanged: tuple[str, ...]
    failed: tuple[tuple[str, str, str], ...]  # (name, where, the line saying why)
    new: tuple[str, ...]  # two output folders: accounts only the second has
    gone: tuple[str, ...]  # and only the first
    library: tuple[SourceChange, ...]
    other_files: tuple[str, ...]
    pictures: dict[str, Path]  # picture key -> the PNG in the cache

    @property
    def status(self) -> int:
        """The exit status: 2 when an account failed, 1 when something changed, else 0."""
        return 2 if self.failed else 1 if self.changed or self.new or self.gone else 0


def review(comparison: Comparison, cache, progress: Progress | None = None) -> Review:
    """Finds the changed slides and pages of every changed account and draws them before and after, with one
    LibreOffice run for every file whose pictures are not in `cache` (a pictures.PictureCache)."""
    from aspo.review.pictures import PAGE_DPI, SLIDE_DPI, Job

    say = progress or (lambda message: None)
    changed = [account for account in comparison.accounts if account.status == "changed"]
    say(f"finding the changed slides and pages of {len(changed)} account{'s' if len(changed) != 1 else ''}")
    decks, moves, slide_counts = zip(*_each(_deck_pairs, changed, cache.jobs)) if changed else ((), (), ())
    # 1. PDFs: for each changed slide not yet drawn, one deck that shows it; both sides of every changed document
    needs: list[dict[str, tuple[str, bytes]]] = []  # per account: LibreOffice's name -> (file name, bytes)
    provider: dict[str, tuple[str, str, bytes]] = {}  # picture key -> the deck it is drawn from, as in `needs`
    for account, pairs in zip(changed, decks):
        need = {}
        for pair in pairs:
            for side, key, number in ((account.before, pair.before_key, pair.before_number),
                                      (account.after, pair.after_key, pair.after_number)):
                picture = _slide_picture(cache, key, number)
                if picture and picture not in provider and not cache.has_picture(picture):
                    deck = file_of(side, _SLIDES)
                    provider[picture] = (_name(side[deck], _SLIDES_SUFFIX), deck, side[deck])
                if picture in provider:  # another account's deck may show the same slide
                    name, deck, data = provider[picture]
                    need[name] = (deck, data)
        if _differs(account, _PAGES):
            for side in (account.before, account.after):
                document = file_of(side, _PAGES)
                if document:
                    need[_name(side[document], _PAGES_SUFFIX)] = (document, side[document])
        needs.append(need)
    pdfs = cache.pdfs({name: data for need in needs for name, (_, data) in need.items()})
    failed = [(a.name, a.where, a.problem or "") for a in comparison.accounts if a.status == "failed"]
    drawn = []
    for account, pairs, moved, count, need in zip(changed, decks, moves, slide_counts, needs):
        lost = sorted({file for name, (file, _) in need.items() if name not in pdfs})
        if lost:  # LibreOffice skipped it while converting the others
            failed.append((account.name, account.where, f"{account.where}: LibreOffice could not convert "
                           f"{' and '.join(lost)} to PDF, so it cannot be drawn"))
        else:
            drawn.append((account, pairs, moved, count))
    # 2. which document pages differ, now that their text is known
    pages = [_page_pairs(account, pdfs, cache) for account, *_ in drawn]  # (pairs, after's page count or None)
    # 3. the pictures
    jobs: list[Job] = []
    for (account, pairs, *_), (page_pairs, _) in zip(drawn, pages):
        for pair in pairs:
            for key, number in ((pair.before_key, pair.before_number), (pair.after_key, pair.after_number)):
                picture = _slide_picture(cache, key, number)
                if picture in provider:  # not in the cache yet
                    jobs.append(Job(picture, pdfs[provider[picture][0]], number, SLIDE_DPI))
        for pair in page_pairs:
            for pdf, number in ((pair.before_pdf, pair.before_number), (pair.after_pdf, pair.after_number)):
                if pdf is not None:
                    jobs.append(Job(cache.picture_key("page", pdf.name, str(number)), pdf, number, PAGE_DPI))
    cache.draw(jobs)
    reviews = _each(lambda item: _account_review(*item, cache),
                    [(account, pairs, moved, count, page_pairs, page_count)
                     for (account, pairs, moved, count), (page_pairs, page_count) in zip(drawn, pages)], cache.jobs)
    kept = [account for account in reviews if account is not None]
    unchanged = [a.name for a in comparison.accounts if a.status == "unchanged"]
    # an account whose only difference drew the same (a master's unused layout) is unchanged after all
    unchanged += [account.name for (account, *_), found in zip(drawn, reviews) if found is None]
    shown = {key for account in kept for key in _keys(account)}
    kept_names = {account.name for account in kept}
    library = tuple(replace(change, accounts=tuple(name for name in change.accounts if name in kept_names))
                    for change in comparison.library)
    return Review(comparison.before_label, comparison.after_label, tuple(kept), tuple(sorted(unchanged)),
                  tuple(failed), tuple(a.name for a in comparison.accounts if a.status == "new"),
                  tuple(a.name for a in comparison.accounts if a.status == "gone"), library,
                  comparison.other_files, {key: cache.picture_path(key) for key in sorted(shown)})


def _each(work: Callable, items: list, jobs: int, where: Path = Path(".")) -> list:
    """`work` of each item, in order: `jobs` accounts at a time, in forked processes, where the system has them
    (`where` is named should one die)."""
    from aspo.core.pool import can_fork, in_forked_workers

    if jobs > 1 and len(items) > 1 and can_fork():
        return in_forked_workers(work, items, min(jobs, len(items)), where)
    return [work(item) for item in items]


def _slide_picture(cache, key: str | None, number: int | None) -> str | None:
    """The cache's key of a slide's picture: what the slide shows, and where (a slide number may be drawn on it)."""
    return cache.picture_key("slide", key, str(number)) if key else None


def _keys(account: AccountReview) -> set[str]:
    return {picture.key for unit in (*account.slides, *account.pages)
            for picture in (unit.before_picture, unit.after_picture) if picture is not None}


def _name(data: bytes, suffix: str) -> str:
    """A name for a file LibreOffice converts, unique among accounts and sides: its content's hash."""
    from aspo.review.pictures import content_key

    return content_key(suffix, data) + suffix


def _differs(account: Compared, fmt: OutputFormat) -> bool:
    before, after = file_of(account.before, fmt), file_of(account.after, fmt)
    return (account.before.get(before) if before else None) != (account.after.get(after) if after else None)


@dataclass(frozen=True)
class _SlidePair:
    """A slide before and after, by number, with the keys of their pictures."""

    before_number: int | None
    after_number: int | None
    before_key: str | None
    after_key: str | None
    before_unit: Unit | None
    after_unit: Unit | None


def _deck_pairs(account: Compared) -> tuple[list[_SlidePair], list[str], int]:
    """The slides that differ, paired by the section they show (by position when there is no manifest), the slides
    that only moved (as 'Slide 8: title (was slide 9)'), and how many slides the deck has after."""
    from aspo.review.slide_keys import slide_keys

    sides = []
    for files, manifest, label in zip((account.before, account.after), account.manifests, account.labels):
        name = file_of(files, _SLIDES)
        if name is None:
            sides.append(([], [], []))
            continue
        units = read_units(Path(name), files[name])
        keys = slide_keys(files[name], f"{label.rstrip('/')}/{name}")
        sections = {number: key for number, (key, _) in _slides(manifest).items()}
        sides.append((units, keys, [sections.get(n, f"#{n}") for n in range(1, len(units) + 1)]))
    (a_units, a_keys, a_ids), (b_units, b_keys, b_ids) = sides
    pairs, gone, new = [], {}, {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_ids, b_ids, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += [(i, j) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        gone.update((a_ids[i], i) for i in range(i1, i2))
        new.update((b_ids[j], j) for j in range(j1, j2))
    for section in gone.keys() & new.keys():  # a section shown at another place
        pairs.append((gone.pop(section), new.pop(section)))
    found, moved = [], []
    for i, j in pairs:
        if a_keys[i] != b_keys[j] or a_units[i].lines != b_units[j].lines:
            found.append(_SlidePair(i + 1, j + 1, a_keys[i], b_keys[j], a_units[i], b_units[j]))
        elif i != j:
            moved.append((j, f"{b_units[j].label} (was slide {i + 1})"))
    found += [_SlidePair(i + 1, None, a_keys[i], None, a_units[i], None) for i in gone.values()]
    found += [_SlidePair(None, j + 1, None, b_keys[j], None, b_units[j]) for j in new.values()]
    found.sort(key=lambda p: (p.after_number or p.before_number, p.after_number is None))
    return found, [label for _, label in sorted(moved)], len(b_units)


def _slides(manifest: dict) -> dict[int, tuple[str, tuple[tuple[str, str, str], ...]]]:
    """Slide number -> its section's key and sources (kind, id, why it was chosen), from a read manifest."""
    found = {}
    sections = manifest.get("sections")
    for section in sections if isinstance(sections, list) else []:
        if isinstance(section, dict) and isinstance(section.get("slide"), int):
            sources = section.get("sources") if isinstance(section.get("sources"), list) else []
            found[section["slide"]] = (str(section.get("key")), tuple(
                (str(s.get("kind")), str(s.get("id")), str(s.get("reason") or "")) for s in sources
                if isinstance(s, dict)))
    return found


@dataclass(frozen=True)
class _PagePair:
    """A document page before and after, by number, with the PDFs they are drawn from."""

    before_number: int | None
    after_number: int | None
    before_pdf: Path | None
    after_pdf: Path | None
    before_text: str
    after_text: str


def _page_pairs(account: Compared, pdfs: dict[str, Path], cache) -> tuple[list[_PagePair], int | None]:
    """The document pages that differ, and how many pages the document has after (None: it did not change).

    Pages are paired by their text. A page whose text is the same is a candidate too when the document's styles,
    theme or pictures changed, or its words moved; candidates are kept only where they are drawn differently."""
    if not _differs(account, _PAGES):
        return [], None
    sides, documents = [], []
    for files in (account.before, account.after):
        name = file_of(files, _PAGES)
        documents.append(files[name] if name else b"")
        pdf = pdfs.get(_name(files[name], _PAGES_SUFFIX)) if name else None
        sides.append((pdf, cache.page_texts(pdf) if pdf else []))
    (a_pdf, a_pages), (b_pdf, b_pages) = sides
    a_words, b_words = list(map(page_words, a_pages)), list(map(page_words, b_pages))
    pairs = []
    equal_pairs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_words, b_words, autojunk=False).get_opcodes():
        if tag == "equal":
            equal_pairs += [_PagePair(i + 1, j + 1, a_pdf, b_pdf, a_pages[i], b_pages[j])
                            for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        common = min(i2 - i1, j2 - j1)
        pairs += [_PagePair(i1 + k + 1, j1 + k + 1, a_pdf, b_pdf, a_pages[i1 + k], b_pages[j1 + k])
                  for k in range(common)]
        pairs += [_PagePair(i + 1, None, a_pdf, None, a_pages[i], "") for i in range(i1 + common, i2)]
        pairs += [_PagePair(None, j + 1, None, b_pdf, "", b_pages[j]) for j in range(j1 + common, j2)]
    if equal_pairs and not _styles_differ(*documents):
        # the same styles, theme and pictures: a page with the same text looks the same unless its words moved
        a_boxes, b_boxes = cache.page_layouts(a_pdf), cache.page_layouts(b_pdf)
        equal_pairs = [p for p in equal_pairs if a_boxes[p.before_number - 1] != b_boxes[p.after_number - 1]]
    pairs += equal_pairs  # kept below only where they are drawn differently
    return sorted(pairs, key=lambda p: (p.after_number or p.before_number, p.after_number is None)), len(b_pages)


def _styles_differ(before: bytes, after: bytes) -> bool:
    """Whether two Word documents differ in anything but their body and properties: styles, theme, numbering,
    headers and footers, pictures."""
    from aspo.core.bounded import open_zip, zip_errors

    def parts(data: bytes) -> dict[str, bytes]:
        try:
            with open_zip(data) as budget:  # one budget for the whole document, as for every zip aspo reads
                return {name: budget.read(name) for name in budget.namelist()
                        if name != "word/document.xml" and not name.startswith("docProps/")}
        except zip_errors():  # not read as a whole (it was checked before it came here): compared as bytes
            return {"": data}

    return parts(before) != parts(after)


def _account_review(account: Compared, slide_pairs: list[_SlidePair], moved: list[str], slide_count: int,
                    page_pairs: list[_PagePair], page_count: int | None, cache) -> AccountReview | None:
    from aspo.review.pictures import png_size

    def picture(key: str) -> Picture:
        width, height = png_size(cache.picture_path(key))
        return Picture(key, width, height)

    before_slides, after_slides = map(_slides, account.manifests)
    before_hashes, after_hashes = (_sources(manifest, None) for manifest in account.manifests)
    slide_layouts = _layout_changes(account, _SLIDES, "the deck's slide layouts, master and theme")
    page_layouts = _layout_changes(account, _PAGES, "the document's page, styles and theme")
    slides = []
    for pair in slide_pairs:
        a_picture = picture(_slide_picture(cache, pair.before_key, pair.before_number)) if pair.before_key else None
        b_picture = picture(_slide_picture(cache, pair.after_key, pair.after_number)) if pair.after_key else None
        a_text = _unit_text(pair.before_unit)
        b_text = _unit_text(pair.after_unit)
        same_text = pair.before_unit is not None and pair.after_unit is not None and a_text == b_text
        if same_text and _same_picture(cache, a_picture, b_picture):
            continue  # differs in its XML only (a layout it does not use): drawn the same
        a_segments, b_segments = word_changes(a_text, b_text)
        sources = _sources_of(before_slides.get(pair.before_number, ("", ()))[1],
                              after_slides.get(pair.after_number, ("", ()))[1], before_hashes, after_hashes)
        if pair.before_unit is not None and pair.after_unit is not None:  # what a new or gone slide shows says why
            sources += slide_layouts
        note = _slide_note(pair, a_text, b_text)
        if note == "text changed" and any(s.state in ("added", "removed") and s.kind in ("block", "scenario")
                                          for s in sources):
            note = "other content"  # another block or scenario answers this section now
        slides.append(UnitChange(
            "slide", pair.before_unit.label if pair.before_unit else None,
            pair.after_unit.label if pair.after_unit else None, a_segments, b_segments, a_picture, b_picture,
            sources, note))
    pages = []
    for pair in page_pairs:
        a_picture = picture(cache.picture_key("page", pair.before_pdf.name, str(pair.before_number))) \
            if pair.before_pdf else None
        b_picture = picture(cache.picture_key("page", pair.after_pdf.name, str(pair.after_number))) \
            if pair.after_pdf else None
        same_text = page_words(pair.before_text) == page_words(pair.after_text)
        if a_picture and b_picture and same_text and _same_picture(cache, a_picture, b_picture):
            continue
        a_text, b_text = page_text(pair.before_text), page_text(pair.after_text)
        if pair.before_number and pair.after_number:  # a page is long: its changed lines, with one line around
            a_text, b_text = around_changes(a_text, b_text)
        a_segments, b_segments = word_changes(a_text, b_text)
        pages.append(UnitChange(
            "page", f"Page {pair.before_number}" if pair.before_number else None,
            f"Page {pair.after_number}" if pair.after_number else None, a_segments, b_segments, a_picture, b_picture,
            page_layouts if pair.before_number and pair.after_number else (),
            "new page" if pair.before_number is None else "page gone" if pair.after_number is None
            else "text changed" if not same_text else "look changed"))
    texts = _text_diffs(account)
    if not slides and not pages and not texts and not moved:
        return None
    from aspo.review.diffing import provenance_changes, provenance_sources

    return AccountReview(
        account.name, account.where, tuple(slides), tuple(pages),
        max(0, slide_count - sum(1 for s in slides if s.after_label)),
        None if page_count is None else max(0, page_count - sum(1 for p in pages if p.after_label)),
        tuple(line.strip() for line in provenance_changes(*map(provenance_sources, account.manifests))),
        tuple(moved), texts)


def _layout_changes(account: Compared, fmt: OutputFormat, reason: str) -> tuple[Source, ...]:
    """The layout files of `fmt`'s output (templates/layouts/deck.pptx) that changed, were swapped in or out between
    the two sides, as sources of its every changed slide or page: what a changed look comes from."""
    from aspo.review.diffing import layout_files

    before, after = (layout_files(manifest, fmt.suffix) for manifest in account.manifests)
    found = []
    for kind, name in sorted(before.keys() | after.keys()):
        old, new = before.get((kind, name)), after.get((kind, name))
        state = "added" if (kind, name) not in before else "removed" if (kind, name) not in after \
            else "changed" if old and new and old != new else ""
        if state:
            found.append(Source(kind, name, state, reason))
    return tuple(found)


def _same_picture(cache, a: Picture | None, b: Picture | None) -> bool:
    if a is None or b is None:
        return False
    return a.key == b.key or cache.picture_path(a.key).read_bytes() == cache.picture_path(b.key).read_bytes()


def _slide_note(pair: _SlidePair, a_text: str, b_text: str) -> str:
    if pair.before_unit is None:
        return "new slide"
    if pair.after_unit is None:
        return "slide gone"
    if a_text == b_text:
        return "look changed"
    return "speaker notes changed" if _on_slide(pair.before_unit) == _on_slide(pair.after_unit) else "text changed"


def _on_slide(unit: Unit) -> tuple[str, ...]:
    """A slide's title and text without its speaker notes (textview puts them last, after 'Notes:')."""
    lines = list(unit.lines)
    return (unit.label.split(": ", 1)[-1], *(lines[:lines.index("Notes:")] if "Notes:" in lines else lines))


def _sources_of(before: tuple, after: tuple, before_hashes: dict, after_hashes: dict) -> tuple[Source, ...]:
    """A slide's sources on both sides, each marked added, removed or changed, without repeats."""
    found: dict[tuple[str, str], Source] = {}
    after_ids = {(kind, id_) for kind, id_, _ in after}
    before_ids = {(kind, id_) for kind, id_, _ in before}
    for kind, id_, reason in (*after, *before):
        if (kind, id_) in found:
            continue
        if (kind, id_) not in before_ids:
            state = "added"
        elif (kind, id_) not in after_ids:
            state = "removed"
        else:
            old, new = before_hashes.get((kind, id_)), after_hashes.get((kind, id_))
            state = "changed" if old and new and old != new else ""
        found[(kind, id_)] = Source(kind, id_, state, reason)
    return tuple(found.values())


def _unit_text(unit: Unit | None) -> str:
    if unit is None:
        return ""
    title = unit.label.split(": ", 1)[1] if ": " in unit.label else ""
    return "\n".join(([title] if title else []) + list(unit.lines))


def _text_diffs(account: Compared) -> tuple[tuple[str, str, bool], ...]:
    """Each output shown as text (the review draft, the follow-up e-mail) that differs, with its text diff."""
    from aspo.review.diffing import diff_build_texts

    found = []
    for fmt in _TEXT_FORMATS:
        before, after = ({name: data for name, data in side.items() if by_name(name) is fmt}
                         for side in (account.before, account.after))
        if before != after:
            found.append((fmt.label, diff_build_texts(before, after, *account.labels).text, fmt.customer))
    return tuple(found)
