"""What git knows about templates/: the commit it is at, and its files at another revision."""

from __future__ import annotations

import contextlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from aspo.core.bounded import MAX_UNPACKED_BYTES, in_words, too_large
from aspo.core.errors import AspoError, display_path, quoted

#: What templates/ at a revision may hold, asked of git before anything is extracted: a real library is a few dozen
#: files and a few MB. Each file is held to what the loader would read of it in the working tree: YAML and Markdown
#: to the YAML limit (aspo.core.yamlfile), layout templates and any other file to what a template may unpack to.
MAX_REVISION_FILES = 10_000
MAX_REVISION_BYTES = 2 * MAX_UNPACKED_BYTES  # two layout templates at their limit
_TEXT_SUFFIXES = (".yaml", ".yml", ".md")
#: git's modes: a file (executable or not), a link, a submodule (another repository's commit)
_FILE_MODES, _LINK_MODE, _SUBMODULE_MODE = ("100644", "100755", "100664"), "120000", "160000"


def _git(cwd: Path, *args: str):
    """Runs git for a short answer; returns (status, output, error text) and never raises for git's own failures.
    Like every child, git ends with aspo, however aspo ends (aspo.core.children)."""
    import subprocess

    from aspo.core.children import OutputTooLarge, run

    try:
        done = run(["git", "-C", str(cwd), *args], timeout=60, leaf=True)
    except (OSError, subprocess.SubprocessError, OutputTooLarge) as exc:
        return 127, "", str(exc)
    out, error = (stream.decode("utf-8", "replace").strip() for stream in (done.stdout, done.stderr))
    return done.returncode, out, error


@contextlib.contextmanager
def _git_stream(cwd: Path, *args: str) -> Iterator[IO[bytes]]:
    """git's output as a stream, read as it comes rather than held whole; git is stopped when reading stops early."""
    import subprocess
    import tempfile

    from aspo.core.children import start

    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: git cannot block on what nobody reads
        try:
            process = start(["git", "--literal-pathspecs", "-C", str(cwd), *args], stdout=subprocess.PIPE,
                            stderr=errors, leaf=True)
        except OSError as exc:
            raise _GitFailed(str(exc)) from None
        try:
            yield process.stdout
            while process.stdout.read(1 << 16):  # what the reader left (a tar's end padding): git ends by itself
                pass
        except BaseException:
            process.stop()
            raise
        finally:
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            text = errors.read(4096).decode("utf-8", "replace").strip()
            raise _GitFailed(text.splitlines()[0] if text else f"git {args[0]} failed")


class _GitFailed(Exception):
    """git could not list or hand over the files (its first error line)."""


@dataclass(frozen=True)
class TemplatesRevision:
    """The git commit templates/ is at, and whether it has uncommitted changes."""

    commit: str | None
    dirty: bool

    def as_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "dirty": self.dirty}


def _in_a_work_tree(folder: Path) -> bool:
    """Whether git could find a repository for `folder`: a .git (folder or file) in it or above, or GIT_DIR set."""
    if os.environ.get("GIT_DIR"):
        return True
    folder = Path(os.path.abspath(folder))
    return any((place / ".git").exists() for place in (folder, *folder.parents))


def templates_revision(templates: Path) -> TemplatesRevision | None:
    """Asks git about templates/; None when it is not in a git checkout (or git is missing)."""
    if not _in_a_work_tree(templates):
        return None  # asked without starting git: most builds outside a checkout are tests and trials
    # one git for both answers: each child costs a guardian's start (aspo.core.children)
    status, out, _ = _git(templates, "status", "--porcelain=v2", "--branch", "--", ".")
    lines = out.splitlines() if status == 0 else []
    commit = next((line.split()[2] for line in lines if line.startswith("# branch.oid ")), None)
    if commit is None or commit == "(initial)":
        return None
    return TemplatesRevision(commit, any(not line.startswith("#") for line in lines))


