"""Each concept's neighbourhood map: the concept, its nearest neighbours (one hop) and theirs (two
hops), drawn as inline SVG on its page.

neighbourhood() lays one out for graphmap.svg(); neighbourhood_svg() writes the same markup from
pieces made once per graph and process, which is what pages use (tests hold the two to each other).
"""
from __future__ import annotations

import functools
import math
from html import escape
from typing import NamedTuple

from conceptsite.graph.model import EDGE_KINDS
from conceptsite.render.maps import INNER_RING, OUTER_RING, _href, _label_opening, _n, _placement, _titles
from conceptsite.graph.map_layout import PALETTE, Layout, Node, colour_groups, concept_neighbours, radius, tag_ranks
from conceptsite.urls import page_folder, plain_target, relative_url


def neighbourhood(graph, url: str) -> Layout | None:
    """A radial layout of a concept, its nearest neighbours (one hop) and theirs (two hops), as chosen by the graph."""
    first, second = graph.nearby.get(url, ((), ()))
    if not first:
        return None
    near = _undirected(graph)
    urls = [url, *first, *second]
    rings = _rings(len(first), len(second))  # the lists are disjoint: one ring per url
    # Only spokes (centre to ring one) and ring one to ring two: edges within a ring are clutter here.
    edges = [(a, b, k) for a, b, k in _edges_among(graph, urls) if abs(rings[a] - rings[b]) == 1]
    names = _site_tags(graph)  # the whole map's colours, so a tag looks the same everywhere
    pages = [graph.pages[u] for u in urls]
    degrees = [len(near.get(u, ())) for u in urls]
    nodes = tuple(Node(u, p.title, g, d, x, y, _radius(d)) for u, p, g, d, (x, y)
                  in zip(urls, pages, colour_groups(pages, names), degrees, _radial_points(len(first), len(second))))
    return Layout(nodes, tuple(edges), names, _BOX)


def neighbourhood_inputs(graph, url: str) -> tuple[tuple, list[str]]:
    """What neighbourhood() reads from the graph for one concept: the graph's answers, and the URLs
    of the pages it draws (whose titles and tags it shows). See views.view_inputs."""
    first, second = graph.nearby.get(url, ((), ()))
    if not first:
        return (), []
    urls = [url, *first, *second]
    near, outgoing = _undirected(graph), _outgoing_text(graph)
    answers = (first, second, _site_tags(graph), tuple(len(near.get(u, ())) for u in urls),
               tuple(outgoing.get(u, "") for u in urls))  # the edges drawn are among these pages' own
    return answers, urls


def _outgoing_text(graph) -> dict:
    """Each page's outgoing edges as text, computed once per graph."""
    return graph.derived("outgoing_text", lambda g: {u: repr(kinds) for u, kinds in g.outgoing.items()})


def _undirected(graph) -> dict:
    """Concept neighbours of each concept across every kind of edge, computed once per graph (by the
    graph stage, as it picks the neighbourhoods)."""
    return graph.derived("map_near", lambda g: concept_neighbours(g.concepts, g.edges))


def prepare(graph) -> None:
    """Work out now what every page's small map reads from the whole graph: before forking workers,
    so they need not each do it, and so the graph the cache keeps holds it."""
    _undirected(graph)
    _site_tags(graph)


def _site_tags(graph) -> tuple:
    """The site-wide colour ranking of tags, computed once per graph."""
    return graph.derived("map_tags", lambda g: tag_ranks(g.pages[u] for u in g.concepts))


def _edges_among(graph, urls: list) -> list:
    """Edges between the shown pages, from each page's own outgoing edges (never the whole edge list)."""
    index = {u: i for i, u in enumerate(urls)}
    shown = index.keys()
    edges = []
    for a, url in enumerate(urls):
        kinds = graph.outgoing.get(url)
        for kind in EDGE_KINDS if kinds else ():
            targets = kinds.get(kind)
            # Most targets are not on the map: the disjointness test rules a kind out without a Python loop.
            if targets and not shown.isdisjoint(targets):
                edges.extend((a, index[target], kind) for target in targets if target in index)
    return edges


@functools.lru_cache(maxsize=None)
def _radial_points(inner: int, outer: int) -> tuple:
    """The centre, then `inner` points on the inner ring and `outer` on the outer, rounded as drawn."""
    points = [(0.0, 0.0)] + _ring(inner, INNER_RING) + _ring(outer, OUTER_RING, offset=0.5 / max(1, outer))
    return tuple((round(x, 1), round(y, 1)) for x, y in points)


_radius = functools.lru_cache(maxsize=None)(radius)  # degrees are few: each size is worked out once


def _ring(count: int, r: float, offset: float = 0.0) -> list:
    """Evenly spaced points on a circle, starting at the top."""
    return [(r * math.cos(2 * math.pi * (i / count + offset) - math.pi / 2),
             r * math.sin(2 * math.pi * (i / count + offset) - math.pi / 2)) for i in range(count)]


def neighbourhood_svg(graph, url: str) -> str:
    """The inline SVG for a concept page, or '' when the concept has no neighbours.

    The same markup as svg(neighbourhood(graph, url), ...) (tests hold it to that on every page of
    a site), put together from pieces made once per graph and process: each concept is drawn on
    ~25 others' maps, always at one of a few ring positions."""
    first, second = graph.nearby.get(url, ((), ()))
    if not first:
        return ""
    parts = graph.__dict__.get("map_parts")  # not '_'-named: a memo, never carried to another graph or the cache
    if parts is None:
        parts = _Parts(graph)
        object.__setattr__(graph, "map_parts", parts)
    return parts.draw(url, first, second)


