"""The engine's edits (classify, then rerender): the same output and the same state as a whole build."""
from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conceptsite.build import pipeline

from conceptsite.incremental import record as records
from conceptsite.incremental.classify import Change
from conceptsite.incremental.keys import generator_version
from conceptsite.incremental.manifest import Manifest
from conceptsite.incremental.state import State
from conceptsite.render.pages import Renderer
from conceptsite.store import Store
from conceptsite.render.theme import BUNDLED

ALPHA = """\
Alpha links to [[gamma]] and to [beta](/concepts/beta/).

## Shape

Gradient zebra words here, and more words about alpha things.
"""


def _project(p):
    p.concept("alpha", "title: Alpha\nsummary: First.\ntags: [maths]\nrelated: [beta]", ALPHA, date="2025-05-01")
    p.concept("beta", "title: Beta\nsummary: Second.\ntags: [maths]", "Beta body with zebra stripes.", date="2025-05-02")
    p.concept("gamma", "title: Gamma\nsummary: Third.\ntags: [code]", "Gamma body about [[beta]].", date="2025-05-03")
    p.write("writeups/notes.md", "---\ntitle: Notes\ndate: 2025-06-01\nsummary: Some notes.\n---\nNotes on [[alpha]].\n")
    return p


@pytest.fixture
def project(scratch_project):
    _project(scratch_project)
    _build(scratch_project)
    return scratch_project


def _build(p, **options) -> pipeline.Result:
    return pipeline.build(pipeline.Options(content=p.content, out=p.out, **options))


def _edit(p, rel: str, old: str, new: str) -> None:
    path = p.content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _contents(out: Path) -> dict:
    return {f.relative_to(out).as_posix(): f.read_bytes() for f in sorted(out.rglob("*")) if f.is_file()}


def _from_scratch(p) -> dict:
    out = p.root / "scratch"
    shutil.rmtree(out, ignore_errors=True)
    pipeline.build(pipeline.Options(content=p.content, out=out, use_cache=False))
    return _contents(out)


def _state(p) -> dict:
    """Everything the next build starts from, as plain values (file stats left out of the manifest)."""
    store = Store(p.root / ".cache", generator_version())
    state = State(store, p.out)
    manifest = Manifest(state)
    stamps = state.load("stamps")
    shelf = state.view_pack()
    record = _unpickled(state.load("record")["record"])
    return {
        "outputs": _contents(p.out),
        "manifest": {path: entry[0] for path, entry in manifest.entries.items()},
        "stamps": stamps,
        "views": {path: shelf.get(key) for path, (_, key) in stamps.items()},
        "pages": store.load_entries("pages"),
        "bodies": store.load_entries("bodies"),
        "search": state.load("search")["terms"].to_json(),
        "search is the record's": state.load("search")["id"] == record.search,  # ids are made anew by each save
        "record": replace(record, search=""),
        "cards": state.load("cards"),
        "contexts": state.load("contexts"),
    }


def _unpickled(record: records.Record) -> records.Record:
    """A record with its pages as objects: equal pages may pickle to different bytes (shared strings)."""
    return replace(record, pages={url: records.Known.unpacked(known) for url, known in record.pages.items()},
                   shown_by=pickle.loads(record.shown_by))


def _both_ways(p, monkeypatch, edit) -> tuple[pipeline.Result, dict, dict]:
    """Make an edit and build it as edits; then, from the same starting point, as a whole build."""
    saved = p.root / "saved"
    for name in (".cache", "site"):
        shutil.copytree(p.root / name, saved / name, copy_function=shutil.copy2)  # copy2 keeps mtimes
    edit()
    fast = _build(p)
    fast_state = _state(p)
    for name in (".cache", "site"):
        shutil.rmtree(p.root / name)
        shutil.copytree(saved / name, p.root / name, copy_function=shutil.copy2)
    shutil.rmtree(saved)
    with monkeypatch.context() as m:
        m.setattr(pipeline, "classify", lambda *args: Change(None, None))
        usual = _build(p)
    assert usual.kind == "whole"
    return fast, fast_state, _state(p)


