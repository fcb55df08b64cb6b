"""serve_cache: the preview folder's manifest, so a whole rebuild keeps what the folder already holds."""
from __future__ import annotations

from conceptsite.build import pipeline
from conceptsite.serve.state import PreviewCache
from conceptsite.serve.sync import SourceReader, Spool, Spooled, apply, plan, read_tree, site_files


def _whole_build(options, before: dict) -> tuple[pipeline.Site, dict]:
    """One whole build as the server makes it: gather, write what changed, remember."""
    cache, spool = PreviewCache(options, options.out), Spool(options.out)
    try:
        site = cache.gather(options, before, spool)
        after = site_files(site.files, site.copies, SourceReader())
        delta = plan(before, after, options.out)
        cache.writing()
        apply(options.out, after, delta)
        cache.remember(site)
    finally:
        spool.discard()
    return site, delta


def test_a_new_server_keeps_what_the_folder_holds_and_can_still_patch(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha\nsummary: First.\ntags: [maths]", "Alpha body.")
    p.concept("beta", "title: Beta\nsummary: Second.\nrelated: [alpha]", "Beta body.")
    options = pipeline.Options(content=p.content, out=p.root / "preview", lane_record=False)
    first, delta = _whole_build(options, {})
    assert "concepts/alpha/index.html" in delta.written and not first.kept
    before = read_tree(options.out)
    again, delta = _whole_build(options, before)  # as a restarted server would, over the same folder
    assert delta.written == () and delta.removed == ()
    assert again.files["concepts/alpha/index.html"] is before["concepts/alpha/index.html"]  # kept, not rendered
    assert again.files["concepts/index.html"] is before["concepts/index.html"]
    # the kept listings' contexts and the search terms come back, so card and prose edits can be patched in
    assert again.contexts is not None and again.contexts.holding("concepts/alpha/")
    assert again.search is not None and again.search.to_json() == (options.out / "search.json").read_bytes()


def test_without_a_cache_every_build_is_whole(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha\nsummary: First.", "Alpha body.")
    options = pipeline.Options(content=p.content, out=p.root / "preview", use_cache=False, lane_record=False)
    _whole_build(options, {})
    again, delta = _whole_build(options, read_tree(options.out))
    assert isinstance(again.files["concepts/alpha/index.html"], Spooled)  # rendered again: nothing was kept
    assert delta.written == ()  # the same bytes, so nothing is written
