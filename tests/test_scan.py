"""The scan of what a build reads: nothing to do exactly when nothing a build reads or wrote has moved."""
from __future__ import annotations

import os

import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed
from conceptsite.incremental.scan import scan
from conceptsite.render.theme import BUNDLED


def _project(p):
    p.concept("alpha", "title: Alpha\nrelated: [nowhere]", "Alpha links to [[beta]].")  # a dangling entry: a warning
    p.concept("beta", "title: Beta", "Beta body.")
    return p


def _build(p, **options) -> pipeline.Result:
    return pipeline.build(pipeline.Options(content=p.content, out=p.out, **options))


def _bump(path) -> None:
    """Change a file's mtime without changing its bytes (an editor's save of the same text)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_second_build_is_skipped_and_replays_the_warnings(scratch_project):
    p = _project(scratch_project)
    first = _build(p)
    second = _build(p)
    assert first.site is not None and second.site is None
    assert second.stats.files == 0 and second.pages == first.pages == 2
    assert second.warnings == first.warnings and any("nowhere" in w.message for w in second.warnings)


def test_strict_fails_on_replayed_warnings(scratch_project):
    p = _project(scratch_project)
    _build(p)
    with pytest.raises(BuildFailed):
        _build(p, strict=True)


@pytest.mark.parametrize("change", ["edit", "touch", "add", "remove", "output"])
def test_any_change_to_inputs_or_output_means_a_real_build(scratch_project, change):
    p = _project(scratch_project)
    _build(p)
    page = p.content / "concepts" / "beta.md"
    if change == "edit":
        page.write_text(page.read_text() + "\nMore.\n")
    elif change == "touch":
        _bump(page)
    elif change == "add":
        p.concept("gamma", "title: Gamma")
    elif change == "remove":
        (p.content / "concepts" / "alpha.md").unlink()
    else:
        (p.out / "concepts" / "beta" / "index.html").write_text("changed by hand")
    result = _build(p)
    assert result.kind != "unchanged" and result.stats.files >= (change != "touch")
    assert "changed by hand" not in p.read("concepts/beta/index.html")
    assert result.pages == (3 if change == "add" else 1 if change == "remove" else 2)


def test_a_template_or_option_change_means_a_real_build(scratch_project, tmp_path):
    p = _project(scratch_project)
    templates = tmp_path / "templates"
    import shutil

    shutil.copytree(BUNDLED / "templates", templates)
    _build(p, templates=templates)
    _bump(templates / "concept.html")
    assert _build(p, templates=templates).site is not None
    assert _build(p, templates=templates, drafts=True).site is not None
    assert _build(p, templates=templates, drafts=True).site is None


def test_a_failed_build_leaves_no_record_that_could_skip_the_next(scratch_project):
    p = _project(scratch_project)
    _build(p)
    page = p.content / "concepts" / "beta.md"
    good = page.read_bytes()
    page.write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(BuildFailed):
        _build(p)
    page.write_bytes(good)  # same bytes as before, but a new mtime
    assert _build(p).kind != "unchanged"


def test_a_scan_updated_from_a_watchers_paths_is_a_whole_scan(tmp_path):
    content, theme = tmp_path / "content", tmp_path / "theme"
    (content / "concepts").mkdir(parents=True)
    theme.mkdir()
    for name in ("a", "b"):
        (content / "concepts" / f"{name}.md").write_text(name)
    last = scan(content, (theme,), False)
    edited, added = content / "concepts" / "a.md", content / "concepts" / "c.md"
    edited.write_text("a, longer now")
    added.write_text("c")
    (content / "concepts" / "b.md").unlink()
    changed = {str(edited), str(added), str(content / "concepts" / "b.md")}
    assert scan(content, (theme,), False, last, changed).files == scan(content, (theme,), False).files
    (content / "more").mkdir()  # a folder: who knows what came with it, so a whole scan
    (content / "more" / "d.md").write_text("d")
    assert str(content / "more" / "d.md") in scan(content, (theme,), False, last, {str(content / "more")}).files
    assert str(tmp_path / "elsewhere") not in scan(content, (theme,), False, last, {str(tmp_path / "elsewhere")}).files