def test_a_prose_edit_is_rerendered_and_leaves_what_a_whole_build_leaves(project, monkeypatch):
    before = _contents(project.out)
    fast, fast_state, usual_state = _both_ways(
        project, monkeypatch, lambda: _edit(project, "concepts/alpha.md", "more words", "quokka words"))
    assert fast.kind == "prose"
    assert fast_state == usual_state
    assert fast_state["outputs"] == _from_scratch(project)
    touched = {path for path, data in fast_state["outputs"].items() if before[path] != data}
    assert touched == {"concepts/alpha/index.html", "feed.xml", "search.json"}
    assert b"quokka" in fast_state["outputs"]["search.json"]


CARD_EDITS = {
    "a summary": [("concepts/alpha.md", "summary: First.", "summary: The first, now longer.")],
    # (a field on a line of its own moves the lines below, which the graph's positions hold: see "a summary on a new line")
    "a definition for a summary": [("concepts/beta.md", "summary: Second.", "definition: A beta thing.")],
    "a read time for a summary": [("concepts/gamma.md", "summary: Third.", "read_time: 9")],
    "a writeup's summary": [("writeups/notes.md", "summary: Some notes.", "summary: Notes, summed up.")],
    "a summary and prose": [("concepts/beta.md", "summary: Second.", "summary: Beta, again."),
                            ("concepts/beta.md", "zebra stripes", "quokka stripes")],
    "two pages": [("concepts/alpha.md", "summary: First.", "summary: Alpha first."),
                  ("concepts/gamma.md", "summary: Third.", "summary: Gamma third.")],
}


@pytest.mark.parametrize("case", sorted(CARD_EDITS))
def test_a_card_edit_is_rerendered_and_leaves_what_a_whole_build_leaves(project, monkeypatch, case):
    before = _contents(project.out)
    fast, fast_state, usual_state = _both_ways(
        project, monkeypatch, lambda: [_edit(project, *change) for change in CARD_EDITS[case]])
    assert fast.kind == "fields"
    assert fast_state == usual_state
    assert fast_state["outputs"] == _from_scratch(project)
    touched = {path for path, data in fast_state["outputs"].items() if before[path] != data}
    assert {"feed.xml", "search.json"} <= touched


def test_a_summary_edit_rewrites_the_pages_and_listings_that_show_it(project):
    before = _contents(project.out)
    _edit(project, "concepts/alpha.md", "summary: First.", "summary: Alpha, summed up anew.")
    assert _build(project).kind == "fields"
    after = _contents(project.out)
    touched = {path for path, data in after.items() if before[path] != data}
    # alpha's own page and beta (alpha relates to it, so it lists alpha among its backlinks) show alpha's card;
    # notes links to alpha but shows no card of it. The A-Z index, alpha's tag, the home page and the data files list it.
    assert {"concepts/alpha/index.html", "concepts/beta/index.html", "concepts/index.html", "tags/maths/index.html",
            "index.html", "graph.json", "concepts.json", "feed.xml", "search.json"} <= touched
    assert not touched & {"writeups/notes/index.html", "tags/code/index.html", "concepts/map/index.html"}
    assert after == _from_scratch(project)


def test_edits_in_a_row_then_a_field_edit_stay_right(project):
    for n, words in enumerate(("one", "two", "three")):
        _edit(project, "concepts/beta.md", "zebra", f"zebra {words}")
        assert _build(project).kind == "prose", n
        assert _contents(project.out) == _from_scratch(project)
    _edit(project, "concepts/beta.md", "title: Beta", "title: Beta Renamed")
    assert _build(project).kind == "whole"
    assert _contents(project.out) == _from_scratch(project)
    _edit(project, "concepts/gamma.md", "Gamma body", "The gamma body")
    assert _build(project).kind == "prose"
    assert _contents(project.out) == _from_scratch(project)


def test_two_pages_edited_at_once(project):
    _edit(project, "concepts/alpha.md", "more words", "other words")
    _edit(project, "writeups/notes.md", "Notes on", "Thoughts on")
    result = _build(project)
    assert result.kind == "prose" and result.pages == 4
    assert _contents(project.out) == _from_scratch(project)


