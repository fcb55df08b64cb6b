import json
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from conceptsite.render.data_files import graph_json, patch_line


def _graph(edges, pages=None):
    pages = pages or {"concepts/a/": SimpleNamespace(title="A \"quoted\" ü", summary="s\\n", tags=("x",), kind="concept")}
    return SimpleNamespace(pages=pages, edges=[SimpleNamespace(source=s, target=t, kind=k) for s, t, k in edges])


def _reference(graph) -> bytes:
    """The file as a plain per-line encode of each item's dict would write it."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    nodes = [encode({"id": u, "url": "/" + u, "title": p.title, "summary": p.summary, "tags": list(p.tags),
                     "kind": p.kind}) for u, p in graph.pages.items()]
    edges = [encode({"source": e.source, "target": e.target, "kind": e.kind}) for e in graph.edges]
    wrap = lambda lines: "\n" + ",\n".join(lines) + "\n" if lines else ""  # noqa: E731
    return ('{"nodes":[' + wrap(nodes) + '],"edges":[' + wrap(edges) + "]}\n").encode("utf-8")


@given(st.lists(st.tuples(st.text(), st.text(), st.sampled_from(["related", "link", "prerequisite"])), max_size=6))
def test_graph_json_edges_are_what_the_encoder_writes(edges):
    graph = _graph(edges)
    assert graph_json(graph) == _reference(graph)
    json.loads(graph_json(graph))


def test_graph_json_without_edges_is_valid():
    graph = _graph([])
    assert graph_json(graph) == _reference(graph)
    assert json.loads(graph_json(graph))["edges"] == []


def test_patch_line_replaces_one_node():
    graph = _graph([("concepts/a/", "concepts/b/", "link")])
    patched = patch_line(graph_json(graph), "id", "concepts/a/", {"title": "New"})
    assert json.loads(patched)["nodes"][0]["title"] == "New"
    assert patch_line(graph_json(graph), "id", "concepts/zz/", {"title": "New"}) is None