class _Parts:
    """Each page's pieces of the neighbourhood maps it appears on, made on first use."""

    def __init__(self, graph):
        self.graph, self.near = graph, _undirected(graph)
        self.rank = {tag: i for i, tag in enumerate(_site_tags(graph))}
        self.pages: dict = {}  # url -> _Drawn
        self.heads: dict = {}  # (folder of the map's page, url) -> the node's opening, for links a folder shares

    def page(self, url: str) -> _Drawn:
        """What the page at url shows on any map, made on first use."""
        page, kinds = self.graph.pages[url], self.graph.outgoing.get(url) or {}
        title, short = _titles(page.title)
        edges: dict = {}  # target -> ((n, kind), ...): n numbers the edges kind by kind, in EDGE_KINDS order
        for n, (kind, target) in enumerate((k, t) for k in EDGE_KINDS for t in kinds.get(k, ())):
            edges[target] = edges.get(target, ()) + ((n, kind),)
        found = self.pages[url] = _Drawn(
            self.rank.get(page.tags[0], PALETTE) if page.tags else PALETTE, _radius(len(self.near.get(url, ()))),
            title, short + "</text></a>", frozenset(edges), edges, plain_target(url))
        return found

    def head(self, page_url: str, url: str, drawn: _Drawn, key: tuple | None) -> str:
        """The node's opening '<a ...><title>...</title>', kept under key when the link is shared."""
        found = (f'<a href="{_href(relative_url(page_url, url))}" class="node g{drawn.group}">'
                 f"<title>{drawn.title}</title>")
        if key is not None:
            self.heads[key] = found
        return found

    def draw(self, url: str, first: tuple, second: tuple) -> str:
        """The map of url's neighbourhood: first and second, its one- and two-hop neighbours."""
        urls = (url, *first, *second)
        made = self.pages
        drawn = [made.get(u) or self.page(u) for u in urls]
        index, shown = {u: i for i, u in enumerate(urls)}, frozenset(urls)
        coords, rings = _coords(len(first), len(second)), _rings(len(first), len(second))
        by_kind: dict = {}
        # Only spokes (centre to ring one) and ring one to ring two, as in neighbourhood().
        for a, this in enumerate(drawn):
            hits = this.targets & shown
            if hits:
                for _, kind, b in sorted((n, kind, index[target]) for target in hits for n, kind in this.edges[target]):
                    if abs(rings[a] - rings[b]) == 1:
                        by_kind.setdefault(kind, []).append(f"M{coords[a]}L{coords[b]}")
        centre, points = drawn[0], _radial_points(len(first), len(second))
        out = [_NEIGHBOURHOOD_OPEN, escape(f"Neighbourhood of {self.graph.pages[url].title}"), _EDGES_OPEN]
        out += [f'<path class="edge edge-{kind}" d="{"".join(by_kind[kind])}"/>' for kind in sorted(by_kind)]
        out.append(f'{_NODES_OPEN}<a href="{_href(relative_url(url, url))}" class="node g{centre.group} current" '
                   f'aria-current="page"><title>{centre.title}</title>{_spot(*points[0], centre.r)}{centre.tail}')
        # As urls.relative_url shares links across a folder; the test of each URL alone is made once per URL.
        folder, inside, heads = page_folder(url), url[:-1], self.heads
        for i in range(1, len(urls)):
            u, this = urls[i], drawn[i]
            if folder is not None and this.plain and not u.startswith(inside):
                head = heads.get((folder, u)) or self.head(url, u, this, (folder, u))
            else:
                head = self.head(url, u, this, None)
            out += (head, _spot(*points[i], this.r), this.tail)
        out.append("</g></svg>")
        return "".join(out)


class _Drawn(NamedTuple):
    """What a page's node on a neighbourhood map shows, wherever it is drawn."""

    group: int
    r: float
    title: str  # escaped
    tail: str  # the escaped short label, closing the node
    targets: frozenset  # the pages it has edges to
    edges: dict  # target -> ((n, kind), ...) of its edges there, n numbering its edges in the order drawn
    plain: bool  # links to it can be shared by a folder's pages (urls.plain_target)


_BOX = (-390.0, -240.0, 780.0, 490.0)
_NEIGHBOURHOOD_OPEN = (f'<svg xmlns="http://www.w3.org/2000/svg" class="concept-map" '
                       f'viewBox="{" ".join(map(_n, _BOX))}" '
                       f'width="{_n(_BOX[2])}" height="{_n(_BOX[3])}" role="group" aria-label="')
_EDGES_OPEN = '"><g class="map-edges" fill="none" stroke="currentColor" stroke-opacity="0.35">'
_NODES_OPEN = '</g><g class="map-nodes" fill="currentColor">'


@functools.lru_cache(maxsize=None)
def _rings(inner: int, outer: int) -> tuple:
    """Each position's ring on a map of inner one-hop and outer two-hop neighbours: 0 for the centre."""
    return (0,) + (1,) * inner + (2,) * outer


@functools.lru_cache(maxsize=None)
def _coords(inner: int, outer: int) -> tuple:
    """Each ring position's 'x y', as an edge's path gives it."""
    return tuple(f"{_n(x)} {_n(y)}" for x, y in _radial_points(inner, outer))


@functools.lru_cache(maxsize=100_000)
def _spot(x: float, y: float, r: float) -> str:
    """A node's circle and the opening of its label, at a ring position of a neighbourhood map."""
    text = _label_opening(x, y, r, _placement(Node("", "", 0, 0, x, y, r), True))
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"/>{text}'