EDITS_THAT_NEED_A_WHOLE_BUILD = {
    "tags": ("concepts/alpha.md", "tags: [maths]", "tags: [maths, code]"),
    "a summary on a new line": ("concepts/alpha.md", "summary: First.", "summary: >-\n  The first."),
    "a new wikilink": ("concepts/alpha.md", "more words", "more words on [[beta]]"),
    "a new link": ("concepts/alpha.md", "more words", "more [words](/concepts/gamma/)"),
    "a new heading": ("concepts/alpha.md", "Gradient zebra", "## Another\n\nGradient zebra"),
    "a broken wikilink": ("concepts/alpha.md", "[[gamma]]", "[[gamma]] [[nowhere at all]]"),
    "a title from the body": ("concepts/alpha.md", "title: Alpha\n", ""),
}


@pytest.mark.parametrize("case", sorted(EDITS_THAT_NEED_A_WHOLE_BUILD))
def test_anything_but_prose_goes_the_usual_way(project, case):
    _edit(project, *EDITS_THAT_NEED_A_WHOLE_BUILD[case])
    try:
        result = _build(project)
    except pipeline.BuildFailed:
        assert case == "a broken wikilink"
        return
    assert result.kind == "whole"
    assert _contents(project.out) == _from_scratch(project)


def test_added_files_templates_and_options_go_the_usual_way(project, tmp_path):
    _edit(project, "concepts/alpha.md", "more words", "other words")
    project.concept("delta", "title: Delta")
    assert _build(project).kind == "whole"
    _edit(project, "concepts/alpha.md", "other words", "more words")
    assert _build(project, drafts=True).kind == "whole"
    templates = tmp_path / "templates"
    shutil.copytree(BUNDLED / "templates", templates)
    _build(project, templates=templates)
    _edit(project, "concepts/alpha.md", "more words", "other words")
    (templates / "concept.html").write_text((templates / "concept.html").read_text() + "\n<!-- edited -->\n")
    assert _build(project, templates=templates).kind == "whole"


def test_a_page_with_a_warning_or_a_strict_build_goes_the_usual_way(project):
    _edit(project, "concepts/beta.md", "title: Beta", "title: Beta\nrelated: [nowhere]")  # a dangling entry warns
    assert _build(project).kind == "whole"
    _edit(project, "concepts/beta.md", "zebra", "zebra again")
    assert _build(project).kind == "whole"  # beta had a warning last time
    _edit(project, "concepts/alpha.md", "more words", "other words")
    result = _build(project)
    assert result.kind == "prose" and len(result.warnings) == 1  # alpha had none; beta's warning is shown again
    _edit(project, "concepts/alpha.md", "other words", "more words")
    with pytest.raises(pipeline.BuildFailed):
        _build(project, strict=True)


def test_unknown_keys_are_kept_quietly_and_only_strict_fails_on_them(project):
    _edit(project, "concepts/beta.md", "title: Beta", "title: Beta\ncolour: red")  # another tool's key
    result = _build(project)
    assert result.kind == "whole" and result.warnings == ()
    _edit(project, "concepts/beta.md", "zebra", "zebra again")
    assert _build(project).kind == "prose"  # the same key, in the same place: the edit path
    _edit(project, "concepts/beta.md", "colour: red", "colour: red\nmood: calm")
    assert _build(project).kind == "whole"  # a new key: the record must learn it, for --strict
    with pytest.raises(pipeline.BuildFailed) as failed:
        _build(project, strict=True)
    assert [(d.severity, d.message) for d in failed.value.diagnostics] == [
        ("note", "unknown front-matter key 'colour'"), ("note", "unknown front-matter key 'mood'")]


def test_strict_in_site_yml_fails_every_build_as_strict_does(project):
    _edit(project, "concepts/beta.md", "title: Beta", "title: Beta\ncolour: red")
    _build(project)
    site_yml = project.content / "site.yml"
    site_yml.write_text("title: Strict\nstrict: true\n")
    with pytest.raises(pipeline.BuildFailed):
        _build(project)
    _edit(project, "concepts/beta.md", "colour: red\n", "")
    assert _build(project).warnings == ()
    _edit(project, "concepts/beta.md", "zebra", "[[nowhere]] zebra")
    with pytest.raises(pipeline.BuildFailed):
        _build(project)  # the edit path is strict too


