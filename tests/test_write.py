"""write: the one writer of output folders, in place and only where bytes changed."""
from __future__ import annotations

from pathlib import Path

from conceptsite.incremental.manifest import Manifest
from conceptsite.incremental.state import State
from conceptsite.incremental.write import MARKER, SITE_WIDE, record_full_write, write_changed
from conceptsite.store import Store

PAGE = b'<link rel="stylesheet" href="/assets/style.css?v=%s"><p>%s</p>'


def _folder(tmp_path, files: dict) -> Manifest:
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("ours")
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    state = State(Store(tmp_path / "cache", "v1"), out)
    record_full_write(Manifest(state), files, {}, {SITE_WIDE: "k"})
    return Manifest(state)  # a manifest describes the folder as it was when made


def test_only_changed_files_are_written_and_gone_ones_removed(tmp_path):
    manifest = _folder(tmp_path, {"a/index.html": PAGE % (b"1", b"a"), "b/index.html": b"b", "c/index.html": b"c"})
    before = (manifest.out / "b/index.html").stat().st_mtime_ns
    stats = write_changed(manifest, {"a/index.html": PAGE % (b"1", b"A"), "b/index.html": b"b"}, set(), {},
                          {SITE_WIDE: "k"})
    assert stats.written == ("a/index.html",) and stats.removed == ("c/index.html",) and stats.restyled == ()
    assert (manifest.out / "b/index.html").stat().st_mtime_ns == before
    assert not (manifest.out / "c").exists()
    assert set(Manifest(State(Store(tmp_path / "cache", "v1"), manifest.out)).entries) == {
        SITE_WIDE, "a/index.html", "b/index.html"}


def test_pages_changed_only_in_a_stylesheet_stamp_are_noticed_when_asked(tmp_path):
    files = {"a/index.html": PAGE % (b"1", b"a"), "b/index.html": PAGE % (b"1", b"b")}
    manifest = _folder(tmp_path, files)
    restamped = {"a/index.html": PAGE % (b"2", b"a"), "b/index.html": PAGE % (b"2", b"B")}
    stats = write_changed(manifest, restamped, set(), {}, {SITE_WIDE: "k"}, notice_styles=True)
    assert stats.written == ("a/index.html", "b/index.html") and stats.restyled == ("a/index.html",)
    assert Path(manifest.out / "a/index.html").read_bytes() == restamped["a/index.html"]
