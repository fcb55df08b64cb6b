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


def test_did_you_mean_compares_names_with_their_separators_alike(scratch_project):
    scratch_project.concept("learning-rate", "title: Step Size")
    scratch_project.concept("learningrate", "title: Other")  # nearer to the link as written, were '-' no ' '
    scratch_project.concept("x", body="See [[lerning rate]].")
    assert warnings(scratch_project) == ["4:5: no note named 'lerning rate' (did you mean 'learning-rate'?)"]


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


def _wikilinks(project, url: str) -> list[tuple[str, str]]:
    """(href, text) of each wikilink on the built page at url."""
    import re
    site = pipeline.gather(pipeline.Options(content=project.content))
    assert not [d for d in site.warnings if "no note named" in d.message]
    return re.findall(r'<a class="wikilink" href="([^"]*)">([^<]*)</a>', site.bodies[url].html)


def test_wikilinks_reach_writeups_projects_and_loose_pages(scratch_project):
    p = scratch_project
    p.write("writeups/field-notes.md", "---\ntitle: Field Notes\ndate: 2025-01-02\n---\nText.\n")
    p.write("projects/probe.md", "---\ntitle: Probe\ndate: 2025-01-02\n---\nText.\n")
    p.write("about.md", "---\ntitle: About\n---\nText.\n")
    p.concept("x", body="[[Field Notes]], [[probe]], [[about]] and [[writeups/field-notes]].")
    assert _wikilinks(p, "concepts/x/") == [("../../writeups/field-notes/", "Field Notes"),
                                             ("../../projects/probe/", "probe"), ("../../about/", "about"),
                                             ("../../writeups/field-notes/", "Field Notes")]


def test_a_bare_name_finds_the_note_with_the_shortest_path_and_a_path_picks_one(scratch_project):
    p = scratch_project
    p.concept("deep/er/adam", "title: Adam deep")
    p.concept("optimizers/adam", "title: Adam shallow")
    p.concept("x", body="[[adam]], [[er/adam]], [[deep/er/adam|full]] and [[concepts/optimizers/adam]].")
    assert _wikilinks(p, "concepts/x/") == [("../optimizers/adam/", "adam"), ("../deep/er/adam/", "Adam deep"),
                                             ("../deep/er/adam/", "full"), ("../optimizers/adam/", "Adam shallow")]


def test_names_are_matched_without_case_or_unicode_form_and_show_as_typed(scratch_project):
    p = scratch_project
    p.concept("cafe", "title: Caf\u00e9 Culture")
    p.concept("i18n", "title: Internationalization")
    p.concept("learning-rate", "title: Learning Rate")
    p.concept("x", body="[[CAFE\u0301 culture]], [[i18n]], [[learning-rate]] and [[Learning-Rate.md]].")
    assert _wikilinks(p, "concepts/x/") == [("../cafe/", "CAFE\u0301 culture"), ("../i18n/", "i18n"),
                                             ("../learning-rate/", "Learning Rate"),
                                             ("../learning-rate/", "Learning-Rate.md")]


def test_a_file_name_beats_another_notes_title(scratch_project):
    p = scratch_project
    p.concept("momentum-method", "title: Momentum")
    p.concept("optimizers/momentum", "title: Heavy ball")
    p.concept("x", body="[[momentum]] and [[momentum-method]].")
    assert _wikilinks(p, "concepts/x/") == [("../optimizers/momentum/", "momentum"),
                                             ("../momentum-method/", "Momentum")]


def test_related_may_name_a_writeup(scratch_project):
    p = scratch_project
    p.write("writeups/story.md", "---\ntitle: Story\ndate: 2025-01-02\n---\nText.\n")
    p.concept("x", "related: [Story]")
    site = pipeline.gather(pipeline.Options(content=p.content))
    assert site.graph.outgoing["concepts/x/"]["related"] == ("writeups/story/",) and not site.warnings


def test_a_link_to_a_parent_tag_no_note_carries_resolves(scratch_project):
    scratch_project.concept("alpha", "tags: [ml/vision/detection]", body="[ml](/tags/ml/) and [v](/tags/ml/vision/)")
    assert warnings(scratch_project) == []


