"""PDF copies of decks and documents: LibreOffice processes, as many as the build's jobs, each with its own profile
and share of the files, stamped so the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aspo.core.bounded import read_regular
from aspo.core.children import ScratchFolder, start
from aspo.core.errors import AspoError, Problem, display_path, quoted
from aspo.core.rulebook import OUTPUT

#: Names LibreOffice's command is found by on PATH; ASPO_SOFFICE names another one.
COMMANDS = ("soffice", "libreoffice")
ENV = "ASPO_SOFFICE"
INSTALL = "sudo apt-get install libreoffice-impress libreoffice-writer"
#: What a converter may take: a fresh profile costs a few seconds, each file a second or two.
BASE_SECONDS, SECONDS_PER_FILE = 120.0, 5.0
#: What a PDF of a deck or document may weigh: LibreOffice's smallest are a few KB, and more than the most a
#: deck or document may unpack to is not a PDF of one (and would not be read whole).
MIN_PDF_BYTES, MAX_PDF_BYTES = 256, 200 * 1024 * 1024
_END = re.compile(rb"startxref\s+(\d+)\s+%%EOF")


class _Line(Problem):
    """A problem with the machine rather than with an input file: its line names no file."""

    def __str__(self) -> str:
        return self.message


def pdf_error(message: str) -> AspoError:
    return AspoError(_Line(None, None, None, message, OUTPUT))


def find_soffice(option: str = "--pdf", install: str = INSTALL) -> str:
    """LibreOffice's command: ASPO_SOFFICE when set, else soffice or libreoffice on PATH; `option` and `install`
    name, in the error, what needs it and how to install it."""
    named = os.environ.get(ENV)
    if named:
        found = shutil.which(named)
        if found is None:
            raise pdf_error(f"{option} needs LibreOffice, but {ENV} names {quoted(display_path(named), 200)}, which is "
                            f"not a program; point {ENV} at soffice, or unset it and install LibreOffice "
                            f"with: {install}")
        return found
    for command in COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    raise pdf_error(f"{option} needs LibreOffice, which is not installed; install it with: {install}")


@dataclass(frozen=True)
class Converted:
    """What one LibreOffice run gave: each PDF by its name, the sources it could not convert, and why where it
    is known (by PDF name: "it wrote 40 bytes that are not a PDF")."""

    pdfs: dict[str, bytes]
    missing: tuple[str, ...]
    seconds: float
    problems: dict[str, str] = field(default_factory=dict)


def convert(soffice: str, files: dict[str, bytes], timeout: float | None = None, of: int | None = None) -> Converted:
    """Converts every .pptx and .docx in `files` (name -> bytes; names unique) to PDF in one LibreOffice process,
    with its own profile, in a scratch folder that is removed afterwards (or by the next aspo, should this one be
    killed; LibreOffice ends with aspo either way).

    A run that fails as a whole (cannot start, exits non-zero, runs out of time, converts nothing) raises one line;
    sources it skipped while converting others, or whose PDF is not a whole one, are returned as missing. `of`: the
    files of the whole build, when these are one process's share of them (the line counts them all).
    """
    import time

    if not files:
        return Converted({}, (), 0.0)
    timeout = BASE_SECONDS + SECONDS_PER_FILE * len(files) if timeout is None else timeout
    total = of or len(files)
    shown, count = display_path(soffice), f"{total} file{'s' if total != 1 else ''}"
    started = time.perf_counter()
    with ScratchFolder("pdf") as tmp:
        sources, target, log = Path(tmp, "in"), Path(tmp, "out"), Path(tmp, "log")
        sources.mkdir()
        for name, data in files.items():
            (sources / name).write_bytes(data)
        command = [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(target),
                   *(str(sources / name) for name in files)]
        status = _run(command, log, timeout, f"LibreOffice ({shown}) did not finish converting {count} to PDF "
                      f"within {timeout:g} s and was stopped; nothing was written", shown)
        said = _last_line(log)
        if status != 0:
            raise pdf_error(f"LibreOffice ({shown}) failed (exit status {status}) converting {count} to PDF"
                            f"{said}; nothing was written")
        pdfs, missing, problems = {}, [], {}
        for name in files:
            pdf = target / (Path(name).stem + ".pdf")
            # LibreOffice exits 0 even when it could not load a file: only a whole PDF on disk says it worked
            data, problem = _read_pdf(pdf)
            if problem is None:
                pdfs[pdf.name] = data
            else:
                missing.append(name)
                if problem:
                    problems[pdf.name] = problem
        if not pdfs:
            first = next(iter(problems.items()), None)
            said = said or (f" ({first[0]}: {first[1]})" if first else "")
            raise pdf_error(f"LibreOffice ({shown}) converted none of the {count} to PDF{said}; nothing was written")
    return Converted(pdfs, tuple(missing), time.perf_counter() - started, problems)


def convert_in_parallel(soffice: str, files: dict[str, bytes], jobs: int) -> Converted:
    """convert(), the files shared among up to `jobs` LibreOffice processes run at once (one LibreOffice converts
    one file at a time, on one core): the largest first, each to the process with the least to do so far.

    A process that fails as a whole leaves its files missing, with why; only when every one fails is that raised,
    as convert() raises it."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    shares: list[dict[str, bytes]] = [{} for _ in range(max(1, min(jobs, len(files))))]
    loads = [0] * len(shares)
    for name, data in sorted(files.items(), key=lambda item: (-len(item[1]), item[0])):
        least = loads.index(min(loads))
        shares[least][name] = data
        loads[least] += len(data)
    if len(shares) == 1:
        return convert(soffice, files)
    started = time.perf_counter()
    pool = ThreadPoolExecutor(len(shares))
    try:
        futures = [pool.submit(_converted_or_error, soffice, share, len(files)) for share in shares]
        results = [future.result() for future in futures]
    except BaseException:  # Ctrl-C or SIGTERM reach this thread only: it stops every LibreOffice, as convert() would
        with _running_lock:
            _stopping.set()  # and any a thread is starting now, as soon as it has started
            running = list(_running)
        for child in running:
            child.stop()
        raise
    finally:
        pool.shutdown(wait=True)
        _stopping.clear()
    errors = [result for result in results if isinstance(result, AspoError)]
    if len(errors) == len(results):
        raise errors[0]
    pdfs, missing, problems = {}, [], {}
    for share, result in zip(shares, results):
        if isinstance(result, AspoError):
            missing.extend(share)
            problems.update({Path(name).stem + ".pdf": result.problems[0].message for name in share})
            continue
        pdfs.update(result.pdfs)
        missing.extend(result.missing)
        problems.update(result.problems)
    ordered = {pdf: pdfs[pdf] for name in files if (pdf := Path(name).stem + ".pdf") in pdfs}
    return Converted(ordered, tuple(name for name in files if name in missing), time.perf_counter() - started,
                     problems)


