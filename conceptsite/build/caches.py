"""The build cache's parts that one build uses: parsed pages, rendered bodies and the graph."""
from __future__ import annotations

from dataclasses import dataclass

from conceptsite.graph.graph_cache import GraphCache
from conceptsite.markdown.body_cache import BodyCache
from conceptsite.source.page_cache import PageCache
from conceptsite.store import Store


@dataclass(frozen=True)
class Caches:
    """The parts of the build cache one build uses (each None when the cache is off)."""

    store: Store
    pages: PageCache | None
    bodies: BodyCache | None
    graph: GraphCache | None

    @classmethod
    def open(cls, store: Store) -> Caches:
        """Load the page and body caches (the graph is loaded only when its key matches)."""
        if store.folder is None:
            return cls(store, None, None, None)
        return cls(store, PageCache(store), BodyCache(store), GraphCache(store))

    def save(self, sources, pages: list, graph_key: str | None, graph, problems: tuple = ()) -> None:
        """Keep what a good build made: entries of files still there, and a graph built now (its key and
        warnings given)."""
        if self.pages is None:
            return
        self.pages.save({str(s.path) for s in sources.pages})
        self.bodies.save({p.url for p in pages})
        if graph_key is not None:
            self.graph.save(graph_key, graph, problems)