def test_files_beside_a_note_are_found_from_its_folder(scratch_project):
    p = scratch_project
    p.write("concepts/optim/diagram.png", "png")
    p.write("concepts/optim/index.md", "---\ntitle: Optim\ndate: 2025-01-01\n---\n![d](diagram.png)\n")
    p.write("concepts/optim/adam.png", "png")
    p.write("concepts/optim/adam.md", "---\ntitle: Adam\ndate: 2025-01-01\n---\n![a](adam.png) [pdf](adam.png#x)"
                                      " [up](../) [missing](nope.png)\n")
    site = pipeline.gather(pipeline.Options(content=p.content))
    assert 'src="diagram.png"' in site.bodies["concepts/optim/"].html  # a page bundle: its page is its folder
    adam = site.bodies["concepts/optim/adam/"].html
    assert 'src="../adam.png"' in adam and 'href="../adam.png#x"' in adam and 'href="../"' in adam
    assert [d.message for d in site.warnings] == [
        "broken link 'nope.png': no page or file at /concepts/optim/nope.png (did you mean 'concepts/optim/adam.png'?)"]
    assert [(d.line, d.col) for d in site.warnings] == [(5, 54)]


def test_a_broken_link_is_placed_where_it_is_written_as_a_link(scratch_project):
    scratch_project.concept("x", body="The path /concepts/gone/ is mentioned first.\n\nThen [a link](/concepts/gone/).\n\n"
                                      "[ref]: /concepts/also-gone/\n\nAnd [r][ref] and <https://example.org/> too.\n"
                                      "Mentioned: /concepts/also-gone/ earlier? No, later.")
    assert [w.split(": broken")[0] for w in warnings(scratch_project)] == ["6:15", "8:8"]


def test_the_same_dangling_link_twice_is_placed_at_each(scratch_project):
    scratch_project.concept("x", body="First [[nowhere]] here.\n\nAnd [[nowhere]] again, and `[[nowhere]]` in code.")
    assert [w.split(": no note")[0] for w in warnings(scratch_project)] == ["4:7", "6:5"]


def test_wikilinks_to_headings_blocks_and_this_page(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha", body="## How It Works\n\nText.\n\n## Pitfalls\n\nMore.\n")
    p.concept("x", body="[[alpha#How It Works]], [[Alpha#Pitfalls|the pitfalls]], [[#Local part]] and "
                        "[[alpha#Nowhere]].\n\n## Local part\n")
    site = pipeline.gather(pipeline.Options(content=p.content))
    import re
    links = re.findall(r'<a class="wikilink" href="([^"]*)">([^<]*)</a>', site.bodies["concepts/x/"].html)
    assert links == [("../alpha/#how-it-works", "alpha &gt; How It Works"), ("../alpha/#pitfalls", "the pitfalls"),
                     ("#local-part", "Local part"), ("../alpha/#nowhere", "alpha &gt; Nowhere")]
    assert [f"{d.line}:{d.col}: {d.message}" for d in site.warnings] == [
        "4:78: broken link '[[alpha#Nowhere]]': /concepts/alpha/ has no heading '#nowhere'"]


def test_markdown_links_to_note_files_lead_to_their_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    vault = tmp_path / "vault"
    (vault / "dir").mkdir(parents=True)
    (vault / "Other Note.md").write_text("# Other Note\n\n## Part\n\nText.\n")
    (vault / "dir" / "deep.md").write_text("See [up](../Other%20Note.md#part), [root](/Other%20Note.md) and "
                                           "[gone](Missing.md).\n")
    (vault / "Start.md").write_text("Read [the other](Other%20Note.md) and [deep](dir/deep.md).\n")
    site = pipeline.gather(pipeline.Options(content=vault))
    assert 'href="../other-note/"' in site.bodies["concepts/start/"].html
    assert 'href="../dir/deep/"' in site.bodies["concepts/start/"].html
    deep = site.bodies["concepts/dir/deep/"].html
    assert 'href="../../other-note/#part"' in deep and 'href="../../other-note/"' in deep
    assert [f"{d.line}:{d.col}: {d.message}" for d in site.warnings] == [
        "1:72: broken link 'Missing.md': no note at dir/Missing.md"]
