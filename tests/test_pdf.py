"""aspo build --pdf: a PDF of each deck and document, from one LibreOffice run per build, the same bytes every time,
and one clear line (previous outputs kept) when LibreOffice is missing or fails."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SAMPLES, skip_unless_installed
from procs import HAVE_PROC, Proc, wait_for
from rep_only import leaks, pdf_texts, rep_only_texts

from aspo.build.pdf import convert, normalize_pdf
from aspo.core.errors import AspoError

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT, PDFINFO = shutil.which("pdftotext"), shutil.which("pdfinfo")
MU = shutil.which("mu")
NAMES = {"acme": "Acme Packaging", "bergquell": "Bergquell", "globex": "Globex Foods",
         "northwind-health": "Northwind Health", "tanaka-seiki": "\u7530\u4e2d\u7cbe\u6a5f\u682a\u5f0f\u4f1a\u793e"}
PDFS = [f"{slug}-{kind}.pdf" for slug in NAMES for kind in ("deck", "offering")]
WORKSPACE_PDFS = [f"{slug}-{kind}.pdf" for slug in SAMPLES for kind in ("deck", "offering")]  # `workspace`'s
INSTALL_HINT = ("aspo: error: --pdf needs LibreOffice, which is not installed; install it with: "
                "sudo apt-get install libreoffice-impress libreoffice-writer")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

# A stand-in for LibreOffice: for each .pptx/.docx it writes a small PDF stamped with the time and a random /ID, as
# LibreOffice does; it skips files whose name holds $FAKE_SKIP, writes what $FAKE_BAD names instead of a PDF for others
# ("acme-deck:huge,globex-offering:garbage": a sparse 1.5 GB file, 40 bytes of text, a PDF of only 40 bytes), and
# records each run in $FAKE_LOG.
FAKE = r'''
import json, os, random, sys, time
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
sources = [a for a in args if a.endswith((".pptx", ".docx"))]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
os.makedirs(out, exist_ok=True)
for source in sources:
    if os.environ.get("FAKE_SKIP") and os.environ["FAKE_SKIP"] in os.path.basename(source):
        print("Error: source file could not be loaded")
        continue
    ident = "%032X" % random.getrandbits(128)
    stamp = time.strftime("D:%Y%m%d%H%M%S+01'00'")
    body = ("%%PDF-1.6\n1 0 obj\n<</Title(%s)/CreationDate(%s)>>\nendobj\n2 0 obj\n<</Type/Catalog/Pages 3 0 R>>\n"
            "endobj\n3 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n" % (os.path.basename(source), stamp))
    pdf = body + ("xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 4/Root 2 0 R/Info 1 0 R/ID [ <%s>\n<%s> ]\n"
                  "/DocChecksum /%032X>>\nstartxref\n%d\n%%%%EOF\n"
                  % (ident, ident, random.getrandbits(128), len(body)))
    stem = os.path.splitext(os.path.basename(source))[0]
    bad = dict(item.split(":") for item in os.environ.get("FAKE_BAD", "").split(",") if item).get(stem)
    with open(os.path.join(out, stem + ".pdf"), "w") as stream:
        if bad == "huge":
            stream.truncate(1536 * 1024 * 1024)
        else:
            stream.write({"garbage": "Error: no filter for this file\n" + " " * 9, "short": "%PDF-1.4\n" + " " * 14
                          + "startxref 0 %%EOF"}.get(bad, pdf))
'''


def snapshot(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def pdfs_in(output: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(output.glob("*/*.pdf"))}


def emails_in(output: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(output.glob("*/*.eml"))}


def need_libreoffice() -> None:
    skip_unless_installed("LibreOffice (soffice)" if not SOFFICE else "pdftotext and pdfinfo (poppler-utils)"
                          if not PDFTOTEXT or not PDFINFO else None)


# --- with LibreOffice: two real builds, shared by the checks below -------------------------------------------------

@pytest.fixture(scope="module")
def real_builds(tmp_path_factory) -> dict:
    """`aspo build --pdf accounts/`, then the same with --force in another time zone (SOURCE_DATE_EPOCH set)."""
    need_libreoffice()
    root = tmp_path_factory.mktemp("pdf")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "accounts", root / "accounts")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("ASPO_SOFFICE", None)

    def run(*args: str, zone: str = "UTC") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "aspo", "build", *args], cwd=root, env={**env, "TZ": zone},
                              capture_output=True, text=True, timeout=600)

    first = run("--pdf", "-q", "accounts/")
    first_pdfs = pdfs_in(root / "output")
    first_emails = emails_in(root / "output")
    second = run("--pdf", "--force", "-q", "accounts/", zone="America/New_York")
    return {"root": root, "first": first, "first_pdfs": first_pdfs, "first_emails": first_emails, "second": second}


def test_build_pdf_writes_a_deck_and_an_offering_pdf_per_account_with_its_name(real_builds):
    first, output = real_builds["first"], real_builds["root"] / "output"
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert re.search(rf"^{len(NAMES)} accounts: {len(NAMES)} built, 0 unchanged, 0 failed in [\d.]+ s "
                     rf"\({2 * len(NAMES)} PDFs in [\d.]+ s\)$", first.stdout, re.M), first.stdout
    assert sorted(real_builds["first_pdfs"]) == sorted(PDFS)
    for slug, name in NAMES.items():
        for kind in ("deck", "offering"):
            pdf = output / slug / f"{slug}-{kind}.pdf"
            text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
            assert name in " ".join(text.split()), pdf.name


def test_building_again_gives_byte_identical_pdfs_whatever_the_time_zone(real_builds):
    assert real_builds["second"].returncode == 0, real_builds["second"].stderr
    assert pdfs_in(real_builds["root"] / "output") == real_builds["first_pdfs"]


def test_the_follow_up_email_carries_the_deck_and_the_document_pdfs_and_is_the_same_built_again(real_builds):
    output = real_builds["root"] / "output"
    assert emails_in(output) == real_builds["first_emails"] and len(real_builds["first_emails"]) == len(NAMES)
    for slug in NAMES:
        message = email.message_from_bytes((output / slug / f"{slug}-follow-up.eml").read_bytes(),
                                           policy=email.policy.strict)
        assert message.get_content_type() == "multipart/mixed" and message["X-Unsent"] == "1"
        attached = {part.get_filename(): (part.get_content_type(), part.get_content())
                    for part in message.iter_attachments()}
        # the customer's two PDFs, as written beside it; never the presenter deck, which has no PDF to send
        assert attached == {name: ("application/pdf", (output / slug / name).read_bytes())
                            for name in (f"{slug}-deck.pdf", f"{slug}-offering.pdf")}
        step = yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text(encoding="utf-8"))["next_step"]
        assert step["action"] in " ".join(message.get_body(("plain",)).get_content().split()[:40])


def test_a_mail_programs_mime_library_reads_the_email_its_people_text_and_attachments(real_builds):
    """mu reads a message with GMime, the MIME library of mail programs (Evolution's, Geary's): another reader than
    Python's, which wrote it."""
    skip_unless_installed(None if MU else "mu (Debian's maildir-utils)", checks="this check")
    output = real_builds["root"] / "output"
    for slug, name in NAMES.items():
        shown = subprocess.run([MU, "view", str(output / slug / f"{slug}-follow-up.eml")], capture_output=True,
                               text=True, timeout=60, check=True).stdout
        account = yaml.safe_load((REPO / "accounts" / f"{slug}.yaml").read_text(encoding="utf-8"))
        rep = account["rep"]
        assert shown.startswith(f"From: {rep['name']} <{rep['email']}>\n"), shown
        to = ", ".join(f"{a['name']} <{a['email']}>" for a in account["meeting"]["attendees"])
        subject = next(line for line in shown.splitlines() if line.startswith("Subject: "))
        # the subject opens with the account's name, whatever follows it in its language: "田中精機株式会社様："
        assert f"\nTo: {to}\n" in shown and subject.startswith(f"Subject: {name}")
        assert account["next_step"]["action"] in subject
        assert f"\nAttachments: {slug}-deck.pdf, {slug}-offering.pdf\n" in shown
        assert f"\n{rep['name']}\n" in shown and shown.rstrip().endswith(rep["email"] + (
            f" \u00b7 {rep['phone']}" if rep.get("phone") else ""))


