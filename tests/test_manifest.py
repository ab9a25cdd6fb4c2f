"""What aspo keeps beside the outputs and in its cache, read back within bounds: a manifest or build stamp it cannot
read (nested past Python's parser, a named pipe, too large) means "rebuild" to the build and one line to the commands
that need it, never a crash or a wait."""

from __future__ import annotations

import os
import threading

from aspo.build.stamp import stamp_path
from aspo.measure.sources import _built_keys

TOO_DEEP = "[" * 200_000  # Python's JSON parser recurses, and gives up long before this


def test_a_manifest_nested_past_reading_is_one_line_for_aspo_log(built_workspace, aspo):
    (built_workspace / "output" / "acme" / "manifest.json").write_text(TOO_DEEP, encoding="utf-8")
    result = aspo("log", "accounts/acme.yaml", "presented")
    assert (result.status, result.err) == (2, "aspo: error: output/acme/manifest.json: is not a valid manifest "
                                               "(nests too deep to be a file aspo wrote)\n")
    assert not (built_workspace / "history").exists()  # nothing recorded


def test_a_manifest_that_is_a_named_pipe_is_one_line_for_aspo_log(built_workspace, aspo):
    manifest = built_workspace / "output" / "acme" / "manifest.json"
    manifest.unlink()
    os.mkfifo(manifest)
    result = aspo("log", "accounts/acme.yaml", "presented")
    assert (result.status, result.err) == (2, "aspo: error: output/acme/manifest.json: is a named pipe (FIFO), not a "
                                               "regular file; aspo reads only regular files\n")


def test_the_outcomes_report_leaves_out_builds_whose_manifest_it_cannot_read(built_workspace):
    output = built_workspace / "output"
    (output / "acme" / "manifest.json").write_text(TOO_DEEP, encoding="utf-8")
    (output / "globex" / "manifest.json").unlink()
    os.mkfifo(output / "globex" / "manifest.json")
    assert list(_built_keys(output)) == ["northwind-health"]


def test_a_build_stamp_nested_past_reading_means_the_slow_way(built_workspace, aspo):
    assert "unchanged  output/acme/" in aspo("build", "accounts/acme.yaml").out  # the stamp is written
    stamp = stamp_path(built_workspace / "output" / "acme")
    assert stamp.is_file()
    stamp.write_text(TOO_DEEP, encoding="utf-8")
    result = aspo("build", "accounts/acme.yaml")
    assert result.status == 0 and "unchanged  output/acme/" in result.out, result.err


def test_an_output_that_is_a_named_pipe_is_rebuilt_never_waited_on(built_workspace, aspo, tmp_path_factory):
    pipe = tmp_path_factory.mktemp("pipe") / "pipe"
    os.mkfifo(pipe)
    deck = built_workspace / "output" / "acme" / "acme-deck.pptx"
    deck.unlink()
    os.link(pipe, deck)  # the same pipe under a second name, which outlives the build's swap of the folder
    built = threading.Event()
    connected: list[bool] = []

    def writer() -> None:  # connects when the pipe is opened to be read, and lets that read end at once
        with open(pipe, "wb"):
            connected.append(built.is_set())

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        result = aspo("build", "accounts/acme.yaml")
    finally:
        built.set()
        release = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # the writer's open returns now, whatever happened
        thread.join()
        os.close(release)
    assert connected == [True], "the build opened the pipe to read it"
    assert result.status == 0 and "built      output/acme/" in result.out, result.err
    assert deck.is_file() and not deck.is_symlink() and deck.stat().st_size > 0
