"""The concept graph: typed edges, backlinks, tags, neighbours and suggestions, computed once."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from conceptsite.diagnostics import NO_NOTE, Report
from conceptsite.graph.links import Index
from conceptsite.markdown.convert import Body
from conceptsite.source.discover import make_slug
from conceptsite.source.page import RELATION_KEYS, Page
from conceptsite.graph.map_layout import concept_neighbours, neighbourhoods
from conceptsite.graph.learning_paths import learning_paths

EDGE_KINDS = (*RELATION_KEYS, "link")
MAX_SUGGESTIONS = 3
FEW_RELATED = 3
TAG_CANDIDATE_LIMIT = 200  # tags bigger than this say little about closeness and cost O(n^2)
HUB_CANDIDATE_LIMIT = 200  # likewise for concepts linked from many pages: they are shared by all of them
NAMED_LINKS = 2  # at most this many shared link targets are named in a reason


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
    tags: dict  # tag -> (url, ...) sorted by title: every note tagged it or a tag below it; parents no note carries too
    suggestions: dict  # url -> (Suggestion, ...)
    concepts: tuple[str, ...]  # concept urls A-Z by title
    paths: dict = field(default_factory=dict)  # url -> prerequisites, transitively, roots first
    positions: dict = field(default_factory=dict)  # (source, target, kind) -> (line, col) of a relation
    nearby: dict = field(default_factory=dict)  # concept url -> (one-hop, two-hop) urls its small map shows
    tag_children: dict = field(default_factory=dict)  # tag -> its direct child tags A-Z ('a' -> 'a/b'), when it has any

    def neighbours(self, url: str) -> tuple[str | None, str | None]:
        """The previous and next concept in A-Z order."""
        order = self.concepts
        i = self._position().get(url)
        if i is None:
            return None, None
        return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)

    def _position(self) -> dict:
        return self.derived("positions", lambda g: {url: i for i, url in enumerate(g.concepts)})

    def derived(self, name: str, make):
        """make(self), worked out once per graph and kept on it (as `_name`, which with_pages and
        the graph cache carry over: it must follow from the pages' fields and the edges alone)."""
        found = self.__dict__.get("_" + name)
        if found is None:
            found = make(self)
            object.__setattr__(self, "_" + name, found)
        return found

    def tag_of(self, name: str) -> str:
        """The tag whose page a tag written so is on: itself, or the spelling its page shows ('ml' -> 'ML')."""
        if name in self.tags:
            return name
        spellings = self.derived("spellings", lambda g: {make_slug(tag): tag for tag in g.tags})
        return spellings[make_slug(name)]

    def targets(self, url: str, kind: str) -> tuple[str, ...]:
        """URLs this page points to with edges of one kind."""
        return self.outgoing.get(url, {}).get(kind, ())

    def learning_path(self, url: str) -> tuple[str, ...]:
        """Every prerequisite of a page, transitively, in reading order (roots first)."""
        return self.paths.get(url, ())


def with_pages(graph: Graph, pages: dict) -> Graph:
    """The graph with some page objects swapped for edited ones whose fields are unchanged (prose edits).

    Everything derived from the graph, including what views cache on it, stays valid and is kept."""
    new = replace(graph, pages=pages)
    new.__dict__.update((k, v) for k, v in graph.__dict__.items() if k.startswith("_"))
    return new


def build_graph(pages: list[Page], bodies: dict[str, Body], index: Index, report: Report) -> Graph:
    """Resolve relations, add body links, and derive backlinks, tags and suggestions."""
    by_url = {p.url: p for p in pages}
    positions: dict = {}
    edges = _relation_edges(pages, index, report, positions) + _body_edges(pages, bodies, by_url)
    outgoing: dict = defaultdict(lambda: defaultdict(list))
    for edge in edges:
        outgoing[edge.source][edge.kind].append(edge.target)
    frozen_out = {u: {k: tuple(v) for k, v in kinds.items()} for u, kinds in outgoing.items()}
    title = {url: (page.title.casefold(), url) for url, page in by_url.items()}.__getitem__  # a sort key, folded once
    concepts = [p.url for p in pages if p.kind == "concept"]
    near = concept_neighbours(concepts, edges)
    backlinks = _backlinks(edges, title)
    tags, tag_children = _tags(pages, title)
    graph = Graph(
        pages=by_url,
        edges=tuple(edges),
        outgoing=frozen_out,
        backlinks=backlinks,
        tags=tags,
        suggestions=_suggestions(pages, frozen_out, by_url, backlinks),
        concepts=tuple(sorted(concepts, key=title)),
        paths=learning_paths(frozen_out, by_url, positions, report),
        positions=positions,
        nearby=neighbourhoods(concepts, near, title),
        tag_children=tag_children,
    )
    graph.derived("map_near", lambda _: near)  # the maps' node sizes read it too (neighbourhood._undirected)
    return graph


def _relation_edges(pages: list[Page], index: Index, report: Report, positions: dict) -> list[Edge]:
    edges, found = [], {}  # found: each name once (a concept is named in the relations of ~5 others)
    for page in pages:
        for kind in RELATION_KEYS:
            seen = set()
            for ref in page.relations[kind]:
                if ref.target not in found:
                    found[ref.target] = index.find(ref.target)
                target = found[ref.target]
                if target is None:
                    report.warn(page.source.shown, ref.line, ref.col,  # as a dangling wikilink: --strict fails on it
                                f"{NO_NOTE} '{ref.target}' in {kind}{index.hint(ref.target)}")
                elif target.url != page.url and target.url not in seen:
                    seen.add(target.url)
                    positions[(page.url, target.url, kind)] = (ref.line, ref.col)
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


def tag_parent(tag: str) -> str | None:
    """The tag a nested tag sits under ('ml/vision' for 'ml/vision/detection'); None for a top-level tag, and
    for one with an empty part ('a//b', '/a', 'a/'), which stays a tag of its own as before."""
    parts = tag.split("/")
    if len(parts) < 2 or not all(part.strip() for part in parts):
        return None
    return "/".join(part.strip() for part in parts[:-1])


def _tags(pages: list[Page], key) -> tuple[dict, dict]:
    """tag -> the notes under it, and tag -> its child tags. A tag is named by slug, so it has one page, shown
    with its first spelling A-Z: notes tagged 'ML' and 'ml' share the page 'ML' (links.py warns of the two);
    a parent only implied by its children takes the first spelling A-Z too ('ML/vision' and 'ml/nlp': 'ML')."""
    named = {}  # slug -> the tag with that page
    for tag in sorted({tag for page in pages for tag in page.tags}):
        named.setdefault(make_slug(tag), tag)
    tagged = defaultdict(dict)  # tag -> {url: None}, pages in source order
    for page in pages:
        for tag in page.tags:
            tagged[named[make_slug(tag)]][page.url] = None
    under, children = {tag: dict(urls) for tag, urls in tagged.items()}, defaultdict(set)
    for tag in sorted(tagged):
        child, parent = tag, tag_parent(tag)
        while parent is not None:
            parent = named.setdefault(make_slug(parent), parent)
            children[parent].add(child)
            under.setdefault(parent, {}).update(tagged[tag])
            child, parent = parent, tag_parent(parent)
    tags = {tag: tuple(sorted(urls, key=key)) for tag, urls in sorted(under.items())}
    return tags, {tag: tuple(sorted(kids)) for tag, kids in sorted(children.items())}


def _suggestions(pages: list[Page], outgoing: dict, by_url: dict, backlinks: dict) -> dict:
    declared = {p.url: set(outgoing.get(p.url, {}).get("related", ())) for p in pages if p.kind == "concept"}
    wanting = {url: related for url, related in declared.items() if len(related) < FEW_RELATED}
    if not wanting:
        return {}
    links_to = defaultdict(set, {source: {t for targets in kinds.values() for t in targets}
                                 for source, kinds in outgoing.items()})
    tag_members = defaultdict(list)
    for page in pages:
        if page.kind == "concept":
            for tag in page.tags:
                tag_members[tag].append(page.url)
    linked = {url: links_to[url].union(backlinks.get(url, ())) for url in wanting}
    near = _Nearness(linked, links_to, backlinks, tag_members, by_url)
    return {url: near.rank(by_url[url], related) for url, related in wanting.items()}


@dataclass(frozen=True)
class _Nearness:
    """Scores candidate neighbours; candidates come only from small tags and small hubs, so cost stays linear."""

    linked: dict  # url -> urls joined to it by any edge, either way (for the pages being ranked)
    links_to: dict  # url -> urls it points to
    linked_from: dict  # url -> urls pointing to it (the backlinks)
    tag_members: dict
    by_url: dict

    def candidates(self, page: Page) -> set:
        """Pages linked with this one, sharing a small tag, or linking to a target it links to."""
        found = set(self.linked[page.url])
        for tag in page.tags:
            if len(self.tag_members[tag]) <= TAG_CANDIDATE_LIMIT:
                found.update(self.tag_members[tag])
        for target in self.links_to[page.url]:
            if len(self.linked_from.get(target, ())) <= HUB_CANDIDATE_LIMIT:
                found.update(self.linked_from.get(target, ()))
        return found

    def rank(self, page: Page, declared: set) -> tuple:
        """The best few suggestions, highest score first, ties A-Z."""
        scored = [self.score(page, self.by_url[url]) for url in self.candidates(page) - declared - {page.url}
                  if self.by_url[url].kind == "concept"]
        scored = [s for s in scored if s.score > 0]
        scored.sort(key=lambda s: (-s.score, self.by_url[s.url].title.casefold(), s.url))
        return tuple(scored[:MAX_SUGGESTIONS])

    def score(self, page: Page, other: Page) -> Suggestion:
        """Two points per shared tag, three for a direct link, one per shared link target."""
        shared = [t for t in page.tags if t in other.tags]
        link = other.url in self.linked[page.url]
        common = self.links_to[page.url] & self.links_to[other.url] - {page.url, other.url}
        common = sorted((u for u in common if self.by_url[u].kind == "concept"), key=self._title)
        parts = [f"shares {', '.join(shared)}"] if shared else []
        parts += ["linked with this page"] if link else []
        if common:
            names = ", ".join(self.by_url[u].title for u in common[:NAMED_LINKS])
            more = f" and {len(common) - NAMED_LINKS} more" if len(common) > NAMED_LINKS else ""
            parts.append(f"links to {names}{more}")
        return Suggestion(other.url, 2 * len(shared) + (3 if link else 0) + len(common), " · ".join(parts))

    def _title(self, url: str) -> tuple:
        return self.by_url[url].title.casefold(), url