def templates_at(revision: str, templates: Path, into: Path) -> Path:
    """Extracts templates/ as it was at a git revision into `into`, leaving the work tree alone.

    git's own listing is checked first (the kinds of its entries, their number and sizes), so that nothing is
    extracted from a revision that holds a link out of templates/, a submodule or a file too large to read; then
    the files are streamed to disk one by one, never held whole. A problem names the file as `REV:templates/...`."""
    status, top, _ = _git(templates, "rev-parse", "--show-toplevel")
    if status != 0:
        raise AspoError.at(templates, None, None, "--rev needs templates/ in a git checkout")
    try:
        inside = Path(templates).resolve().relative_to(Path(top).resolve()).as_posix() or "."
    except ValueError:
        raise AspoError.at(templates, None, None, "--rev needs templates/ in a git checkout") from None
    status, commit, _ = _git(Path(top), "rev-parse", "--verify", "-q", f"{revision}^{{commit}}")
    if status != 0:
        raise AspoError.at(templates, None, "--rev", f"unknown git revision {quoted(revision, 80)}")
    at = _Revision(revision, templates, inside)
    try:
        _check_listing(Path(top), commit, at)
        # under the checkout's own folder name, so that templates/ at the top of its repository keeps its name,
        # which input keys and manifests use
        top_name = Path(top).resolve().name or "repository"
        root = Path(into, top_name, inside)
        links = _extract(Path(top), commit, Path(into), top_name, at)
    except _GitFailed as exc:
        raise AspoError.at(templates, None, "--rev",
                           f"cannot read templates/ at {quoted(revision, 80)} ({exc})") from None
    _check_links(root, links, at)
    return root


class _Revision:
    """templates/ at one revision: where its files are in the repository, and how a problem names them."""

    def __init__(self, revision: str, templates: Path, inside: str):
        self.revision = revision
        self.templates = templates
        self.inside = inside
        self.shown = f"{revision}:{display_path(templates).rstrip('/')}"  # git refuses control characters in names

    def relative(self, path: str) -> str | None:
        """The path below templates/ of a path in the repository ("" for templates/ itself); None if not below."""
        if self.inside == ".":
            return path
        if path == self.inside:
            return ""
        return path[len(self.inside) + 1:] if path.startswith(self.inside + "/") else None

    def refuse(self, relative: str, message: str) -> AspoError:
        if not relative.isprintable():  # a name git allows (a line break in it) must not break the one line
            relative = relative.encode("unicode_escape").decode("ascii")
        return AspoError.at(f"{self.shown}/{relative}" if relative else self.shown, None, None, message)


def _check_listing(top: Path, commit: str, at: _Revision) -> None:
    """Refuses, before anything is extracted, what templates/ at the revision may not hold, by git's own listing."""
    count = total = 0
    with _git_stream(top, "ls-tree", "-r", "-l", "-z", "--full-name", commit, "--", at.inside) as listing:
        for entry in _entries(listing):
            meta, _, path = entry.partition("\t")
            mode, kind, _, size = (meta.split() + ["", "", "", ""])[:4]
            relative = at.relative(path)
            if relative is None:
                continue
            if mode == _SUBMODULE_MODE:
                raise at.refuse(relative, "is a git submodule: another repository, whose files aspo does not "
                                          "read at a revision")
            if relative == "":
                raise at.refuse("", f"is {'a link' if mode == _LINK_MODE else 'a file'} at this revision, "
                                    "not a folder")
            if kind != "blob" or (mode not in _FILE_MODES and mode != _LINK_MODE):
                raise at.refuse(relative, f"is a git object of mode {mode}, which aspo does not read")
            if any(part in ("", ".", "..") for part in relative.split("/")):
                raise at.refuse(relative, "is a path git itself refuses to check out")
            count += 1
            if count > MAX_REVISION_FILES:
                raise at.refuse("", f"holds more than {MAX_REVISION_FILES} files, more than a library of "
                                    "templates has")
            size_bytes = int(size) if size.isdigit() else 0
            limit = _limit(relative)
            if size_bytes > limit:
                raise at.refuse(relative, too_large(size_bytes, limit))
            total += size_bytes
            if total > MAX_REVISION_BYTES:
                raise at.refuse("", f"holds more than {in_words(MAX_REVISION_BYTES)} of files, more than aspo "
                                    "extracts of a revision")
    if count == 0:
        raise AspoError.at(at.templates, None, "--rev", f"templates/ does not exist at {quoted(at.revision, 80)}")


