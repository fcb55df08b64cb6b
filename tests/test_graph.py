import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed
from conceptsite.render.views import tag_url


def gather(project, strict=False):
    return pipeline.gather(pipeline.Options(content=project.content, strict=strict))


def test_edges_backlinks_tags_and_order(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha\ntags: [x, y]\nrelated: [beta]\nprerequisites: [gamma]", "See [[gamma]].")
    p.concept("beta", "title: Beta\ntags: [x]")
    p.concept("gamma", "title: Gamma\ntags: [y]", "Links to [alpha](/concepts/alpha/).")
    graph = gather(p).graph
    assert graph.targets("concepts/alpha/", "related") == ("concepts/beta/",)
    assert graph.targets("concepts/alpha/", "prerequisites") == ("concepts/gamma/",)
    assert graph.targets("concepts/alpha/", "link") == ("concepts/gamma/",)
    assert graph.backlinks["concepts/gamma/"] == ("concepts/alpha/",)
    assert graph.backlinks["concepts/alpha/"] == ("concepts/gamma/",)
    assert graph.tags == {"x": ("concepts/alpha/", "concepts/beta/"), "y": ("concepts/alpha/", "concepts/gamma/")}
    assert graph.concepts == ("concepts/alpha/", "concepts/beta/", "concepts/gamma/")
    assert graph.neighbours("concepts/beta/") == ("concepts/alpha/", "concepts/gamma/")


def test_related_cycles_are_fine(scratch_project):
    scratch_project.concept("a", "related: [b]")
    scratch_project.concept("b", "related: [a]")
    graph = gather(scratch_project).graph
    assert graph.backlinks["concepts/a/"] == ("concepts/b/",)


def test_suggestions_are_ranked_and_explained(scratch_project):
    p = scratch_project
    p.concept("hub", "title: Hub\ntags: [t1, t2]")
    p.concept("close", "title: Close\ntags: [t1, t2]", "[[hub]]")
    p.concept("near", "title: Near\ntags: [t1]")
    p.concept("far", "title: Far\ntags: [other]")
    suggestions = gather(p).graph.suggestions["concepts/hub/"]
    assert [s.url for s in suggestions] == ["concepts/close/", "concepts/near/"]
    assert suggestions[0].reason == "shares t1, t2 · linked with this page" and suggestions[0].score == 7
    assert suggestions[1].reason == "shares t1" and suggestions[1].score == 2


def test_wikilinks_resolve_by_title_alias_and_nested_slug(scratch_project):
    p = scratch_project
    p.concept("optimizers/adam", "title: Adam Optimizer\naliases: [adam-old]")
    p.concept("user", body="[[optimizers/adam]] [[adam optimizer]] [[adam-old]] [[Adam Optimizer|label]]")
    site = gather(p)
    assert site.bodies["concepts/user/"].wikilinks == ("concepts/optimizers/adam/",) * 4
    assert "concepts/adam-old/index.html" in site.files


def test_a_parent_tag_holds_every_note_under_it_once(scratch_project):
    p = scratch_project
    p.concept("boxes", "title: Boxes\ntags: [ml/vision/detection, ml/vision]")
    p.concept("conv", "title: Conv\ntags: [ml/vision]")
    p.concept("tokens", "title: Tokens\ntags: [ml/nlp]")
    p.concept("stew", "title: Stew\ntags: [cooking]")
    tags = gather(p).graph.tags
    assert list(tags) == ["cooking", "ml", "ml/nlp", "ml/vision", "ml/vision/detection"]  # no note is tagged ml
    assert tags["ml"] == ("concepts/boxes/", "concepts/conv/", "concepts/tokens/")
    assert tags["ml/vision"] == ("concepts/boxes/", "concepts/conv/")
    assert tags["ml/vision/detection"] == ("concepts/boxes/",)


def test_tag_children_are_each_parents_direct_children(scratch_project):
    p = scratch_project
    p.concept("boxes", "tags: [ml/vision/detection]")
    p.concept("tokens", "tags: [ml/nlp, ml]")
    p.concept("stew", "tags: [cooking]")
    assert gather(p).graph.tag_children == {"ml": ("ml/nlp", "ml/vision"), "ml/vision": ("ml/vision/detection",)}


def test_parent_child_and_dashed_tags_each_have_a_page_of_their_own(scratch_project):
    p = scratch_project
    p.concept("one", "title: One\ntags: [a, a-b]")
    p.concept("two", "title: Two\ntags: [a/b, A/c]")  # A/c sits under the written 'a', not beside it
    graph = gather(p).graph
    assert list(graph.tags) == ["A/c", "a", "a-b", "a/b"]
    assert graph.tags["a"] == ("concepts/one/", "concepts/two/")
    assert graph.tag_children == {"a": ("A/c", "a/b")}
    assert sorted(tag_url(t) for t in graph.tags) == ["tags/a-b/", "tags/a/", "tags/a/b/", "tags/a/c/"]


def test_a_parent_no_note_carries_takes_one_spelling(scratch_project):
    p = scratch_project
    p.concept("one", "tags: [ml/nlp]")
    p.concept("two", "tags: [ML/vision]")
    graph = gather(p).graph
    assert list(graph.tags) == ["ML", "ML/vision", "ml/nlp"]  # one page /tags/ml/, named as A-Z puts first
    assert graph.tag_children == {"ML": ("ML/vision", "ml/nlp")}


def test_a_tag_with_an_empty_part_stays_flat(scratch_project):
    scratch_project.concept("odd", "tags: ['a//b', '/c', 'd/']")
    graph = gather(scratch_project).graph
    assert list(graph.tags) == ["/c", "a//b", "d/"] and graph.tag_children == {}


def test_a_tag_spelled_two_ways_has_one_page_with_a_warning_and_strict_fails(scratch_project):
    scratch_project.concept("one", "tags: [ml/vision]")
    scratch_project.concept("two", "tags: [ML/Vision]")
    site = gather(scratch_project)
    [problem] = [d.message for d in site.warnings]
    assert problem.startswith("tag 'ML/Vision' and tag 'ml/vision' (in ") and "one page, /tags/ml/vision/;" in problem
    assert site.graph.tags == {"ML": ("concepts/one/", "concepts/two/"), "ML/Vision": ("concepts/one/", "concepts/two/")}
    assert site.graph.tag_of("ml/vision") == "ML/Vision" and site.graph.tag_of("ML") == "ML"
    with pytest.raises(BuildFailed):
        gather(scratch_project, strict=True)
