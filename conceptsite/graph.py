"""The concept graph: typed edges, backlinks, tags, neighbours and suggestions, computed once."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import Report
from .links import Index
from .markup import Body
from .parse import RELATION_KEYS, Page

EDGE_KINDS = (*RELATION_KEYS, "link")
MAX_SUGGESTIONS = 3
FEW_RELATED = 3
TAG_CANDIDATE_LIMIT = 200  # tags bigger than this say little about closeness and cost O(n^2)


@dataclass(frozen=True)
class Edge:
    """A directed edge between two pages, by URL."""

    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Suggestion:
    """A concept worth reading next, with a deterministic score and the reason for it."""

    url: str
    score: int
    reason: str


@dataclass(frozen=True)
class Graph:
    """Everything the site knows about how pages connect."""

    pages: dict  # url -> Page, in source order
    edges: tuple[Edge, ...]
    outgoing: dict  # url -> {kind: (url, ...)}
    backlinks: dict  # url -> (url, ...) sorted by title
    tags: dict  # tag -> (url, ...) sorted by title
    suggestions: dict  # url -> (Suggestion, ...)
    concepts: tuple[str, ...]  # concept urls A-Z by title

    def neighbours(self, url: str) -> tuple[str | None, str | None]:
        """The previous and next concept in A-Z order."""
        order = self.concepts
        i = self._position().get(url)
        if i is None:
            return None, None
        return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)

    def _position(self) -> dict:
        cached = self.__dict__.get("_positions")
        if cached is None:
            cached = {url: i for i, url in enumerate(self.concepts)}
            object.__setattr__(self, "_positions", cached)
        return cached

    def targets(self, url: str, kind: str) -> tuple[str, ...]:
        """URLs this page points to with edges of one kind."""
        return self.outgoing.get(url, {}).get(kind, ())


def build_graph(pages: list[Page], bodies: dict[str, Body], index: Index, report: Report) -> Graph:
    """Resolve relations, add body links, and derive backlinks, tags and suggestions."""
    by_url = {p.url: p for p in pages}
    edges = _relation_edges(pages, index, report) + _body_edges(pages, bodies, by_url)
    outgoing: dict = defaultdict(lambda: defaultdict(list))
    for edge in edges:
        outgoing[edge.source][edge.kind].append(edge.target)
    frozen_out = {u: {k: tuple(v) for k, v in kinds.items()} for u, kinds in outgoing.items()}
    title = lambda url: (by_url[url].title.casefold(), url)  # noqa: E731 - a sort key
    return Graph(
        pages=by_url,
        edges=tuple(edges),
        outgoing=frozen_out,
        backlinks=_backlinks(edges, title),
        tags=_tags(pages, title),
        suggestions=_suggestions(pages, frozen_out, by_url),
        concepts=tuple(sorted((p.url for p in pages if p.kind == "concept"), key=title)),
    )


def _relation_edges(pages: list[Page], index: Index, report: Report) -> list[Edge]:
    edges = []
    for page in pages:
        for kind in RELATION_KEYS:
            seen = set()
            for ref in page.relations[kind]:
                target = index.find(ref.target)
                if target is None:
                    report.error(page.source.shown, ref.line, ref.col,
                                 f"unknown concept '{ref.target}' in {kind}{index.hint(ref.target)}")
                elif target.url != page.url and target.url not in seen:
                    seen.add(target.url)
                    edges.append(Edge(page.url, target.url, kind))
    return edges


def _body_edges(pages: list[Page], bodies: dict[str, Body], by_url: dict) -> list[Edge]:
    edges = []
    for page in pages:
        body = bodies[page.url]
        targets = list(body.wikilinks) + [_page_url(link) for link in body.links]
        for target in dict.fromkeys(targets):
            if target in by_url and target != page.url:
                edges.append(Edge(page.url, target, "link"))
    return edges


def _page_url(link: str) -> str:
    path = link.partition("#")[0]
    return path[1:] if path.startswith("/") else ""


def _backlinks(edges: list[Edge], key) -> dict:
    sources = defaultdict(set)
    for edge in edges:
        sources[edge.target].add(edge.source)
    return {url: tuple(sorted(found, key=key)) for url, found in sources.items()}


def _tags(pages: list[Page], key) -> dict:
    tagged = defaultdict(list)
    for page in pages:
        for tag in dict.fromkeys(page.tags):
            tagged[tag].append(page.url)
    return {tag: tuple(sorted(urls, key=key)) for tag, urls in sorted(tagged.items())}


def _suggestions(pages: list[Page], outgoing: dict, by_url: dict) -> dict:
    concepts = [p for p in pages if p.kind == "concept"]
    linked = defaultdict(set)
    for source, kinds in outgoing.items():
        for targets in kinds.values():
            for target in targets:
                linked[source].add(target)
                linked[target].add(source)
    tag_members = defaultdict(list)
    for page in concepts:
        for tag in page.tags:
            tag_members[tag].append(page.url)
    out = {}
    for page in concepts:
        declared = set(outgoing.get(page.url, {}).get("related", ()))
        if len(declared) < FEW_RELATED:
            out[page.url] = _rank(page, declared, linked, tag_members, by_url)
    return out


def _rank(page: Page, declared: set, linked: dict, tag_members: dict, by_url: dict) -> tuple:
    candidates = set(linked[page.url])
    for tag in page.tags:
        if len(tag_members[tag]) <= TAG_CANDIDATE_LIMIT:
            candidates.update(tag_members[tag])
    scored = []
    for url in candidates - declared - {page.url}:
        other = by_url[url]
        if other.kind != "concept":
            continue
        shared = [t for t in page.tags if t in other.tags]
        link = url in linked[page.url]
        score = 2 * len(shared) + (3 if link else 0)
        parts = [f"shares {', '.join(shared)}"] if shared else []
        parts += ["linked with this page"] if link else []
        scored.append(Suggestion(url, score, " · ".join(parts)))
    scored.sort(key=lambda s: (-s.score, by_url[s.url].title.casefold(), s.url))
    return tuple(scored[:MAX_SUGGESTIONS])
