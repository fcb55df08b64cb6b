import json

from conceptsite.build import pipeline


def test_index_lists_pages_and_distinctive_body_terms(scratch_project):
    scratch_project.concept("alpha", "title: Alpha\nsummary: First.\ntags: [t]", "Saturation saturation everywhere.")
    scratch_project.concept("beta", "title: Beta", "Momentum helps.")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    index = json.loads(site.files["search.json"])
    assert index["pages"][0] == {"t": "Alpha", "u": "concepts/alpha/", "s": "First.", "g": ["t"], "k": "concept"}
    assert index["terms"]["saturation"] == [0] and index["terms"]["momentum"] == [1]


def test_new_fields_reuse_the_ranking_and_equal_a_fresh_index(scratch_project, monkeypatch):
    from conceptsite.render.search import SearchTerms

    p = scratch_project
    p.concept("alpha", "title: Alpha\nsummary: First.", "Saturation saturation everywhere, and momentum.")
    p.concept("beta", "title: Beta", "Momentum helps.")
    first = pipeline.gather(pipeline.Options(content=p.content, use_cache=False))
    first_terms = SearchTerms.of(first.graph.pages, first.bodies)  # the terms of that build's search.json
    assert first_terms.to_json() == first.files["search.json"]
    p.concept("alpha", "title: Alpha renamed\nsummary: Now second.\ntags: [new]", "Saturation saturation everywhere, and momentum.")
    p.concept("beta", "title: Beta", "Momentum helps, and saturation too.")
    again = pipeline.gather(pipeline.Options(content=p.content, use_cache=False))
    ranked = []
    real_init = SearchTerms.__init__
    monkeypatch.setattr(SearchTerms, "__init__", lambda self, *a: ranked.append(1) or real_init(self, *a))
    updated = SearchTerms.of(again.graph.pages, again.bodies, first_terms)
    assert not ranked  # the old ranking, with the new rows and beta's new words
    assert updated.to_json() == again.files["search.json"]
    assert json.loads(updated.to_json())["pages"][0]["t"] == "Alpha renamed"
    assert json.loads(first_terms.to_json())["pages"][0]["t"] == "Alpha"  # the previous terms are left as they were