def test_the_pdfs_are_dated_by_the_build_and_reopen_without_a_complaint(real_builds):
    for name, data in real_builds["first_pdfs"].items():
        assert_xref_points_at_objects(data, name)
        slug = name.rsplit("-", 1)[0]
        info = subprocess.run([PDFINFO, "-isodates", str(real_builds["root"] / "output" / slug / name)],
                              capture_output=True, text=True)
        assert info.returncode == 0 and info.stderr == "", (name, info.stderr)  # a broken xref table is reported
        assert re.search(r"^CreationDate:\s+2026-01-01T00:00:00Z$", info.stdout, re.M), info.stdout


def test_the_manifest_records_the_pdfs(real_builds):
    output = real_builds["root"] / "output"
    for slug in NAMES:
        recorded = json.loads((output / slug / "manifest.json").read_text())["outputs"]
        for kind in ("deck", "offering"):
            pdf = output / slug / f"{slug}-{kind}.pdf"
            assert recorded[pdf.name] == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_the_pdfs_a_rep_may_send_hold_no_rep_only_text_in_their_text_or_metadata(real_builds):
    output = real_builds["root"] / "output"
    for slug in NAMES:
        rep_only = rep_only_texts(REPO / "accounts" / f"{slug}.yaml",
                                  (output / slug / f"{slug}-draft.md").read_text(encoding="utf-8"))
        assert rep_only["meeting goal"] and rep_only["speaker notes"]
        assert not (output / slug / f"{slug}-deck-presenter.pdf").exists()  # the rep presents from the .pptx
        for kind in ("deck", "offering"):
            texts = pdf_texts(output / slug / f"{slug}-{kind}.pdf", f"{slug}-{kind}.pdf")
            assert NAMES[slug] in texts[f"{slug}-{kind}.pdf (text)"]  # what is read is there
            assert NAMES[slug] in texts[f"{slug}-{kind}.pdf (metadata)"]  # the title
            assert leaks(texts, rep_only) == []


