"""`concepts.json`: every concept with its definition, summary, tags and typed edges, for previews and other tools."""
from __future__ import annotations

import json

from .graph import EDGE_KINDS, Graph


def concepts_json(graph: Graph) -> bytes:
    """The export, concepts A-Z; URLs are site-relative ('concepts/relu/') so the site can live under any path."""
    concepts = []
    for url in graph.concepts:
        page = graph.pages[url]
        edges = {kind: list(graph.targets(url, kind)) for kind in EDGE_KINDS if graph.targets(url, kind)}
        concepts.append({
            "url": url, "title": page.title, "definition": page.definition, "summary": page.summary,
            "tags": list(page.tags), "aliases": [f"concepts/{ref.target}/" for ref in page.aliases],
            "edges": edges, "read_first": list(graph.learning_path(url)),
        })
    data = {"version": 1, "edge_kinds": list(EDGE_KINDS), "concepts": concepts}
    # Compact separators: at 10,000 concepts every byte is fetched on a reader's first hover.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
