"""aspo init: a new content repository that checks clean and builds at once, never written over what is there."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from procs import wait_for

from aspo import __version__
from aspo.authoring import init as project
from aspo.authoring.init import STARTER, STARTER_DAY, init_project
from aspo.core.files import ABANDONED_SECONDS, STALE_SECONDS, remove_stale_temporaries


def aspo_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """aspo as a user runs it: its own process, in `cwd`, with no --templates and no ASPO_TEMPLATES."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("ASPO_TEMPLATES", "SOURCE_DATE_EPOCH", "ASPO_DEBUG")}
    env["ASPO_CACHE_DIR"] = str(cwd / ".aspo-cache")
    return subprocess.run([sys.executable, "-m", "aspo", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)}


def test_a_new_repository_checks_clean_and_builds_its_example_out_of_the_box(tmp_path):
    made = aspo_process("init", "my-content", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[-1].endswith("Next: cd my-content && aspo build accounts/")
    content = tmp_path / "my-content"

    checked = aspo_process("check", "--format", "json", cwd=content)
    assert (checked.returncode, json.loads(checked.stdout), checked.stderr) == (0, [], "")

    built = aspo_process("build", "accounts/", cwd=content)
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # no priority of the example is a content gap
    outputs = sorted(path.name for path in (content / "output" / "northgate").iterdir())
    assert {"northgate-deck.pptx", "northgate-offering.docx", "northgate-draft.md",
            "northgate-follow-up.eml"} <= set(outputs)


def test_the_starter_dates_move_to_the_day_of_init(tmp_path):
    day = dt.date(2031, 5, 17)
    init_project(tmp_path / "c", today=day)
    content = [path for path in (tmp_path / "c" / "templates").glob("*/*") if path.suffix in (".md", ".yaml")]
    review_dates = [re.findall(r"(?m)^review_by: (.*)$", path.read_text()) for path in content]
    assert len(content) == 7
    assert review_dates == [[str(day + dt.timedelta(days=365))]] * 7  # a year ahead: no check warns for 11 months
    account = yaml.safe_load((tmp_path / "c" / "accounts" / "northgate.yaml").read_text())
    assert account["meeting"]["date"] == day + dt.timedelta(days=14)
    assert account["next_step"]["by"] == day + dt.timedelta(days=28)
    # the starter as shipped is written for STARTER_DAY: the same dates, moved by nothing
    assert f"review_by: {STARTER_DAY + dt.timedelta(days=365)}" in \
        (STARTER / "templates" / "blocks" / "next-steps-pilot.md").read_text()


def test_it_prints_each_file_and_the_next_command(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = aspo("init", "my-content")
    assert result.status == 0 and result.err == ""
    lines = result.out.splitlines()
    created = sorted(line.split()[1] for line in lines[:-1])
    assert created == sorted(f"my-content/{name}" for name in files_of(tmp_path / "my-content"))
    assert all(line.startswith("created  ") for line in lines[:-1])
    assert lines[-1] == (f"{len(created)} files written with a starter library. "
                         "Next: cd my-content && aspo build accounts/")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert aspo("init").out.splitlines()[-1].endswith("Next: aspo build accounts/")


def files_of(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_a_folder_with_anything_in_it_is_refused_in_one_line(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-content").mkdir()
    (tmp_path / "my-content" / "notes.txt").write_text("mine\n")
    result = aspo("init", "my-content")
    assert result.status == 2 and result.out == ""
    assert result.err == ("aspo: error: my-content: not empty (use --force to write into it anyway: no file there is "
                          "overwritten or deleted)\n")
    assert files_of(tmp_path / "my-content") == ["notes.txt"]

    (tmp_path / "a-file").write_text("x")
    result = aspo("init", "a-file")
    assert (result.status, result.err) == (2, "aspo: error: a-file: exists and is not a folder; choose another DIR\n")

    fresh = tmp_path / "fresh-clone"
    (fresh / ".git").mkdir(parents=True)  # what `git init` leaves: still empty for aspo init
    assert aspo("init", "fresh-clone").status == 0
    assert (fresh / "templates" / "catalog.yaml").is_file()


def test_force_writes_beside_the_users_files_and_overwrites_none(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "content"
    (folder / "templates").mkdir(parents=True)
    (folder / "README.md").write_text("Our own README\n")
    (folder / "templates" / "catalog.yaml").write_text("# ours\n")
    (folder / "notes.txt").write_text("mine\n")
    result = aspo("init", "--force", "content")
    assert result.status == 0, result.err
    assert "kept     content/README.md (it was there already; aspo init overwrites nothing)" in result.out
    assert "kept     content/templates/catalog.yaml (it was there already; aspo init overwrites nothing)" in result.out
    assert "created  content/templates/pains.yaml" in result.out
    assert (folder / "README.md").read_text() == "Our own README\n"
    assert (folder / "templates" / "catalog.yaml").read_text() == "# ours\n"
    assert (folder / "notes.txt").read_text() == "mine\n"
    assert (folder / "templates" / "blocks" / "next-steps-pilot.md").is_file()


def test_force_writes_through_no_link(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "accounts").symlink_to(elsewhere)
    result = aspo("init", "--force", "content")
    assert result.status == 2
    assert result.err == "aspo: error: content/accounts: is a link; aspo init writes no file through it\n"
    assert list(elsewhere.iterdir()) == []


def test_a_linked_folder_anywhere_refuses_before_any_file_is_written(tmp_path, aspo, monkeypatch):
    # templates/layouts sorts after README.md, accounts/, schemas/ and templates/blocks/: all are checked first
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "content" / "templates").mkdir(parents=True)
    (tmp_path / "content" / "templates" / "layouts").symlink_to(elsewhere)
    result = aspo("init", "--force", "content")
    assert (result.status, result.out) == (2, "")
    assert result.err == "aspo: error: content/templates/layouts: is a link; aspo init writes no file through it\n"
    assert sorted(path.relative_to(tmp_path / "content").as_posix()
                  for path in (tmp_path / "content").rglob("*")) == ["templates", "templates/layouts"]
    assert list(elsewhere.iterdir()) == []


def test_a_dangling_link_or_a_folder_where_a_file_goes_is_kept(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "content"
    (folder / "README.md").mkdir(parents=True)
    (folder / ".gitignore").symlink_to(tmp_path / "nowhere")
    result = aspo("init", "--force", "content")
    assert result.status == 0, result.err
    for name in ("README.md", ".gitignore"):
        assert f"kept     content/{name} (it was there already; aspo init overwrites nothing)" in result.out
    assert (folder / "README.md").is_dir() and list((folder / "README.md").iterdir()) == []
    assert (folder / ".gitignore").is_symlink() and not (tmp_path / "nowhere").exists()
    assert (folder / "templates" / "catalog.yaml").is_file()


def test_from_sample_copies_this_repositorys_sample_library(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = aspo("init", "--from-sample", "sample")
    assert result.status == 0, result.err
    assert result.out.splitlines()[-1].startswith(f"{len(result.out.splitlines()) - 1} files written with the "
                                                  "sample library.")
    copy = tmp_path / "sample"
    for top in ("templates", "accounts"):
        assert files_under(copy / top) == files_under(REPO / top)
    # the schema the sample accounts' modelines name, made as the committed one is
    assert (copy / "schemas" / "account.schema.json").read_bytes() == \
        (REPO / "schemas" / "account.schema.json").read_bytes()
    assert (copy / "README.md").read_bytes() == (STARTER / "README.md").read_bytes()
    monkeypatch.chdir(copy)
    checked = aspo("check", "--format", "json")
    assert checked.status == 0
    assert [d for d in json.loads(checked.out) if d["severity"] == "error"] == []


def test_the_sample_is_found_in_a_wheel_and_missed_with_one_line(tmp_path, monkeypatch):
    # A wheel carries the sample as aspo/sample/ (setup.py copies it there); site-packages holds no checkout.
    package = tmp_path / "site-packages" / "aspo"
    package.mkdir(parents=True)
    monkeypatch.setattr(project, "__file__", str(package / "authoring" / "init.py"))
    with pytest.raises(project.AspoError) as refused:
        project.sample_source()
    assert str(refused.value.problems[0]) == (
        "--from-sample: this installation of aspo carries no sample library; install aspo from a wheel or its "
        "source repository, or leave out --from-sample for the starter library")
    (package / "sample" / "templates").mkdir(parents=True)
    (package / "sample" / "templates" / "outline.yaml").write_text("")
    (package / "sample" / "accounts").mkdir()
    assert project.sample_source() == package / "sample"


def test_from_sample_without_a_sample_is_one_line_and_writes_nothing(tmp_path, aspo, monkeypatch):
    package = tmp_path / "site-packages" / "aspo"
    package.mkdir(parents=True)
    monkeypatch.setattr(project, "__file__", str(package / "authoring" / "init.py"))
    monkeypatch.chdir(tmp_path)
    result = aspo("init", "--from-sample", "content")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: --from-sample: this installation of aspo carries no sample library; install "
                          "aspo from a wheel or its source repository, or leave out --from-sample for the starter "
                          "library\n")
    assert not (tmp_path / "content").exists()


def test_the_repository_files_are_what_this_repository_recommends(tmp_path):
    init_project(tmp_path)
    def attributes(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if not line.startswith("#")]

    assert attributes(tmp_path / ".gitattributes") == attributes(REPO / ".gitattributes")
    ignored = [line for line in (REPO / ".gitignore").read_text().splitlines() if line.startswith("/output/")]
    assert ignored and set(ignored) <= set((tmp_path / ".gitignore").read_text().splitlines())
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    readme = (REPO / "README.md").read_text()
    repo_url = re.search(r"- repo: (\S+)", readme).group(1)
    assert config == {"repos": [{"repo": repo_url, "rev": f"v{__version__}",
                                 "hooks": [{"id": hooks[0]["id"]}]}]}
    # a content repository is no checkout of aspo with its .venv/: the README's way for an aspo installed elsewhere
    driver = "\"'$(command -v aspo)' textconv\""
    assert f"use `{driver}` instead" in readme
    for line in (f"git config diff.aspo.textconv {driver}", "git config diff.aspo.xfuncname '^## (.*)$'"):
        assert f"    {line}\n" in (tmp_path / "README.md").read_text()
    assert driver in (tmp_path / ".gitattributes").read_text()
    assert "git config diff.aspo.xfuncname '^## (.*)$'" in readme


def test_the_starter_layouts_are_the_samples_in_the_starter_vendors_name(tmp_path):
    """Both pairs come from tools/make_layouts.py: the same layouts, styles and identity, each vendor's name on
    its wordmarks, footer, theme and file properties (a copy of the sample's would put Meridian Ops on every
    Brightwell slide)."""
    import zipfile

    for vendor, layouts in (("Brightwell", STARTER / "templates" / "layouts"),
                            ("Meridian Ops", REPO / "templates" / "layouts")):
        made = tmp_path / vendor
        done = subprocess.run([sys.executable, REPO / "tools" / "make_layouts.py", f"--vendor={vendor}", made],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        for name in ("deck.pptx", "offering.docx"):
            assert (layouts / name).read_bytes() == (made / name).read_bytes(), (
                f"{layouts.relative_to(REPO).as_posix()}/{name} is not what `python tools/make_layouts.py "
                f"{layouts.relative_to(REPO).as_posix()} --vendor '{vendor}'` makes: make both pairs again with "
                "it (if the sample's no longer come from that tool, decide what the starter's should be and change "
                "this test)")
    for name in ("deck.pptx", "offering.docx"):
        starter = zipfile.ZipFile(STARTER / "templates" / "layouts" / name)
        assert not any(b"Meridian" in starter.read(part) for part in starter.namelist())


@pytest.mark.parametrize("args, error", [
    (["--vendor"], "argument --vendor: expected one argument"),
    (["a", "b"], "unrecognized arguments: b"),
], ids=["no-vendor", "two-folders"])
def test_make_layouts_refuses_bad_arguments_with_its_usage(tmp_path, args, error):
    done = subprocess.run([sys.executable, REPO / "tools" / "make_layouts.py", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("usage: python tools/make_layouts.py ")
    assert done.stderr.endswith(f"error: {error}\n")
    assert list(tmp_path.iterdir()) == []


def test_init_force_adds_no_starter_to_a_library_of_its_own_and_none_goes_inside_one(tmp_path, aspo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "templates" / "blocks").mkdir(parents=True)
    (tmp_path / "content" / "templates" / "blocks" / "our-pitch.md").write_text("ours\n")
    result = aspo("init", "--force", "content")
    assert (result.status, result.out) == (2, "")
    assert result.err == ("aspo: error: content/templates: holds a content library already "
                          "(content/templates/blocks/our-pitch.md is not the starter's); aspo init adds nothing to "
                          "it: init another folder\n")
    assert files_under(tmp_path / "content") == {"templates/blocks/our-pitch.md": b"ours\n"}

    init_project(tmp_path / "project")
    result = aspo("init", "project/templates/blocks")
    assert result.err == ("aspo: error: project/templates/blocks: lies inside a content library (project/templates/), "
                          "and aspo writes nothing into the content library; init a folder outside it\n")


def test_a_file_left_by_a_killed_init_goes_with_a_later_init_force_and_git_ignores_it(tmp_path, aspo, monkeypatch):
    """kill -9 lands while a file is being written (here: held at the moment its temporary file is whole)."""
    paused = tmp_path / "paused"
    script = ("import os, sys, time\nfrom pathlib import Path\nfrom aspo.authoring.init import init_project\n"
              "def held(*args, **kwargs):\n    Path(sys.argv[2]).touch()\n    time.sleep(600)\n"
              "os.link = held\ninit_project(Path(sys.argv[1]))\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "content"), str(paused)])
    try:
        wait_for(paused.exists, "init to write its first file")
    finally:
        child.kill()
        child.wait()
    [left] = (tmp_path / "content").rglob(".*.tmp")
    assert f".aspo-{child.pid}-" in left.name
    minutes_ago = time.time() - ABANDONED_SECONDS
    os.utime(left, (minutes_ago, minutes_ago))  # as a later run finds it (a fresh one may be a live writer's)

    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path / "content")], check=True)  # what a user has done first
    result = aspo("init", "--force", "content")
    assert result.status == 0, result.err
    assert list((tmp_path / "content").rglob(".*.tmp")) == []
    (tmp_path / "content" / "templates" / left.name).write_text("a later one\n")
    # and what a killed `aspo layouts use` leaves until the next command completes it: its staged files and journal
    hidden = [f"templates/{left.name}", "templates/.aspo-change.journal", "templates/.aspo-change.outline.yaml.old",
              "templates/layouts/.aspo-change.deck.pptx.new"]
    ignored = subprocess.run(["git", "-C", str(tmp_path / "content"), "check-ignore", *hidden],
                             capture_output=True, text=True)
    assert ignored.stdout.splitlines() == hidden, ignored.stderr


def test_only_files_of_writers_that_are_gone_for_minutes_or_a_day_old_are_removed(tmp_path):
    """A fresh file whose pid no process has may be a writer's in another container sharing the folder: it stays."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive = gone.stdout.strip(), os.getppid()
    names = {"dead for minutes": f".a.yaml.aspo-{dead}-x1.tmp", "dead, fresh": f".b.yaml.aspo-{dead}-x2.tmp",
             "alive": f".c.yaml.aspo-{alive}-x3.tmp", "alive, a day old": f".d.yaml.aspo-{alive}-x4.tmp",
             "no process can have its pid": f".e.yaml.aspo-{'9' * 30}-x5.tmp", "not aspo's": ".notes.tmp",
             "not ASCII digits": ".f.yaml.aspo-\u00b2-x6.tmp"}
    for name in names.values():
        (tmp_path / name).write_text("half\n")
    ages = {"dead for minutes": ABANDONED_SECONDS, "alive, a day old": STALE_SECONDS + 1,
            "no process can have its pid": ABANDONED_SECONDS, "not ASCII digits": ABANDONED_SECONDS}
    for what, age in ages.items():
        then = time.time() - age
        os.utime(tmp_path / names[what], (then, then))
    removed = [names["dead for minutes"], names["alive, a day old"]]
    assert sorted(path.name for path in remove_stale_temporaries(tmp_path)) == sorted(removed)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(set(names.values()) - set(removed))