def assert_xref_points_at_objects(data: bytes, name: str) -> None:
    """Every object the cross-reference table lists starts where it says (what qpdf --check would find first)."""
    start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)[1])
    assert data[start:start + 4] == b"xref", name
    lines = iter(data[start + 4:].lstrip().split(b"\n"))
    listed = 0
    for line in lines:
        section = line.split()
        if len(section) != 2:
            break
        first, count = map(int, section)
        for number in range(first, first + count):
            offset, generation, kind = next(lines).split()
            if kind == b"n":
                assert data[int(offset):].startswith(b"%d %d obj" % (number, int(generation))), (name, number)
                listed += 1
    assert listed > 10, name


# --- without LibreOffice, or with one that fails: a stand-in, so these run everywhere and fast ---------------------

@pytest.fixture
def fake_soffice(tmp_path, monkeypatch) -> Path:
    """ASPO_SOFFICE set to the stand-in; returns its log (one JSON list of arguments per run)."""
    script = tmp_path / "bin" / "fake-soffice"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{FAKE}")
    script.chmod(0o755)
    log = tmp_path / "fake-runs.log"
    monkeypatch.setenv("ASPO_SOFFICE", str(script))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.delenv("FAKE_SKIP", raising=False)
    monkeypatch.delenv("FAKE_BAD", raising=False)
    return log