def _converted_or_error(soffice: str, files: dict[str, bytes], of: int) -> Converted | AspoError:
    try:
        return convert(soffice, files, of=of)
    except AspoError as exc:
        return exc


def pdf_problem(head: bytes, tail: bytes, size: int) -> str | None:
    """What a file meant to be a whole PDF is instead, in words ("40 bytes that are not a PDF"), judged by its first
    and last KB and its size; None when it looks whole: the header, and at its end a cross-reference offset
    within the file and %%EOF. Cheap enough for every cached PDF read."""
    if not head.startswith(b"%PDF-"):
        return f"{size} bytes that are not a PDF"
    if size < MIN_PDF_BYTES:
        return f"a PDF of only {size} bytes"
    end = _END.search(tail)
    if end is None or int(end[1]) >= size:
        return "a PDF cut short (its end is missing)"
    return None


def _read_pdf(path: Path) -> tuple[bytes, str | None]:
    """A PDF LibreOffice wrote, and None; or b"" and why it is not taken ("" when it wrote none)."""
    try:
        data = read_regular(path, MAX_PDF_BYTES, OUTPUT)  # its size checked first: a 1.5 GB one is never read
    except AspoError as exc:  # LibreOffice's doing, never the user's input
        return b"", (f"what it wrote: {exc.problems[0].message}" if os.path.lexists(path) else "")
    problem = pdf_problem(data[:1024], data[-1024:], len(data))
    return (data, None) if problem is None else (b"", f"it wrote {problem}")


#: The LibreOffice processes running now, for convert_in_parallel to stop when it is stopped.
_running: set = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


