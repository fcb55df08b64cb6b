"""The watch server's fast lane: prose edits patched into the last site equal a whole build, byte for byte."""
from __future__ import annotations

import pytest

from conceptsite.build import pipeline
from conceptsite.serve.patching import patch

ALPHA = """\
Alpha links to [[gamma]] and to [beta](/concepts/beta/).

## Shape

Gradient zebra words here, and more words about alpha things.

```python
print("alpha")
```
"""


def _project(p):
    p.concept("alpha", "title: Alpha\nsummary: First.\ntags: [maths]\nrelated: [beta]", ALPHA, date="2025-05-01")
    p.concept("beta", "title: Beta\nsummary: Second.\ntags: [maths]", "Beta body with zebra stripes, zebra crossings.", date="2025-05-02")
    p.concept("gamma", "title: Gamma\nsummary: Third.\ntags: [code]", "Gamma body about gradients and crossings.", date="2025-05-03")
    p.write("writeups/notes.md", "---\ntitle: Notes\ndate: 2025-06-01\nsummary: Some notes.\n---\nNotes on [[alpha]].\n")
    p.write("about.md", "---\ntitle: About\n---\nAbout this site.\n")
    return p


def _gather(p) -> pipeline.Site:
    return pipeline.gather(pipeline.Options(content=p.content, use_cache=False))


def _edit(p, rel: str, old: str, new: str) -> str:
    path = p.content / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return str(path)


@pytest.fixture
def project(scratch_project):
    return _project(scratch_project)


def test_a_prose_edit_gives_the_same_bytes_as_a_whole_build(project):
    site = _gather(project)
    changed = _edit(project, "concepts/alpha.md", "more words about alpha", "crossings, stripes and new words about alpha")
    patched = patch(site, {changed})
    assert patched is not None
    whole = _gather(project)
    assert patched.files == whole.files
    touched = {path for path in whole.files if site.files[path] != whole.files[path]}
    assert touched == {"concepts/alpha/index.html", "feed.xml", "search.json"}
    assert b"crossings, stripes" in patched.files["concepts/alpha/index.html"]


def test_new_and_vanished_words_re_rank_other_pages_as_a_whole_build_would(project):
    site = _gather(project)
    for words in ("zebra zebra zebra", "quokka quokka", ""):  # raise a shared word, add a rare one, drop both
        changed = _edit(project, "concepts/alpha.md", "Gradient zebra words here", f"Gradient {words} words here")
        site = patch(site, {changed})
        assert site is not None
        assert site.files["search.json"] == _gather(project).files["search.json"]
        _edit(project, "concepts/alpha.md", f"Gradient {words} words here", "Gradient zebra words here")


def test_edits_to_several_pages_at_once(project):
    site = _gather(project)
    changed = {_edit(project, "concepts/beta.md", "zebra stripes", "zebra patterns"),
               _edit(project, "writeups/notes.md", "Notes on", "More notes on")}
    patched = patch(site, changed)
    assert patched is not None and patched.files == _gather(project).files


def test_patching_a_patched_site_keeps_matching(project):
    site = _gather(project)
    for n in range(3):
        site = patch(site, {_edit(project, "concepts/gamma.md", "Gamma body", f"Gamma body {n}")})
        assert site is not None
    assert site.files == _gather(project).files


CARD_EDITS = {
    "a summary": [("concepts/alpha.md", "summary: First.", "summary: The very first.")],
    "a definition for a summary": [("concepts/beta.md", "summary: Second.", "definition: A beta thing.")],
    "a read time and prose": [("concepts/gamma.md", "summary: Third.", "read_time: 7"),
                              ("concepts/gamma.md", "Gamma body", "The gamma body")],
    "a writeup's summary": [("writeups/notes.md", "summary: Some notes.", "summary: Notes, summed up.")],
}


@pytest.mark.parametrize("case", sorted(CARD_EDITS))
def test_a_card_edit_gives_the_same_bytes_as_a_whole_build(project, case):
    site = _gather(project)
    changed = {_edit(project, *change) for change in CARD_EDITS[case]}
    patched = patch(site, changed)
    assert patched is not None
    whole = _gather(project)
    assert patched.files == whole.files
    assert patch(patched, {_edit(project, "concepts/beta.md", "zebra stripes", "zebra bands")}).files == _gather(project).files