def runs(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def built(built_workspace) -> dict[str, bytes]:
    """A build without --pdf (a copy of the session's), the outputs a failed --pdf build must leave alone."""
    return snapshot(built_workspace / "output")


def test_without_libreoffice_build_pdf_exits_2_with_the_install_hint_and_writes_nothing(
        workspace, aspo, built, monkeypatch, tmp_path):
    monkeypatch.delenv("ASPO_SOFFICE", raising=False)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert (result.status, result.out, result.err) == (2, "", INSTALL_HINT + "\n")
    assert snapshot(workspace / "output") == built
    assert aspo("build", "--pdf", "accounts/acme.yaml").err == INSTALL_HINT + "\n"
    shutil.rmtree(workspace / "output")
    assert aspo("build", "--pdf", "accounts/").status == 2
    assert not (workspace / "output").exists()


def test_aspo_soffice_naming_no_program_exits_2_naming_it(workspace, aspo, built, monkeypatch):
    monkeypatch.setenv("ASPO_SOFFICE", str(workspace / "no" / "soffice"))
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert (result.status, result.out) == (2, "")
    assert result.err == (
        "aspo: error: --pdf needs LibreOffice, but ASPO_SOFFICE names 'no/soffice', "
        "which is not a program; point ASPO_SOFFICE at soffice, or unset it and install LibreOffice with: "
        "sudo apt-get install libreoffice-impress libreoffice-writer\n")
    assert snapshot(workspace / "output") == built


def test_a_libreoffice_that_cannot_be_started_fails_with_one_line_and_keeps_previous_outputs(
        workspace, aspo, built, monkeypatch, tmp_path):
    script = tmp_path / "soffice"  # executable, but no program the system can run: exec fails (ENOEXEC)
    script.write_bytes(b"\x7fELF not really")
    script.chmod(0o755)
    monkeypatch.setenv("ASPO_SOFFICE", str(script))
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert (result.status, result.out) == (2, "")
    assert result.err == "aspo: error: LibreOffice (soffice) could not be started: Exec format error; nothing was " \
                         "written\n"
    assert snapshot(workspace / "output") == built


def test_a_libreoffice_that_converts_nothing_fails_with_one_line_and_keeps_previous_outputs(
        workspace, aspo, built, monkeypatch, tmp_path):
    script = tmp_path / "soffice"  # exits 0 having written nothing, as LibreOffice does when it cannot load a file
    script.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n")
    script.chmod(0o755)
    monkeypatch.setenv("ASPO_SOFFICE", str(script))
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: LibreOffice (soffice) converted none of the 6 files to PDF "
                          "(it said: 'Error: source file could not be loaded'); nothing was written\n")
    assert snapshot(workspace / "output") == built
    assert not list(workspace.glob("output/.aspo-staging-*"))


def test_a_file_libreoffice_cannot_convert_fails_its_account_only(workspace, aspo, built, fake_soffice,
                                                                     monkeypatch):
    monkeypatch.setenv("FAKE_SKIP", "globex-offering")
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert result.status == 2
    assert "aspo: error: output/globex/globex-offering.pdf: LibreOffice could not convert globex-offering.docx to " \
           "PDF; this account's previous outputs are left as they were\n" in result.err
    assert "3 accounts: 2 built, 0 unchanged, 1 failed (accounts/globex.yaml) in" in result.out
    after = snapshot(workspace / "output")
    assert {name: data for name, data in after.items() if name.startswith("globex/")} == \
           {name: data for name, data in built.items() if name.startswith("globex/")}
    assert "acme/acme-deck.pdf" in after and "northwind-health/northwind-health-offering.pdf" in after


def test_what_is_not_a_whole_pdf_is_refused_naming_the_account_and_why_and_a_huge_one_is_not_read(
        workspace, aspo, built, fake_soffice, monkeypatch):
    monkeypatch.setenv("FAKE_BAD", "acme-deck:huge,globex-offering:garbage,northwind-health-deck:short")
    result = aspo("build", "--pdf", "--force", "accounts/")
    assert result.status == 2
    assert result.err.splitlines() == [
        "aspo: error: output/acme/acme-deck.pdf: LibreOffice could not convert acme-deck.pptx to PDF (what it wrote: "
        "file is 1536 MB; the limit is 200 MB); this account's previous outputs are left as they were",
        "aspo: error: output/globex/globex-offering.pdf: LibreOffice could not convert globex-offering.docx to PDF "
        "(it wrote 40 bytes that are not a PDF); this account's previous outputs are left as they were",
        "aspo: error: output/northwind-health/northwind-health-deck.pdf: LibreOffice could not convert "
        "northwind-health-deck.pptx to PDF (it wrote a PDF of only 40 bytes); this account's previous outputs are "
        "left as they were"]
    assert "3 accounts: 0 built, 0 unchanged, 3 failed" in result.out
    assert snapshot(workspace / "output") == built


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_job_converts_its_share_in_its_own_profile_removed_afterwards(workspace, aspo, fake_soffice, jobs):
    result = aspo("build", "--pdf", "-j", str(jobs), "accounts/")
    assert result.status == 0, result.err
    done = runs(fake_soffice)
    assert len(done) == jobs  # as many LibreOffice processes as jobs, at once
    shares = [sorted(Path(a).name for a in args if a.endswith((".pptx", ".docx"))) for args in done]
    assert all(shares) and sorted(name for share in shares for name in share) == sorted(
        f"{slug}-{kind}" for slug in SAMPLES for kind in ("deck.pptx", "offering.docx"))  # each file in one
    profiles = [a.split("=", 1)[1] for args in done for a in args if a.startswith("-env:UserInstallation=")]
    assert len(set(profiles)) == jobs and all(profile.startswith("file:///") for profile in profiles)
    for profile in profiles:
        assert not Path(profile[len("file://"):]).parent.exists()  # the temporary folder, profile and copies, is gone
    assert sorted(pdfs_in(workspace / "output")) == sorted(WORKSPACE_PDFS)