def _entries(stream: IO[bytes]) -> Iterator[str]:
    """The NUL-ended entries of git's -z output, read as they come."""
    pending = b""
    while chunk := stream.read(1 << 16):
        *complete, pending = (pending + chunk).split(b"\0")
        for entry in complete:
            yield entry.decode("utf-8", "surrogateescape")
    if pending:
        yield pending.decode("utf-8", "surrogateescape")


def _limit(relative: str) -> int:
    """The most aspo reads of a file of this name, as it would in the working tree."""
    from aspo.core.yamlfile import MAX_YAML_BYTES  # PyYAML loads with it: a build that asks for the commit needs none

    return MAX_YAML_BYTES if posixpath.splitext(relative)[1].lower() in _TEXT_SUFFIXES else MAX_UNPACKED_BYTES


def _extract(top: Path, commit: str, into: Path, top_name: str, at: _Revision) -> list[Path]:
    """Streams templates/ at the revision out of git into `into`, file by file (git archive: as a checkout would
    have them, filters applied); returns the links it made. A file git's filters made larger than its limit, or a
    link leaving templates/, stops it."""
    import tarfile  # only diff --rev reads another revision

    links, total, relative = [], 0, ""
    try:
        with _git_stream(top, "archive", "--format=tar", f"--prefix={top_name}/", commit, "--", at.inside) as archive, \
                tarfile.open(fileobj=archive, mode="r|") as tar:
            for member in tar:
                relative = at.relative(member.name.rstrip("/").partition("/")[2]) or ""
                if member.issym():
                    _check_link_text(relative, member.linkname, at)
                    links.append(Path(into, member.name))
                elif member.isfile():
                    limit = _limit(relative)
                    if member.size > limit:
                        raise at.refuse(relative, too_large(member.size, limit))
                    total += member.size
                    if total > MAX_REVISION_BYTES:
                        raise at.refuse("", f"holds more than {in_words(MAX_REVISION_BYTES)} of files, more than "
                                            "aspo extracts of a revision")
                elif not member.isdir():
                    continue  # git archive writes files, folders and links only; anything else is not extracted
                if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: refuses links and paths leaving `into`
                    tar.extract(member, into, filter="data")
                else:  # pragma: no cover - the checks above and below do the same
                    tar.extract(member, into)
    except tarfile.FilterError:  # a link leaving the temporary folder through other links
        raise at.refuse(relative, "is a link that leads outside templates/ through other links; at a revision "
                                  "aspo reads only what git holds in templates/") from None
    except tarfile.TarError as exc:
        raise _GitFailed(f"git archive gave no readable archive: {exc}") from None
    except OSError as exc:
        raise at.refuse(relative, f"cannot be extracted to a temporary folder: {exc.strerror or exc}") from None
    return links


def _check_link_text(relative: str, target: str, at: _Revision) -> None:
    """Refuses a link whose target, as written, is absolute or leaves templates/: at a revision aspo reads only what
    git holds there, never a file of this machine."""
    if posixpath.isabs(target):
        raise at.refuse(relative, f"is a link to {target!r}, an absolute path; at a revision aspo reads only what "
                                  "git holds in templates/")
    if posixpath.normpath(posixpath.join(posixpath.dirname(relative), target)).split("/")[0] == "..":
        raise at.refuse(relative, f"is a link to {target!r}, outside templates/; at a revision aspo reads only what "
                                  "git holds in templates/")


def _check_links(root: Path, links: list[Path], at: _Revision) -> None:
    """Refuses a link that, followed through the other links, ends outside templates/ (a link to a link to '..')."""
    real_root = Path(os.path.realpath(root))
    for link in links:
        if not Path(os.path.realpath(link)).is_relative_to(real_root):
            relative = link.relative_to(root).as_posix() if link.is_relative_to(root) else link.name
            raise at.refuse(relative, f"is a link to {os.readlink(link)!r}, which leads outside templates/ through "
                                      "other links; at a revision aspo reads only what git holds in templates/")


def file_versions(path: Path, most: int = 200):
    """(commit, text) of each committed version of a file, newest first: none outside a git work tree."""
    path = Path(path).resolve()
    status, out, _ = _git(path.parent, "log", f"-n{most}", "--format=%H", "--", path.name)
    if status != 0:
        return
    for commit in out.split():
        status, text, _ = _git(path.parent, "show", f"{commit}:./{path.name}")
        if status == 0:
            yield commit, text + "\n"

