from conceptsite import pipeline


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