def test_the_fake_pdfs_are_stamped_deterministically(workspace, aspo, fake_soffice, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert aspo("build", "--pdf", "accounts/acme.yaml").status == 0
    first = pdfs_in(workspace / "output")
    assert aspo("build", "--pdf", "--force", "accounts/acme.yaml").status == 0
    assert pdfs_in(workspace / "output") == first
    assert re.search(rb"/CreationDate\(D:20260101000000Z\) +>>", first["acme-deck.pdf"])


def test_pdfs_are_outputs_of_the_build_that_made_them(workspace, aspo, fake_soffice):
    def statuses(*args: str) -> list[str]:
        result = aspo("build", *args, "accounts/")
        assert result.status == 0, result.err
        return [line.split()[0] for line in result.out.splitlines()[:-1]]

    assert statuses("--pdf") == ["built"] * 3
    assert statuses("--pdf") == ["unchanged"] * 3
    assert statuses() == ["unchanged"] * 3  # a build without --pdf leaves an unchanged account's PDFs alone
    converted = [name for args in runs(fake_soffice) for name in args if name.endswith((".pptx", ".docx"))]
    assert len(pdfs_in(workspace / "output")) == 6 and len(converted) == 6  # each file once: none when unchanged
    (workspace / "output" / "globex" / "globex-deck.pdf").unlink()
    assert statuses("--pdf") == ["unchanged", "built", "unchanged"]  # a missing PDF is rebuilt
    converted = [name for args in runs(fake_soffice) for name in args if name.endswith((".pptx", ".docx"))]
    assert len(converted) == 8 and len(pdfs_in(workspace / "output")) == 6
    assert statuses("--force") == ["built"] * 3  # rebuilt without --pdf: its PDFs would be stale, so they go
    assert pdfs_in(workspace / "output") == {}
    assert statuses("--pdf") == ["built"] * 3


def test_a_libreoffice_that_hangs_is_stopped_at_its_time_limit(workspace, tmp_path):
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 600 &\necho $! > {tmp_path / 'child'}\nexec sleep 600\n")
    script.chmod(0o755)
    with pytest.raises(AspoError) as caught:
        convert(str(script), {"acme-deck.pptx": b"PK"}, timeout=0.5)
    assert str(caught.value) == ("LibreOffice (soffice) did not finish converting 1 file to PDF within 0.5 s and "
                                 "was stopped; nothing was written")
    if HAVE_PROC and (tmp_path / "child").exists():  # it got as far as starting a process of its own
        child = Proc(int((tmp_path / "child").read_text()))
        wait_for(lambda: not child.alive(), "the stopped converter's own process to end")


@pytest.mark.skipif(not HAVE_PROC, reason="watches processes through /proc")
def test_a_build_stopped_while_converting_ends_libreoffice_and_keeps_previous_outputs(workspace, aspo, built,
                                                                                      tmp_path):
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid.tmp'}\nmv {tmp_path / 'pid.tmp'} {tmp_path / 'pid'}\n"
                      "exec sleep 600\n")
    script.chmod(0o755)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "aspo", "build", "--pdf", "--force", "accounts/"],
                               cwd=workspace, env={**os.environ, "ASPO_SOFFICE": str(script), "TMPDIR": str(temporary)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    converter = Proc(int(wait_for(lambda: (tmp_path / "pid").exists() and (tmp_path / "pid").read_text(),
                                  "LibreOffice to start")))
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (143, "aspo: stopped by SIGTERM\n")
    assert not converter.alive()
    assert snapshot(workspace / "output") == built
    assert list(temporary.iterdir()) == []  # its temporary folder (profile, copies) is gone too


@pytest.mark.skipif(not HAVE_PROC, reason="watches processes through /proc")
def test_a_build_killed_while_converting_leaves_no_converter_and_the_next_command_removes_its_folder(
        workspace, aspo, built, tmp_path, monkeypatch):
    """kill -9 (a CI time-out, the out-of-memory killer) of `build --pdf -j 2` once its two converters run: each
    launcher and the process it started (soffice forks soffice.bin) end within 5 s, and the scratch folders holding
    the accounts' files are gone after the next aspo command."""
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 600 &\necho $$ $! > {tmp_path / 'pids.tmp'}-$$\n"
                      f"mv {tmp_path / 'pids.tmp'}-$$ {tmp_path / 'pids'}-$$\nwait\n")
    script.chmod(0o755)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    build = subprocess.Popen([sys.executable, "-m", "aspo", "build", "--pdf", "--force", "-j", "2", "accounts/"],
                             cwd=workspace, env={**os.environ, "ASPO_SOFFICE": str(script), "TMPDIR": str(temporary)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = wait_for(lambda: len(found := list(tmp_path.glob("pids-*"))) == 2 and found,
                           "both converters to start")
        converter = [Proc(int(pid)) for path in started for pid in path.read_text().split()]
        build.kill()
        build.wait(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    wait_for(lambda: not [proc for proc in converter if proc.alive()], f"{converter} to end", timeout=5)
    left = list(temporary.iterdir())  # their owner was killed before it could remove them
    assert len(left) == 2 and all(folder.name.startswith(f"aspo-pdf-{build.pid}-") for folder in left)
    assert sorted(path.name for folder in left for path in (folder / "in").iterdir()) == sorted(
        f"{name}-{kind}" for name in ("acme", "globex", "northwind-health") for kind in ("deck.pptx", "offering.docx"))
    monkeypatch.setenv("TMPDIR", str(temporary))
    assert aspo("build", "accounts/acme.yaml").status == 0
    assert list(temporary.iterdir()) == []
    assert snapshot(workspace / "output") == built


def test_normalizing_keeps_every_offset_and_only_changes_dates_and_identifiers():
    when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    original = (b"%PDF-1.6\n1 0 obj\n<</CreationDate(D:20261130183356+01'00')/ModDate(D:20261130183356Z')>>\nendobj\n"
                b"2 0 obj\n<</Type/Metadata/Subtype/XML/Length 300>>\nstream\n"
                b"<xmp:CreateDate>2026-11-30T18:33:56+01:00</xmp:CreateDate>"
                b"<xmp:ModifyDate>2026-11-30T18:33:56.123Z</xmp:ModifyDate>"
                b"<xmpMM:DocumentID>uuid:0f8fad5b-d9cb-469f-a165-70867728950e</xmpMM:DocumentID>\nendstream\nendobj\n"
                b"trailer\n<</ID [ <DA31E31F91C3AF720B15EDBBFDBE21CD>\n<DA31E31F91C3AF720B15EDBBFDBE21CD> ]\n"
                b"/DocChecksum /27D9B809E41268809B4C9540AFD02615>>\n%%EOF\n")
    same_later = re.sub(rb"2026-11-30T18:33:56|20261130183356", lambda m: m[0].replace(b"56", b"59"), original)
    same_later = same_later.replace(b"DA31E31F", b"764059F1").replace(b"27D9B809", b"CAC11E15")
    same_later = same_later.replace(b"0f8fad5b", b"7c9e6679")
    normalized = normalize_pdf(original, when)
    assert len(normalized) == len(original)
    assert normalize_pdf(same_later, when) == normalized
    assert b"/CreationDate(D:20260101000000Z)      /ModDate(D:20260101000000Z) >>" in normalized
    assert b"<xmp:CreateDate>2026-01-01T00:00:00+00:00</xmp:CreateDate>" in normalized
    assert b"<xmp:ModifyDate>2026-01-01T00:00:00.000Z</xmp:ModifyDate>" in normalized
    assert b"DA31E31F" not in normalized and b"27D9B809" not in normalized and b"0f8fad5b" not in normalized
    other_content = normalize_pdf(original.replace(b"1 0 obj", b"3 0 obj"), when)
    assert re.search(rb"/ID \[ <(\w+)>", other_content)[1] != re.search(rb"/ID \[ <(\w+)>", normalized)[1]
