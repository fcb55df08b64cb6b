"""Explained suggestions: reasons name shared tags, direct links and shared link targets."""

from conceptsite.build import pipeline
from conceptsite.diagnostics import Report
from conceptsite.graph.model import Edge, _suggestions
from conceptsite.source.page import Page


def gather(project):
    return pipeline.gather(pipeline.Options(content=project.content))


def test_reason_names_the_concepts_both_pages_link_to(scratch_project):
    p = scratch_project
    p.concept("backprop", "title: Backpropagation")
    p.concept("chain", "title: Chain Rule")
    p.concept("rnn", "title: RNN\ntags: [training, seq]", "Uses [[backprop]] and [[chain]].")
    p.concept("lstm", "title: LSTM\ntags: [training, seq]", "Trained with [[backprop]] and the [[chain]].")
    p.concept("gru", "title: GRU\ntags: [seq]", "Also [[backprop]].")
    suggestions = gather(p).graph.suggestions["concepts/rnn/"]
    by_url = {s.url: s for s in suggestions}
    assert by_url["concepts/lstm/"].reason == "shares training, seq · links to Backpropagation, Chain Rule"
    assert by_url["concepts/lstm/"].score == 2 * 2 + 2
    assert [s.url for s in suggestions] == ["concepts/lstm/", "concepts/backprop/", "concepts/chain/"]
    assert by_url["concepts/backprop/"].reason == "linked with this page"
    gru = gather(p).graph.suggestions["concepts/gru/"]
    assert [(s.url, s.reason) for s in gru] == [
        ("concepts/backprop/", "linked with this page"),
        ("concepts/lstm/", "shares seq · links to Backpropagation"),
        ("concepts/rnn/", "shares seq · links to Backpropagation")]


def test_suggestions_are_identical_across_builds(scratch_project):
    p = scratch_project
    for i in range(12):
        p.concept(f"c{i}", f"title: C{i}\ntags: [t{i % 3}, all]", f"See [[c{(i * 5) % 12}]] and [[c{(i + 1) % 12}]].")
    first = gather(p).graph.suggestions
    assert first == gather(p).graph.suggestions
    assert any("links to" in s.reason for found in first.values() for s in found)


def test_suggestions_scale_linearly_with_big_tags_and_hubs(scratch_project):
    """10,000 concepts, one huge tag and one hub everybody links to: must not go quadratic."""
    p = scratch_project
    p.concept("hub", "title: Hub")
    pages = {}
    from conceptsite.source.discover import discover
    from conceptsite.build.pipeline import read_pages
    p.concept("c0", "title: C0\ntags: [big]")
    template = read_pages(discover(p.content), False, Report())
    base = next(x for x in template if x.slug == "c0")
    outgoing = {}
    for i in range(10_000):
        page = _copy(base, f"c{i}", f"C{i}", ("big", f"small{i // 20}"))
        pages[page.url] = page
        outgoing[page.url] = {"link": ("concepts/hub/", f"concepts/c{(i * 7) % 10_000}/")}
    pages["concepts/hub/"] = next(x for x in template if x.slug == "hub")
    backlinks: dict = {}
    for source, kinds in outgoing.items():
        for target in kinds["link"]:
            backlinks[target] = backlinks.get(target, ()) + (source,)
    found = _suggestions(list(pages.values()), outgoing, pages, backlinks)
    assert len(found) == 10_001


def _copy(page: Page, slug: str, title: str, tags: tuple) -> Page:
    from dataclasses import replace
    return replace(page, source=replace(page.source, slug=slug), title=title, tags=tags)


assert Edge  # the graph's public types stay importable