def test_a_summary_edit_rewrites_what_shows_the_card(project):
    site = _gather(project)
    whole = patch(site, {_edit(project, "concepts/alpha.md", "summary: First.", "summary: Alpha anew.")})
    touched = {path for path in whole.files if site.files[path] != whole.files[path]}
    assert {"concepts/alpha/index.html", "concepts/beta/index.html", "concepts/index.html", "tags/maths/index.html",
            "index.html", "graph.json", "concepts.json", "feed.xml", "search.json"} <= touched
    assert not touched & {"writeups/notes/index.html", "tags/code/index.html", "concepts/map/index.html"}


@pytest.mark.parametrize("rel, old, new", [
    ("concepts/alpha.md", "title: Alpha", "title: Alpha Prime"),  # front-matter the graph reads
    ("concepts/alpha.md", "summary: First.", "summary: >-\n  First."),  # a card field that moves the lines below
    ("concepts/alpha.md", "Alpha links to", "Alpha links to [[beta]] and to"),  # a new wikilink
    ("concepts/alpha.md", "and to [beta](/concepts/beta/)", "and to [gamma](/concepts/gamma/)"),  # a link moved
    ("concepts/alpha.md", "## Shape", "## Form"),  # a heading, so an anchor, changed
    ("concepts/alpha.md", "Alpha links to", "Alpha links to [[nowhere]] and"),  # a body problem
    ("concepts/alpha.md", "title: Alpha", "title: [Alpha"),  # broken front-matter
    ("about.md", "About this site.", "About this website."),  # no summary given: it is the body's first line
])
def test_anything_but_prose_asks_for_a_whole_build(project, rel, old, new):
    site = _gather(project)
    assert patch(site, {_edit(project, rel, old, new)}) is None


def test_new_deleted_and_non_page_files_ask_for_a_whole_build(project):
    site = _gather(project)
    new = project.concept("delta", "title: Delta", "Delta body.")
    assert patch(site, {str(new)}) is None
    gone = project.content / "concepts" / "beta.md"
    gone.unlink()
    assert patch(site, {str(gone)}) is None
    config = project.write("site.yml", "title: Notes\n")
    assert patch(site, {str(config)}) is None
    assert patch(site, set()) is None


def test_a_page_with_a_warning_asks_for_a_whole_build(scratch_project):
    p = _project(scratch_project)
    p.concept("lonely", "title: Lonely\nsummary: Alone.\ncolour: red", "Lonely body.")  # an unknown key warns
    site = _gather(p)
    assert any(d.path.endswith("lonely.md") for d in site.warnings)
    assert patch(site, {_edit(p, "concepts/lonely.md", "Lonely body", "Lonely text")}) is None
    assert patch(site, {_edit(p, "concepts/beta.md", "zebra stripes", "zebra bands")}) is not None


def test_a_site_built_incrementally_cannot_be_patched(project):
    out = project.root / "site"
    pipeline.build(pipeline.Options(content=project.content, out=out))
    changed = _edit(project, "concepts/beta.md", "zebra stripes", "zebra bands")
    site = pipeline.gather(pipeline.Options(content=project.content),
                           manifest=pipeline.Manifest(pipeline.cache_store(pipeline.Options(content=project.content)), out))
    assert site.kept and patch(site, {changed}) is None


def test_a_definition_edit_leaves_the_listings_alone(project):
    _edit(project, "concepts/alpha.md", "summary: First.", "summary: First.\ndefinition: An old one.")
    site = _gather(project)
    patched = patch(site, {_edit(project, "concepts/alpha.md", "An old one.", "A new one.")})
    assert patched is not None and patched.files == _gather(project).files
    assert patched.files["concepts/index.html"] is site.files["concepts/index.html"]  # its cards are as they were
    assert patched.files["concepts/beta/index.html"] is site.files["concepts/beta/index.html"]
    assert b"A new one." in patched.files["concepts/alpha/index.html"]
