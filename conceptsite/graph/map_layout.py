"""Deterministic graph layouts, computed at build time: the same content always gives the same picture.

Small graphs get a force-directed layout (Fruchterman-Reingold, fixed iterations, grid-bucketed
repulsion, no randomness). Large graphs get tag clusters: one sunflower disc per first tag, hubs at
the centre, discs packed in rows; that is linear in the number of concepts, so 10,000 lay out in
well under a second in pure Python.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

FORCE_LIMIT = 300  # above this many nodes the O(n · iterations) force layout is too slow in Python
ITERATIONS = 80
SPACING = 48.0  # distance between neighbours in a tag cluster, in SVG units
FORCE_SPACING = 110.0  # ideal edge length in the force layout: room for an 11px label
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
PALETTE = 10  # colour classes g0..g9 for the commonest first tags; every other tag is g10


# A NamedTuple, not a frozen dataclass: every concept page draws ~25, and one is ~4x quicker to make.
class Node(NamedTuple):
    """One concept on the map."""

    url: str
    title: str
    group: int  # colour class index
    degree: int
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class Layout:
    """Placed nodes and the edges between them (as node indices), with the drawing's bounds."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[int, int, str], ...]  # (source index, target index, kind)
    groups: tuple[str, ...]  # tag name of each colour class in use, by index
    box: tuple[float, float, float, float]  # min x, min y, width, height


RING_ONE, RING_TWO = 10, 14  # most neighbours a neighbourhood map shows one and two hops away


def concept_neighbours(concepts, edges) -> dict:
    """url -> the set of concepts joined to it by an edge of any kind, either way (concepts only)."""
    near: dict = {}
    members = set(concepts)
    for edge in edges:
        source, target = edge.source, edge.target
        if source in members and target in members and source != target:
            near.setdefault(source, set()).add(target)
            near.setdefault(target, set()).add(source)
    return near


def neighbourhoods(concepts, near: dict, key) -> dict:
    """url -> (one-hop urls, two-hop urls) for each concept's small map: best-connected first, ties by key.
    near: concept_neighbours().

    Nodes are ranked once globally and each neighbour list sorted once by that rank, so picking is a
    short scan and the whole is near-linear in the number of edges."""
    keys = {u: key(u) for u in near}
    rank = {u: i for i, u in enumerate(sorted(near, key=lambda u: (-len(near[u]), keys[u])))}
    ranked = {u: sorted(found, key=rank.__getitem__) for u, found in near.items()}
    out = {}
    for url in concepts:
        first = ranked.get(url, [])[:RING_ONE]
        if first:
            out[url] = (tuple(first), tuple(_second_ring(url, first, ranked, keys)))
    return out