def _run(command: list[str], log: Path, timeout: float, too_slow: str, shown: str) -> int:
    """Runs LibreOffice until it ends: it, and every process it starts, ends too when aspo stops or is killed."""
    with open(log, "wb") as out:
        try:
            # in UTC it writes its dates in one form, so the stamped ones have one length whatever the zone
            child = start(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "TZ": "UTC"})
        except OSError as exc:
            raise pdf_error(f"LibreOffice ({shown}) could not be started: {exc.strerror or exc}; "
                            "nothing was written") from None
    with _running_lock:
        _running.add(child)
        stopped = _stopping.is_set()
    try:
        if stopped:  # the build was stopped while this one started: it must not convert on alone
            child.stop()
            raise pdf_error("stopped")
        return child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.stop()
        raise pdf_error(too_slow) from None
    except BaseException:  # Ctrl-C, SIGTERM: LibreOffice is in a session of its own and would not hear them
        child.stop()
        raise
    finally:
        with _running_lock:
            _running.discard(child)


def _last_line(log: Path) -> str:
    """The last thing LibreOffice printed (it says why a file failed), as ' (it said: ...)', or ''."""
    try:
        with open(log, "rb") as file:  # its end only: a converter may print without end
            file.seek(max(0, os.fstat(file.fileno()).st_size - 64 * 1024))
            lines = [line.strip() for line in file.read().decode("utf-8", "replace").splitlines()]
    except OSError:
        return ""
    lines = [line for line in lines if line and "javaldx" not in line]  # a warning on every start, never the cause
    return f" (it said: {quoted(lines[-1], 120)})" if lines else ""


# --- deterministic bytes ------------------------------------------------------------------------------------------
# LibreOffice stamps the time of the conversion into the Info dictionary and XMP metadata, and random-ish bytes into
# the trailer's /ID (and its own /DocChecksum). Each is replaced by a value of the same length, so that every offset
# in the cross-reference table stays valid: dates by the build's timestamp, the rest by a hash of the content.

_INFO_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*)\((D:[^()\\]*)\)")
_XMP_DATE = re.compile(rb"(<(xmp:(?:CreateDate|ModifyDate|MetadataDate))>)([^<]{10,40})(</\2>)")
_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>\s*\])")
_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
_UUID = re.compile(rb"uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def normalize_pdf(data: bytes, when: dt.datetime) -> bytes:
    """The same PDF with its dates set to `when` and its identifiers derived from its content; same length."""
    when = when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    stamp = b"(D:" + when.strftime("%Y%m%d%H%M%S").encode() + b"Z)"
    data = _INFO_DATE.sub(lambda m: m[1] + _padded(stamp, m[0][len(m[1]):]), data)
    data = _XMP_DATE.sub(lambda m: m[1] + _iso_date(when, m[3]) + m[4], data)
    masked = _ID.sub(lambda m: m[1] + b"0" * len(m[2]) + m[3] + b"0" * len(m[4]) + m[5], data)
    masked = _CHECKSUM.sub(lambda m: m[1] + b"0" * len(m[2]), masked)
    masked = _UUID.sub(lambda m: b"uuid:" + b"0" * len(m[1]), masked)
    content = hashlib.sha256(masked).hexdigest()
    data = _ID.sub(lambda m: m[1] + _hex(content, "id", m[2]) + m[3] + _hex(content, "id", m[4]) + m[5], data)
    data = _CHECKSUM.sub(lambda m: m[1] + _hex(content, "checksum", m[2]), data)
    order = itertools.count()  # the n-th uuid of every build gets the same value
    return _UUID.sub(lambda m: b"uuid:" + _uuid(content, next(order)), data)


def _padded(value: bytes, old: bytes) -> bytes:
    """`value` followed by spaces (whitespace between tokens means nothing in PDF) as long as `old`, or `old`."""
    return value + b" " * (len(old) - len(value)) if len(value) <= len(old) else old


def _iso_date(when: dt.datetime, old: bytes) -> bytes:
    """`when` in UTC, written as long as `old` was (seconds, fraction, 'Z' or '+00:00'), or `old` if none fits."""
    base = when.strftime("%Y-%m-%dT%H:%M:%S")
    for fraction in ("", *("." + "0" * n for n in range(1, 10))):
        for zone in ("Z", "+00:00"):
            if len(base + fraction + zone) == len(old):
                return (base + fraction + zone).encode()
    return old


def _hex(content: str, kind: str, old: bytes) -> bytes:
    value = hashlib.sha256(f"{kind}:{content}".encode()).hexdigest()
    value = (value * (len(old) // len(value) + 1))[:len(old)]
    return (value.upper() if old.upper() == old else value).encode()


def _uuid(content: str, number: int) -> bytes:
    value = hashlib.sha256(f"uuid:{number}:{content}".encode()).hexdigest()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}".encode()
