"""The concept map and neighbourhood maps: deterministic layouts, every concept present, every node a link."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conceptsite.render import maps as graphmap

from conceptsite.graph import map_layout as layout

from conceptsite.build import pipeline
from conceptsite.render import neighbourhood as nbh
from conceptsite.render.neighbourhood import neighbourhood

ROOT = Path(__file__).resolve().parent.parent


class SvgScan(HTMLParser):
    """Nodes (links with a title) and any style attribute inside the map SVG."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.titles, self.styles, self.in_svg, self._title = [], [], 0, 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.styles += "style" in attrs
        if tag == "svg" and "concept-map" in attrs.get("class", ""):
            self.in_svg += 1
        if self.in_svg and tag == "a":
            self.links.append(attrs.get("href"))
        self._title = self.in_svg and tag == "title"

    def handle_endtag(self, tag):
        self.in_svg -= tag == "svg" and self.in_svg > 0
        self._title = False

    def handle_data(self, data):
        if self._title:
            self.titles.append(data)


def build(project):
    return pipeline.gather(pipeline.Options(content=project.content))


def small_site(p):
    p.concept("a", "title: Alpha\ntags: [x]\nrelated: [b]\nprerequisites: [c]")
    p.concept("b", "title: Beta\ntags: [y]\ncontrasts: [a]", "See [[c]].")
    p.concept("c", "title: Gamma <C>\ntags: [x]\nexamples: [d]")
    p.concept("d", "title: Delta\npart_of: [c]")
    p.concept("lonely", "title: Lonely")


def scan(html: str) -> SvgScan:
    found = SvgScan()
    found.feed(html)
    return found


def test_same_content_gives_the_same_svg_bytes(scratch_project):
    small_site(scratch_project)
    first, second = build(scratch_project), build(scratch_project)
    for rel in ("concepts/map/index.html", "concepts/a/index.html", "concepts.json"):
        assert first.files[rel] == second.files[rel], rel


def test_map_has_every_concept_as_a_titled_link_and_edges_by_kind(scratch_project):
    small_site(scratch_project)
    html = build(scratch_project).files["concepts/map/index.html"].decode()
    found = scan(html)
    assert sorted(found.links) == ["../a/", "../b/", "../c/", "../d/", "../lonely/"]
    assert sorted(found.titles) == ["Alpha", "Beta", "Delta", "Gamma <C>", "Lonely"]
    assert found.styles == 0 and "<script>" not in html
    for kind in ("related", "prerequisites", "contrasts", "examples", "part_of", "link"):
        assert f'class="edge edge-{kind}"' in html, kind
    assert re.search(r'<a href="\.\./a/" class="node g0">', html)  # x is the commonest first tag
    assert 'class="node g10"' in html  # no tag: the shared last colour


def test_concepts_index_links_to_the_map(scratch_project):
    small_site(scratch_project)
    assert 'href="map/"' in build(scratch_project).files["concepts/index.html"].decode()


def test_neighbourhood_shows_one_and_two_hops_with_the_page_marked(scratch_project):
    small_site(scratch_project)
    site = build(scratch_project)
    html = site.files["concepts/d/index.html"].decode()
    part = html[html.index('<section class="neighbourhood"'):]
    found = scan(part[:part.index("</section>")])
    assert set(found.links) == {"./", "../c/", "../a/", "../b/"}  # d - c (one hop), c - a, c - b (two hops)
    assert 'class="node g10 current" aria-current="page"' in part
    assert "concepts/lonely/index.html" in site.files
    assert 'class="neighbourhood"' not in site.files["concepts/lonely/index.html"].decode()


def _drawn_the_general_way(graph, url: str) -> str:
    drawn = neighbourhood(graph, url)
    title = f"Neighbourhood of {graph.pages[url].title}"
    return graphmap.svg(drawn, url, title, labels=True, current=url, centred=True) if drawn else ""


