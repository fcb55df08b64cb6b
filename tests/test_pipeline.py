from conceptsite.build import pipeline
from conceptsite.render.theme import BUNDLED


def test_stages_run_in_order_and_all_are_timed(scratch_project):
    scratch_project.concept("alpha")
    result = pipeline.build(pipeline.Options(content=scratch_project.content, out=scratch_project.out))
    assert list(result.timings) == list(pipeline.STAGES)


def test_gather_writes_nothing(scratch_project):
    scratch_project.concept("alpha")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    assert "concepts/alpha/index.html" in site.files
    assert not scratch_project.out.exists()


def test_theme_beside_content_wins_over_bundled(scratch_project):
    scratch_project.concept("alpha")
    templates = scratch_project.root / "templates"
    templates.mkdir()
    for name in ("concept.html", "article.html", "concepts.html", "section.html", "tags.html", "tag.html",
                 "home.html", "404.html", "redirect.html", "feed.xml", "sitemap.xml", "robots.txt"):
        (templates / name).write_text(f"custom {name}")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    assert site.files["concepts/alpha/index.html"] == b"custom concept.html"


def test_reused_template_environment_sees_template_edits(scratch_project):
    """The Jinja environment is kept between builds in one process; an edited template must still win."""
    import os
    import shutil

    scratch_project.concept("alpha")
    shutil.copytree(BUNDLED / "templates", scratch_project.root / "templates")
    options = pipeline.Options(content=scratch_project.content)
    assert b"Edited marker" not in pipeline.gather(options).files["concepts/alpha/index.html"]
    concept = scratch_project.root / "templates" / "concept.html"
    concept.write_text(concept.read_text().replace("{% block main %}", "{% block main %}Edited marker"))
    later = concept.stat().st_mtime_ns + 2_000_000_000  # an mtime the loader cannot mistake for the old one
    os.utime(concept, ns=(later, later))
    assert b"Edited marker" in pipeline.gather(options).files["concepts/alpha/index.html"]


def test_a_vault_of_loose_notes_without_site_yml_builds(tmp_path):
    vault = tmp_path / "Field Notes"
    (vault / "optim").mkdir(parents=True)
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").write_text("{}")
    (vault / "Learning Rate.md").write_text("---\ntitle: Learning Rate\ndate: 2025-01-02\n---\nHow far a step goes.\n")
    (vault / "optim" / "index.md").write_text("---\ntitle: Optimisers\ndate: 2025-01-03\n---\nSee [[Adam]].\n")
    (vault / "optim" / "Adam.md").write_text("---\ntitle: Adam\ndate: 2025-01-04\n---\nIt scales the [[Learning Rate]].\n")
    out = tmp_path / "out"
    result = pipeline.build(pipeline.Options(content=vault, out=out))
    assert result.pages == 3 and not result.warnings
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Field Notes", "out"]  # no cache beside the vault
    page = (out / "concepts" / "optim" / "adam" / "index.html").read_text()
    assert "Field Notes" in page and 'href="../../learning-rate/"' in page
    assert (out / "concepts" / "optim" / "index.html").is_file() and not (out / ".obsidian").exists()
