"""serve_sync: comparing sites whose pages are held, served from the output folder, or spooled by a whole build."""
from __future__ import annotations

import os

from conceptsite.build.output import MARKER
from conceptsite.serve.sync import Spool, Spooled, apply, plan, read_tree, settle

PAGE = b'<link rel="stylesheet" href="../assets/style.css?v=%s"><p>%s</p>'


def test_a_whole_build_spools_its_pages_and_writes_only_the_changed_ones(tmp_path):
    root = tmp_path / "out"
    first = {"a/index.html": PAGE % (b"1", b"a"), "b/index.html": PAGE % (b"1", b"b"), "gone.txt": b"x",
             "c/index.html": PAGE % (b"1", b"c")}
    apply(root, first, plan({}, first, root))
    assert (root / MARKER).is_file()
    spool = Spool(root)
    after = {"a/index.html": spool.put("a/index.html", PAGE % (b"1", b"a")),  # same bytes: left alone
             "b/index.html": spool.put("b/index.html", PAGE % (b"1", b"B")),  # edited
             "c/index.html": spool.put("c/index.html", PAGE % (b"2", b"c")),  # only its stylesheet stamp
             "new.json": b"{}"}
    assert [p.name for p in spool.folder.iterdir() if p.name != MARKER] == [f"spool-{os.getpid()}"]  # one file
    kept = (root / "a/index.html").stat().st_mtime_ns
    for before in (read_tree(root), first):  # a folder found on disk, or the files of the last build
        delta = plan(before, after, root)
        assert delta.written == ("b/index.html", "c/index.html", "new.json")
        assert delta.removed == ("gone.txt",) and delta.restyled == ("c/index.html",)
    apply(root, after, delta)
    spool.discard()
    assert (root / "b/index.html").read_bytes() == PAGE % (b"1", b"B") and not spool.folder.exists()
    assert (root / "a/index.html").stat().st_mtime_ns == kept
    assert (root / "new.json").read_bytes() == b"{}" and not (root / "gone.txt").exists()
    # The next build (a patch) compares spooled pages by digest; the old page's bytes come from root.
    patched = {**after, "c/index.html": PAGE % (b"3", b"c")}
    delta = plan(after, patched, root)
    assert delta.written == delta.restyled == ("c/index.html",)
    assert plan(after, {**after, "a/index.html": PAGE % (b"1", b"a")}, root).written == ()


def test_spooled_pages_compare_by_digest_not_size(tmp_path):
    same_size = [Spooled(4, "", 0, b"x" * 16), Spooled(4, "", 0, b"y" * 16)]
    assert plan({"p": same_size[0]}, {"p": same_size[1]}, tmp_path).written == ("p",)
    assert plan({"p": same_size[0]}, {"p": Spooled(4, "elsewhere", 9, b"x" * 16)}, tmp_path).written == ()


def test_a_settled_site_holds_digests_and_still_compares_and_restyles(tmp_path):
    root = tmp_path / "out"
    first = {"a/index.html": PAGE % (b"1", b"a"), "data.json": b'{"big": 1}'}
    apply(root, first, plan({}, first, root))
    held = settle(first)
    assert not any(isinstance(value, bytes) for value in held.values())
    assert held["data.json"].size == len(b'{"big": 1}')
    same = {"a/index.html": PAGE % (b"1", b"a"), "data.json": b'{"big": 2}'}
    assert plan(held, same, root).written == ("data.json",)
    restyled = {**held, "a/index.html": PAGE % (b"2", b"a")}  # the old page is read back from root
    assert plan(held, restyled, root).restyled == ("a/index.html",)


def test_a_kept_output_the_last_build_did_not_list_is_written_from_the_folder(tmp_path):
    root = tmp_path / "out"
    apply(root, {"a/index.html": b"kept"}, plan({}, {"a/index.html": b"kept"}, root))
    after = {"a/index.html": root / "a/index.html"}  # what serve_cache takes for an output kept but not in `before`
    delta = plan({}, after, root)
    apply(root, after, delta)
    assert delta.written == ("a/index.html",) and (root / "a/index.html").read_bytes() == b"kept"
