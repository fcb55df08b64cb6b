from conceptsite.build import pipeline
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