def _second_ring(url: str, first: list, ranked: dict, keys: dict) -> list:
    """Up to RING_TWO nodes two hops away, a fair share through each ring-one node, grouped by it
    (in ring-one order), each group by key."""
    taken, share, out = {url, *first}, -(-RING_TWO // len(first)), []  # share: the ceiling
    for hub in first:
        picks = []
        for other in ranked[hub]:
            if other not in taken:
                taken.add(other)
                picks.append(other)
                if len(picks) == share:
                    break
        picks.sort(key=keys.__getitem__)
        out += picks
        if len(out) >= RING_TWO:  # later groups would come after the cut
            break
    return out[:RING_TWO]


def radius(degree: int) -> float:
    """Node size grows with the square root of its degree, so hubs stand out without swamping."""
    return round(min(14.0, 4.0 + 1.6 * math.sqrt(degree)), 1)


def concept_edges(graph, urls: list[str]) -> tuple[list[tuple[int, int, str]], list[set]]:
    """Edges among the given pages (first of each kind per pair) and each node's distinct neighbours."""
    index = {url: i for i, url in enumerate(urls)}
    edges, seen, near = [], set(), [set() for _ in urls]
    for edge in graph.edges:
        a, b = index.get(edge.source), index.get(edge.target)
        if a is None or b is None or (a, b, edge.kind) in seen:
            continue
        seen.add((a, b, edge.kind))
        edges.append((a, b, edge.kind))
        near[a].add(b)
        near[b].add(a)
    return edges, near


def tag_ranks(pages) -> tuple[str, ...]:
    """The commonest first tags, commonest first (ties A-Z); each gets its own colour."""
    counts: dict = defaultdict(int)
    for page in pages:
        if page.tags:
            counts[page.tags[0]] += 1
    return tuple(sorted(counts, key=lambda tag: (-counts[tag], tag))[:PALETTE])


def colour_groups(pages, top: tuple[str, ...]) -> list[int]:
    """A colour class per page from its first tag; tags outside `top` share the last colour."""
    rank = {tag: i for i, tag in enumerate(top)}
    return [rank.get(p.tags[0], PALETTE) if p.tags else PALETTE for p in pages]


def layout(graph) -> Layout:
    """Lay out every concept of the graph."""
    urls = list(graph.concepts)
    pages = [graph.pages[u] for u in urls]
    edges, near = concept_edges(graph, urls)
    names = tag_ranks(pages)
    groups = colour_groups(pages, names)
    if len(urls) <= FORCE_LIMIT:
        points = force_layout(len(urls), [(a, b) for a, b, _ in edges])
    else:
        points = cluster_layout(groups, [len(n) for n in near])
    nodes = tuple(Node(u, p.title, g, len(n), round(x, 1), round(y, 1), radius(len(n)))
                  for u, p, g, n, (x, y) in zip(urls, pages, groups, near, points))
    return Layout(nodes, tuple(edges), names, bounds(nodes))


def bounds(nodes, pad: float = 24.0) -> tuple[float, float, float, float]:
    """The drawing's box with room for the largest node and a label."""
    if not nodes:
        return (0.0, 0.0, 100.0, 100.0)
    xs, ys = [n.x for n in nodes], [n.y for n in nodes]
    x0, y0 = math.floor(min(xs) - pad), math.floor(min(ys) - pad)
    return (x0, y0, math.ceil(max(xs) + pad + 60) - x0, math.ceil(max(ys) + pad) - y0)


def force_layout(n: int, links: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Fruchterman-Reingold from a sunflower start; repulsion only between nearby grid cells."""
    k = FORCE_SPACING
    pos = [_sunflower(i, k * 0.8) for i in range(n)]
    pairs = sorted({(min(a, b), max(a, b)) for a, b in links if a != b})
    for step in range(ITERATIONS):
        heat = k * 2.0 * (1 - step / ITERATIONS) + 0.5  # cools linearly, so it always settles
        move = [[0.0, 0.0] for _ in range(n)]
        _repel(pos, move, k)
        for a, b in pairs:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = math.hypot(dx, dy) or 0.01
            f = d / k  # d² / k, divided by d for the unit vector
            move[a][0] -= dx * f; move[a][1] -= dy * f  # noqa: E702
            move[b][0] += dx * f; move[b][1] += dy * f  # noqa: E702
        for i, (mx, my) in enumerate(move):
            mx -= pos[i][0] * 0.02  # a little gravity keeps separate components together
            my -= pos[i][1] * 0.02
            d = math.hypot(mx, my)
            if d > 0:
                s = min(d, heat) / d
                pos[i] = (pos[i][0] + mx * s, pos[i][1] + my * s)
    return pos


def _repel(pos: list, move: list, k: float) -> None:
    """k²/d repulsion between nodes in the same or adjacent cells of a 2k grid."""
    cell = 2 * k
    grid: dict = defaultdict(list)
    for i, (x, y) in enumerate(pos):
        grid[(math.floor(x / cell), math.floor(y / cell))].append(i)
    k2 = k * k
    for (cx, cy), members in grid.items():
        others = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((cx + dx, cy + dy), ())]
        for i in members:
            xi, yi = pos[i]
            for j in others:
                if j == i:
                    continue
                dx, dy = xi - pos[j][0], yi - pos[j][1]
                d2 = dx * dx + dy * dy
                if d2 < 0.01:  # coincident: push apart along a fixed, index-based direction
                    dx, dy, d2 = (i - j) * 0.1, 0.1, 0.01 + (i - j) ** 2 * 0.01
                f = k2 / d2
                move[i][0] += dx * f
                move[i][1] += dy * f


def _sunflower(i: int, step: float) -> tuple[float, float]:
    """The i-th point of a sunflower (Vogel) spiral: evenly spread, no randomness."""
    r, a = step * math.sqrt(i + 0.5), i * GOLDEN_ANGLE
    return r * math.cos(a), r * math.sin(a)


def cluster_layout(groups: list[int], degrees: list[int]) -> list[tuple[float, float]]:
    """One sunflower disc per colour group (hubs first, so at the centre), discs packed in rows."""
    members: dict = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    step = SPACING * 0.5
    discs = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    total = sum(math.pi * (step * math.sqrt(len(m)) + step) ** 2 for _, m in discs)
    row_width = 2.2 * math.sqrt(total)
    pos: list = [(0.0, 0.0)] * len(groups)
    x = y = row_height = 0.0
    for _, nodes in discs:
        r = step * math.sqrt(len(nodes)) + step
        if x and x + 2 * r > row_width:
            x, y, row_height = 0.0, y + row_height + step * 2, 0.0
        cx, cy = x + r, y + r
        for rank, i in enumerate(sorted(nodes, key=lambda i: (-degrees[i], i))):
            px, py = _sunflower(rank, step)
            pos[i] = (cx + px, cy + py)
        x += 2 * r + step * 2
        row_height = max(row_height, 2 * r)
    return pos