def test_neighbourhood_svg_is_the_general_drawing_of_the_neighbourhood(scratch_project):
    """The quick per-page path gives the bytes svg(neighbourhood(...)) gives, on every concept: nested
    slugs (links that are not shared by a folder), titles to escape, hubs, every edge kind, no edges."""
    p = scratch_project
    small_site(p)
    p.concept("hub", "title: Hub & <Spoke> \"quoted\" 'single'\ntags: [x, y]\nrelated: [a, b, c, d]")
    for i in range(30):
        p.concept(f"n{i}", f"title: A rather long concept title number {i}\ntags: [{'xyz'[i % 3]}]",
                  f"[[hub]] [[n{(i + 1) % 30}]] [[n{(i * 7) % 30}]]")
    p.concept("hub/inner", "title: Inner\nrelated: [hub]\npart_of: [hub]", "[[n3]]")
    p.concept("deep/er/leaf", "title: Leaf\nexamples: [hub/inner]", "[[a]] [[hub]]")
    p.concept("nest", "title: Nest\nrelated: [d]")  # its map links 'inner/'; d's and Alpha's '../nest/inner/'
    p.concept("nest/inner", "title: Nest inner\nrelated: [nest, d, a]")
    graph = build(p).graph
    for site_graph in (graph, pipeline.gather(pipeline.Options(content=ROOT / "content")).graph):
        for url in site_graph.concepts:
            assert nbh.neighbourhood_svg(site_graph, url) == _drawn_the_general_way(site_graph, url), url
    assert nbh.neighbourhood_svg(graph, "concepts/hub/inner/").count("<a href=") > 3
    assert '<a href="inner/"' in nbh.neighbourhood_svg(graph, "concepts/nest/")
    assert '<a href="../nest/inner/"' in nbh.neighbourhood_svg(graph, "concepts/d/")


def test_neighbourhood_is_capped_for_hubs(scratch_project):
    p = scratch_project
    p.concept("hub", "title: Hub")
    for i in range(40):
        p.concept(f"n{i}", f"title: N{i}", "[[hub]]")
    drawn = neighbourhood(build(p).graph, "concepts/hub/")
    assert len(drawn.nodes) == 1 + 10


def test_concepts_json_is_the_export(scratch_project):
    small_site(scratch_project)
    data = json.loads(build(scratch_project).files["concepts.json"])
    assert data["version"] == 1 and [c["url"] for c in data["concepts"]] == [
        "concepts/a/", "concepts/b/", "concepts/d/", "concepts/c/", "concepts/lonely/"]
    alpha = data["concepts"][0]
    assert alpha["title"] == "Alpha" and alpha["tags"] == ["x"] and alpha["definition"] == ""
    assert alpha["edges"] == {"related": ["concepts/b/"], "prerequisites": ["concepts/c/"]}
    assert alpha["read_first"] == ["concepts/c/"]
    beta = data["concepts"][1]
    assert beta["edges"] == {"contrasts": ["concepts/a/"], "link": ["concepts/c/"]}


def test_example_site_uses_every_relation_kind_and_exports_them():
    site = pipeline.gather(pipeline.Options(content=ROOT / "content"))
    kinds = {e.kind for e in site.graph.edges}
    assert {"related", "prerequisites", "contrasts", "examples", "part_of", "link"} <= kinds
    data = json.loads(site.files["concepts.json"])
    assert len(data["concepts"]) == len(site.graph.concepts)
    assert all(c["definition"] and c["summary"] for c in data["concepts"])


def test_large_graphs_use_the_linear_cluster_layout():
    """10,000 nodes, deterministically, no two nodes on the same spot (its speed: benchmarks/graph_scale.py)."""
    groups = [i % 13 for i in range(10_000)]
    degrees = [(i * 7) % 11 for i in range(10_000)]
    points = layout.cluster_layout(groups, degrees)
    assert points == layout.cluster_layout(groups, degrees)
    assert len({(round(x, 1), round(y, 1)) for x, y in points}) == 10_000


def test_force_layout_is_deterministic_and_separates_nodes():
    links = [(i, (i * 3 + 1) % 60) for i in range(60)]
    first = layout.force_layout(60, links)
    assert first == layout.force_layout(60, links)
    closest = min(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
                  for i, (ax, ay) in enumerate(first) for (bx, by) in first[i + 1:])
    assert closest > 10


def test_map_numbers_have_one_decimal_at_most_and_no_negative_zero():
    assert [graphmap._n(v) for v in (0.0, -0.0, -0.04, 1.0, 2.5, -3.25, 120.04)] == ["0", "0", "0", "1", "2.5", "-3.2", "120"]


def test_map_memos_are_bounded():
    for memo in (graphmap._n, graphmap._titles):
        assert memo.cache_info().maxsize is not None
    for value in range(10):
        assert graphmap._n(float(value)) == str(value)
    assert graphmap._n.cache_info().currsize <= graphmap._n.cache_info().maxsize


def test_map_titles_are_escaped_and_labels_shortened():
    title, label = graphmap._titles("Adam & <RMSProp>: a very long concept title")
    assert title == "Adam &amp; &lt;RMSProp&gt;: a very long concept title"
    assert label == "Adam &amp; &lt;RMSProp&gt;: a ver…"
