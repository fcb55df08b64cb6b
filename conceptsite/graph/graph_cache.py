"""The last good build's graph, kept between builds."""
from __future__ import annotations

from conceptsite.graph.model import with_pages
from conceptsite.store import Store


class GraphCache:
    """The last good build's graph, reused while every page's fields and links are the same.

    Saved without its pages (the page cache holds those); the key sits in a file of its own so a
    build whose key differs never pays for loading the graph."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key: str, pages: dict):
        """(the saved graph with these pages, the warnings its making gave), or None when it was built
        from other inputs."""
        known = self.store.load("graph-key")
        if known.get("key") != key:
            return None
        saved = self.store.load("graph").get("graph")
        if saved is None or saved.__class__.__name__ != "Graph":
            return None
        return with_pages(saved, pages), known.get("problems", ())

    def save(self, key: str, graph, problems: tuple = ()) -> None:
        """Remember a freshly built graph under the key of its inputs, with what rendering derived from it
        and the warnings its making gave (a build that reuses it shows them again)."""
        self.store.save("graph", {"graph": with_pages(graph, {})})
        self.store.save("graph-key", {"key": key, "problems": problems})

