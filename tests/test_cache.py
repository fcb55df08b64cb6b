"""The build cache: warm builds write nothing, edits rewrite exactly their dependants, and the cache only saves time."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conceptsite.build import pipeline

from conceptsite.render import search
from conceptsite.render.theme import BUNDLED


def _project(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha\ntags: [maths]\nrelated: [beta]", "Alpha links to [[gamma]].")
    p.concept("beta", "title: Beta\ntags: [maths]", "Beta body.")
    p.concept("gamma", "title: Gamma\ntags: [code]", "Gamma body.")
    p.concept("delta", "title: Aardvark\ntags: [loner]", "Delta body, on its own.")
    return p


def _build(p, **options) -> pipeline.Result:
    return pipeline.build(pipeline.Options(content=p.content, out=p.out, **options))


def _snapshot(out: Path) -> dict:
    """Output path -> (mtime_ns, bytes), to see which files a build touched."""
    return {f.relative_to(out).as_posix(): (f.stat().st_mtime_ns, f.read_bytes())
            for f in sorted(out.rglob("*")) if f.is_file()}


def _contents(out: Path) -> dict:
    """Output path -> bytes, to compare two output folders."""
    return {path: data for path, (_, data) in _snapshot(out).items()}


def _touched(before: dict, after: dict) -> set:
    return {path for path in after if before.get(path) != after[path]} | (set(before) - set(after))


def test_warm_build_writes_nothing(scratch_project):
    p = _project(scratch_project)
    _build(p)
    before = _snapshot(p.out)
    result = _build(p)
    assert result.stats.files == 0
    assert _snapshot(p.out) == before
    assert result.site is None  # the no-change fast path: nothing was even gathered


def test_editing_one_concept_rewrites_exactly_its_dependants(scratch_project):
    p = _project(scratch_project)
    _build(p)
    before = _snapshot(p.out)
    p.concept("gamma", "title: Gamma renamed\ntags: [code]", "Gamma body.")
    _build(p)
    after = _snapshot(p.out)
    changed = {path for path in after if before[path][1] != after[path][1]}
    # alpha shows gamma's title in its wikilink; delta is connected to nothing
    assert {"concepts/gamma/index.html", "concepts/alpha/index.html", "concepts/index.html"} <= changed
    assert "concepts/delta/index.html" not in changed
    assert _touched(before, after) == changed  # rewritten: exactly the files whose bytes changed
    assert _contents(p.out) == _contents(_fresh(p))


def test_body_edit_leaves_unrelated_pages_alone(scratch_project, whole_builds):
    p = _project(scratch_project)
    _build(p)
    before = _snapshot(p.out)
    p.concept("delta", "title: Aardvark\ntags: [loner]", "Delta body, edited.")
    result = _build(p)
    touched = _touched(before, _snapshot(p.out))
    assert "concepts/delta/index.html" in touched
    assert not touched & {"concepts/alpha/index.html", "concepts/beta/index.html", "concepts/gamma/index.html"}
    assert "concepts/beta/index.html" in result.site.kept


def test_editing_a_template_rerenders(scratch_project):
    p = _project(scratch_project)
    templates = p.root / "templates"
    templates.mkdir()
    for source in (BUNDLED / "templates").rglob("*"):
        if source.is_file():
            dest = templates / source.relative_to(BUNDLED / "templates")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(source.read_bytes())
    _build(p)
    concept = templates / "concept.html"
    concept.write_text(concept.read_text().replace("{% block main %}", "{% block main %}<!-- edited -->", 1))
    _build(p)
    assert "<!-- edited -->" in p.read("concepts/alpha/index.html")
    assert _contents(p.out) == _contents(_fresh(p))


def test_generator_or_config_change_invalidates(scratch_project, monkeypatch):
    p = _project(scratch_project)
    _build(p)
    p.write("site.yml", "title: Another Title\n")
    result = _build(p)
    assert "concepts/alpha/index.html" in result.site.files
    assert "Another Title" in p.read("concepts/alpha/index.html")
    monkeypatch.setattr(pipeline, "generator_version", lambda: "a-newer-conceptsite")
    result = _build(p)
    assert not result.site.kept and "concepts/beta/index.html" in result.site.files


def test_corrupt_cache_files_are_ignored(scratch_project):
    p = _project(scratch_project)
    _build(p)
    cache = p.root / ".cache"
    for f in cache.rglob("*"):
        if f.is_file():  # cache files, and the compiled templates in a folder of their own
            f.write_bytes(b"\x80\x05 not a pickle")
    result = _build(p)
    assert result.site.files and _contents(p.out) == _contents(_fresh(p))


def test_output_changed_by_hand_is_rewritten(scratch_project):
    p = _project(scratch_project)
    _build(p)
    page = p.out / "concepts/beta/index.html"
    page.write_text("tampered")
    (p.out / "concepts/delta/index.html").unlink()
    _build(p)
    assert _contents(p.out) == _contents(_fresh(p))


def test_removed_page_is_removed_from_output(scratch_project):
    p = _project(scratch_project)
    _build(p)
    (p.content / "concepts/delta.md").unlink()
    _build(p)
    assert not (p.out / "concepts/delta").exists()
    assert _contents(p.out) == _contents(_fresh(p))


def test_failed_build_leaves_output_and_cache_untouched(scratch_project):
    p = _project(scratch_project)
    _build(p)
    before = _snapshot(p.out)
    p.concept("beta", "title: Beta\nrelated: nowhere", "Beta body.")  # relations must be a list: an error
    try:
        _build(p)
    except pipeline.BuildFailed:
        pass
    else:
        raise AssertionError("the build should have failed")
    assert _snapshot(p.out) == before


def test_no_cache_output_is_identical_and_leaves_no_cache(scratch_project, tmp_path):
    p = _project(scratch_project)
    _build(p, cache=tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere").is_dir() and not (p.root / ".cache").exists()
    _build(p, cache=tmp_path / "elsewhere")
    plain = _fresh(p)
    assert _contents(p.out) == _contents(plain)
    assert not (p.root / ".cache").exists()


def _fresh(p) -> Path:
    """The same site built from scratch without the cache, for comparison (byte contents only)."""
    out = p.root / "fresh"
    pipeline.build(pipeline.Options(content=p.content, out=out, use_cache=False))
    return out


def _spy(monkeypatch):
    """Record which page views are made and whether the graph is built, during the next build."""
    from conceptsite.render import pages as render
    monkeypatch.delenv("CONCEPTSITE_CHECK_STAMPS")  # it makes every view, to check the stamps
    made, built = [], []
    real_view, real_graph = render.page_view, pipeline.build_graph
    monkeypatch.setattr(render, "page_view", lambda page, *a: made.append(page.url) or real_view(page, *a))
    monkeypatch.setattr(pipeline, "build_graph", lambda *a: built.append(True) or real_graph(*a))
    return made, built


def test_a_body_edit_makes_one_view_reuses_the_graph_and_keeps_the_listings(scratch_project, monkeypatch, whole_builds):
    p = _project(scratch_project)
    p.concept("beta", "title: Beta\ntags: [maths]\nsummary: About beta.", "Beta body.")
    _build(p)
    # the summary is set, so adding a sentence changes no card (an unset one comes from the body's first sentence)
    p.concept("beta", "title: Beta\ntags: [maths]\nsummary: About beta.", "Beta body. And a second sentence.")
    made, built = _spy(monkeypatch)
    ranked = []
    real_init = search.SearchTerms.__init__
    monkeypatch.setattr(search.SearchTerms, "__init__", lambda self, *a: ranked.append(1) or real_init(self, *a))
    result = _build(p)
    assert made == ["concepts/beta/"] and not built
    assert not ranked  # the cached search terms were updated for beta alone, not ranked afresh
    assert set(result.site.files) == {"concepts/beta/index.html", "feed.xml", "search.json"}
    assert "concepts/index.html" in result.site.kept and "tags/maths/index.html" in result.site.kept
    assert _contents(p.out) == _contents(_fresh(p))


def test_a_body_edit_that_adds_a_link_rebuilds_the_graph(scratch_project, monkeypatch):
    p = _project(scratch_project)
    _build(p)
    p.concept("delta", "title: Aardvark\ntags: [loner]", "Delta now points at [[beta]].")
    made, built = _spy(monkeypatch)
    _build(p)
    assert built == [True] and "concepts/beta/" in made  # beta gains a backlink from Aardvark
    assert "Aardvark" in p.read("concepts/beta/index.html")
    assert _contents(p.out) == _contents(_fresh(p))


def test_a_new_day_makes_no_view_and_rewrites_no_page(scratch_project, monkeypatch):
    p = _project(scratch_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    _build(p)
    before = _snapshot(p.out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1750000000 + 86400))
    made, built = _spy(monkeypatch)
    result = _build(p)
    assert made == [] and not built  # only the year reaches pages and listings
    assert "concepts/alpha/index.html" in result.site.kept and "tags/maths/index.html" in result.site.kept
    assert _touched(before, _snapshot(p.out)) == set()
    assert _contents(p.out) == _contents(_fresh(p))


def test_the_store_journals_small_changes_and_compacts_big_ones(tmp_path):
    from conceptsite.store import JOURNAL_MIN, Store

    store = Store(tmp_path, "v1")
    entries = {f"page-{i}": i for i in range(2000)}
    store.save_entries("things", entries, set(entries), set())  # everything is new: one whole save
    whole = (tmp_path / "things.pickle").stat().st_mtime_ns
    assert not (tmp_path / "things-journal.pickle").exists()
    entries["page-1"], entries["page-new"] = "edited", "new"
    del entries["page-2"]
    store.save_entries("things", entries, {"page-1", "page-new"}, {"page-2"})
    assert (tmp_path / "things.pickle").stat().st_mtime_ns == whole  # only the journal was written
    assert store.load_entries("things") == entries
    store.save_entries("things", {**entries, "page-new": "gone again"}, set(), {"page-new"})
    del entries["page-new"]
    assert store.load_entries("things") == entries  # a journaled entry removed later stays removed
    many = {f"page-{i}" for i in range(3, 3 + max(JOURNAL_MIN, len(entries) // 20) + 1)}
    entries.update({key: "bulk" for key in many})
    store.save_entries("things", entries, many, set())
    assert not (tmp_path / "things-journal.pickle").exists()  # compacted into a whole save
    assert Store(tmp_path, "v1").load_entries("things") == entries
    assert Store(tmp_path, "v2").load_entries("things") == {}  # another generator ignores both files


def test_a_body_edit_journals_the_page_and_body_caches(scratch_project):
    p = _project(scratch_project)
    _build(p)
    cache = p.root / ".cache"
    whole = {name: (cache / name).stat().st_mtime_ns for name in ("pages.pickle", "bodies.pickle")}
    p.concept("beta", "title: Beta\ntags: [maths]", "Beta body, edited.")
    _build(p)
    assert {name: (cache / name).stat().st_mtime_ns for name in whole} == whole
    assert (cache / "pages-journal.pickle").exists() and (cache / "bodies-journal.pickle").exists()
    p.concept("beta", "title: Beta\ntags: [maths]", "Beta body, edited twice.")
    _build(p)
    assert _contents(p.out) == _contents(_fresh(p))


def test_a_field_edit_makes_only_the_views_that_show_the_page(scratch_project, monkeypatch, whole_builds):
    p = _project(scratch_project)
    p.concept("epsilon", "title: Zeta\ntags: [alone]", "Zeta, linked to nothing and last in A-Z order.")
    p.concept("beta", "title: Beta\ntags: [maths]\nsummary: An old summary.\ndefinition: Old.", "Beta body.")
    _build(p)
    p.concept("beta", "title: Beta\ntags: [maths]\nsummary: A new summary.\ndefinition: New.", "Beta body.")
    made, built = _spy(monkeypatch)
    result = _build(p)
    # beta's card shows in alpha (related), and beta and its map neighbours show it; epsilon shows nothing of it.
    # The graph never reads summaries or definitions, so it is reused; the listings show them, so they are made again.
    assert not built and {"concepts/beta/", "concepts/alpha/"} <= set(made)
    assert "concepts/index.html" in result.site.files and "concepts/index.html" not in result.site.kept
    assert "concepts/epsilon/" not in made
    assert "A new summary." in p.read("concepts/alpha/index.html")
    assert _contents(p.out) == _contents(_fresh(p))


PAGES = ("alpha", "beta", "gamma", "delta", "epsilon", "notes")  # notes is a writeup: a view without a map
FIELD_EDITS = st.tuples(
    st.sampled_from(PAGES),
    st.sampled_from(["title", "summary", "tags", "related", "prerequisites", "date", "body", "remove"]),
    st.sampled_from([*PAGES, "Gamma", "zeta"]),
)


def _page_text(slug: str, fields: dict) -> tuple[str, str]:
    """(path under content/, file text) of one generated page."""
    front = "\n".join(f"{k}: {v}" for k, v in fields.items() if k != "body")
    folder = "writeups" if slug == "notes" else "concepts"
    return f"{folder}/{slug}.md", f"---\n{front}\n---\n{fields['body']}\n"


def _edited(slug: str, key: str, other: str, fields: dict) -> str:
    """The new value of one field: pointing at another page where it names one."""
    target = other.lower() if other.lower() in fields and other.lower() != slug else ""
    link = f"/writeups/{target}/" if target == "notes" else f"/concepts/{target}/"
    return {"title": f"{other.title()} {slug}", "summary": f"Now about {other}.", "tags": f"[{other.lower()}]",
            "related": f"[{target}]" if target and target != "notes" else "[]",
            "prerequisites": f"[{target}]" if target and target != "notes" else "[]",
            "date": f"2025-0{len(other) % 9 + 1}-11",
            "body": f"{slug} now links to [{other}]({link})." if target else f"{slug} stands alone."}[key]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(FIELD_EDITS, min_size=1, max_size=4))
def test_any_run_of_field_edits_builds_what_a_fresh_build_does(tmp_path_factory, edits):
    """Every incremental build here also makes each view whose stamp is unchanged and checks it is
    (CONCEPTSITE_CHECK_STAMPS, set by conftest), so a read missing from views.view_inputs fails."""
    from conftest import Project

    p = Project(tmp_path_factory.mktemp("edits"))
    pages = {slug: {"title": slug.title(), "tags": "[maths]", "summary": f"About {slug}.", "related": "[]",
                    "prerequisites": "[]", "date": "2025-05-11",
                    "body": f"{slug} links to [notes](/writeups/notes/)." if slug != "notes" else "Notes on [[alpha]]."}
             for slug in PAGES}
    for slug, fields in pages.items():
        p.write(*_page_text(slug, fields))
    _build(p)
    for slug, key, other in edits:
        if slug not in pages:
            continue
        if key == "remove":
            (p.content / _page_text(slug, pages.pop(slug))[0]).unlink()
        else:
            pages[slug][key] = _edited(slug, key, other, pages)
            p.write(*_page_text(slug, pages[slug]))
        try:
            _build(p)
        except pipeline.BuildFailed:  # a link to a removed page, a cycle of prerequisites: output left as it was
            continue
        assert _contents(p.out) == _contents(_fresh(p))