def test_a_lost_view_pack_or_record_means_a_whole_build(project):
    cache = project.root / ".cache"
    for pack in cache.glob("*-shelf-*.pack"):
        pack.write_bytes(b"damaged")
    _edit(project, "concepts/alpha.md", "more words", "other words")
    assert _build(project).kind == "whole"
    for record in cache.glob("*-record.pickle"):
        record.unlink()
    _edit(project, "concepts/alpha.md", "other words", "more words")
    assert _build(project).kind == "whole"
    _edit(project, "concepts/alpha.md", "more words", "third words")
    assert _build(project).kind == "prose"
    assert _contents(project.out) == _from_scratch(project)


def test_an_output_changed_by_hand_is_put_right(project):
    (project.out / "concepts" / "beta" / "index.html").write_text("changed by hand")
    _edit(project, "concepts/alpha.md", "more words", "other words")
    _build(project)
    assert _contents(project.out) == _from_scratch(project)


def test_the_cli_says_what_kind_of_edit_it_built(project, run_cli):
    _edit(project, "concepts/alpha.md", "more words", "other words")
    done = run_cli("build", "--content", project.content, "--out", project.out)
    assert done.code == 0 and "prose edit" in done.out


def test_another_folder_built_with_other_options_does_not_mislead_the_engine(project):
    other = project.root / "with-drafts"
    project.concept("draft", "title: Draft\ndraft: true", "A draft page about zebra.")
    pipeline.build(pipeline.Options(content=project.content, out=other, drafts=True))  # the cache's search terms now hold the draft
    _build(project)
    _edit(project, "concepts/alpha.md", "more words", "other words")
    pipeline.build(pipeline.Options(content=project.content, out=other, drafts=True))
    assert _build(project).kind == "whole"  # the shared search terms are the other folder's
    assert _contents(project.out) == _from_scratch(project)
    _edit(project, "concepts/alpha.md", "other words", "more words")
    assert _build(project).kind == "prose"
    assert b"concepts/draft/" not in (project.out / "search.json").read_bytes()


def test_a_card_edit_restamps_the_pages_whose_maps_alone_draw_it(scratch_project, monkeypatch):
    animals = ["ant", "bee", "cat", "dog", "eel"]  # a chain of related concepts, one tag each
    for i, name in enumerate(animals):
        related = f"\nrelated: [{animals[i + 1]}]" if i + 1 < len(animals) else ""
        scratch_project.concept(name, f"title: {name.title()}\nsummary: About {name}.\ntags: [t{i}]{related}",
                                f"The {name} page.", date=f"2025-05-0{i + 1}")
    _build(scratch_project)
    before, stamps = _contents(scratch_project.out), _state(scratch_project)["stamps"]
    fast, fast_state, usual_state = _both_ways(
        scratch_project, monkeypatch, lambda: _edit(scratch_project, "concepts/ant.md", "About ant.", "All about ants."))
    assert fast.kind == "fields" and fast_state == usual_state
    # cat's map draws ant, two steps away, but shows no card of it: a new stamp, the same page
    assert fast_state["stamps"]["concepts/cat/index.html"][0] != stamps["concepts/cat/index.html"][0]
    assert fast_state["outputs"]["concepts/cat/index.html"] == before["concepts/cat/index.html"]
    assert fast_state["outputs"] == _from_scratch(scratch_project)


def test_a_definition_edit_renders_no_listing(project, monkeypatch):
    _edit(project, "concepts/alpha.md", "summary: First.", "summary: First.\ndefinition: An old one.")
    _build(project)
    rendered = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, template, *a, **k: rendered.append(template) or real(
        self, template, *a, **k))
    _edit(project, "concepts/alpha.md", "An old one.", "A new one.")
    assert _build(project).kind == "fields"
    assert sorted(rendered) == ["concept.html", "feed.xml"]  # alpha's own page, and the feed
    assert _contents(project.out) == _from_scratch(project)


def test_new_and_vanished_words_re_rank_other_pages_as_a_whole_build_would(project):
    """Moved here from the deleted server lane's tests: the engine's prose edits keep search.json exact."""
    for words in ("zebra zebra zebra", "quokka quokka", ""):  # raise a shared word, add a rare one, drop both
        _edit(project, "concepts/alpha.md", "Gradient zebra words here", f"Gradient {words} words here")
        assert _build(project).kind == "prose"
        assert _contents(project.out)["search.json"] == _from_scratch(project)["search.json"]
        _edit(project, "concepts/alpha.md", f"Gradient {words} words here", "Gradient zebra words here")
        assert _build(project).kind == "prose"
