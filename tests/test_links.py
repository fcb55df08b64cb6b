import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed


def problems(project):
    with pytest.raises(BuildFailed) as info:
        pipeline.gather(pipeline.Options(content=project.content))
    return [f"{d.line}:{d.col}: {d.message}" for d in info.value.diagnostics]


def warnings(project, strict: bool = False):
    """The warnings of a build that goes through (dangling links are warnings); with strict, they fail it."""
    if strict:
        return problems_of(pipeline.Options(content=project.content, strict=True))
    site = pipeline.gather(pipeline.Options(content=project.content))
    return [f"{d.line}:{d.col}: {d.message}" for d in site.warnings]


def problems_of(options):
    with pytest.raises(BuildFailed) as info:
        pipeline.gather(options)
    return [f"{d.line}:{d.col}: {d.message}" for d in info.value.diagnostics]


def test_unknown_related_slug_has_position_and_hint(scratch_project):
    scratch_project.concept("alpha")
    scratch_project.concept("x", "related: [beta, alpah]")
    expected = [
        "3:11: no note named 'beta' in related",
        "3:17: no note named 'alpah' in related (did you mean 'alpha'?)",
    ]
    assert warnings(scratch_project) == expected and warnings(scratch_project, strict=True) == expected


def test_unknown_wikilink_is_placed_in_the_file(scratch_project):
    scratch_project.concept("alpha")
    scratch_project.concept("x", body="First line.\n\nSee [[alpah]] here.")
    expected = ["6:5: no note named 'alpah' (did you mean 'alpha'?)"]
    assert warnings(scratch_project) == expected and warnings(scratch_project, strict=True) == expected


def test_broken_markdown_link_and_anchor(scratch_project):
    scratch_project.concept("alpha", body="## Real heading\n")
    scratch_project.concept("x", body="[a](/concepts/alpah/) and [b](/concepts/alpha/#real-headin)")
    expected = [
        "4:5: broken link '/concepts/alpah/': no page or file at /concepts/alpah/ (did you mean 'concepts/alpha/'?)",
        "4:31: broken link '/concepts/alpha/#real-headin': /concepts/alpha/ has no heading '#real-headin' (did you mean 'real-heading'?)",
    ]
    assert warnings(scratch_project) == expected and warnings(scratch_project, strict=True) == expected


def test_relative_links_and_assets_resolve(scratch_project):
    scratch_project.write("images/fig.png", "png")
    scratch_project.concept("alpha", body="## Top\n")
    scratch_project.concept("x", body="[a](../alpha/#top) ![f](/images/fig.png) [s](/tags/) [h](#local)\n\n## Local\n")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    assert site.copies["images/fig.png"].name == "fig.png"


def test_two_sources_for_one_url(scratch_project):
    scratch_project.concept("Alpha")
    scratch_project.concept("alpha")
    found = problems(scratch_project)
    assert len(found) == 1 and "both make the page /concepts/alpha/" in found[0]


def test_unicode_normal_forms_collide(scratch_project):
    scratch_project.concept("caf\u00e9")
    scratch_project.concept("cafe\u0301")
    assert "both make the page" in problems(scratch_project)[0]


def test_a_title_equal_to_another_slug_warns_and_the_slug_wins(scratch_project):
    p = scratch_project
    p.concept("activation", "title: ReLU")  # before relu.md in file order, and titled like its slug
    p.concept("relu", "title: Rectified Linear Unit")
    p.concept("sigmoid", "title: Sigmoid")
    p.concept("logistic", "title: Sigmoid")  # two concepts with one title
    p.concept("x", "title: X", body="See [[relu]] and [[sigmoid]].")
    site = pipeline.gather(pipeline.Options(content=p.content))
    assert site.graph.backlinks.get("concepts/relu/") == ("concepts/x/",)
    warnings = sorted(f"{d.path.split('/')[-1]}: {d.message}" for d in site.warnings)
    shown = lambda slug: pipeline.show_path(p.content / "concepts" / f"{slug}.md")  # noqa: E731
    assert warnings == [
        f"activation.md: the title 'ReLU' is also the slug of '{shown('relu')}', so [[ReLU]] links there; "
        "link this page by its slug [[activation]], or change one of them",
        f"logistic.md: the title 'Sigmoid' is also the slug of '{shown('sigmoid')}', so [[Sigmoid]] links there; "
        "link this page by its slug [[logistic]], or change one of them",
    ]


def test_a_content_asset_where_a_theme_file_goes_is_an_error(scratch_project):
    scratch_project.concept("alpha")
    scratch_project.write("assets/style.css", "body { color: red }")
    found = problems(scratch_project)
    assert len(found) == 1 and found[0].startswith("1:1: this file would be written to /assets/style.css, where the theme's ")
