"""The concept map page, and the SVG drawing both maps use, built at render time (each concept's
neighbourhood map is put together in neighbourhood.py).

The SVG carries no style attributes (the CSP is `style-src 'self'`): colours come from class names
styled in the site's CSS, with `fill`/`stroke` presentation attributes on groups as a fallback.
Every node is an `<a>` with a `<title>`, so the map works as plain links without JavaScript.
"""
from __future__ import annotations

import functools
import math
from html import escape

from conceptsite.graph.map_layout import PALETTE, Layout, Node, layout
from conceptsite.urls import relative_url

MAP_URL = "concepts/map/"
LABEL_LIMIT = 250  # above this many nodes, labels would be an unreadable smear; titles remain
LABEL_CHARS = 24
INNER_RING, OUTER_RING = 120.0, 215.0


def svg(drawn: Layout, page_url: str, label: str, labels: bool, current: str = "", centred: bool = False) -> str:
    """The SVG markup for a layout, with every node linking relative to page_url."""
    x, y, w, h = drawn.box
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="concept-map" viewBox="{_n(x)} {_n(y)} {_n(w)} {_n(h)}" '
           f'width="{_n(w)}" height="{_n(h)}" role="group" aria-label="{escape(label)}">']
    out.append('<g class="map-edges" fill="none" stroke="currentColor" stroke-opacity="0.35">')
    by_kind: dict = {}
    spots = [f"{_n(node.x)} {_n(node.y)}" for node in drawn.nodes]  # each node ends ~14 edges on the whole map
    for a, b, kind in drawn.edges:
        by_kind.setdefault(kind, []).append(f"M{spots[a]}L{spots[b]}")
    for kind in sorted(by_kind):  # one path per kind keeps a 10,000-node map small
        out.append(f'<path class="edge edge-{kind}" d="{"".join(by_kind[kind])}"/>')
    out.append('</g><g class="map-nodes" fill="currentColor">')
    for node in drawn.nodes:
        out.append(_node(node, page_url, labels, node.url == current, _placement(node, centred)))
    out.append("</g></svg>")
    return "".join(out)


def _placement(node: Node, centred: bool) -> str:
    """Where a label goes: right of the node; on a radial map, outward on the outer ring, else below."""
    if not centred:
        return "right"
    if math.hypot(node.x, node.y) < OUTER_RING - 1:
        return "below"
    return "left" if node.x < -1 else "right"


def _node(node: Node, page_url: str, labels: bool, current: bool, placement: str = "right") -> str:
    title, short = _titles(node.title)
    classes = f"node g{node.group} current" if current else f"node g{node.group}"
    aria = ' aria-current="page"' if current else ""
    text = f"{_label_opening(node.x, node.y, node.r, placement)}{short}</text>" if labels else ""
    return (f'<a href="{_href(relative_url(page_url, node.url))}" class="{classes}"{aria}><title>{title}</title>'
            f'<circle cx="{_n(node.x)}" cy="{_n(node.y)}" r="{_n(node.r)}"/>{text}</a>')


# Each concept is drawn on the maps of ~25 others, at positions drawn from a few rings, so the same
# titles and numbers are escaped and formatted over and over: both are remembered (bounded, as a
# watch server draws maps for as long as it runs).
@functools.lru_cache(maxsize=100_000)
def _titles(title: str) -> tuple[str, str]:
    """A node's title and its shortened label, escaped."""
    short = title if len(title) <= LABEL_CHARS else title[:LABEL_CHARS - 1] + "…"
    return escape(title), escape(short)


@functools.lru_cache(maxsize=100_000)
def _href(link: str) -> str:
    """A relative link escaped for an attribute (the same few links recur across a folder's pages)."""
    return escape(link)


def _label_opening(x: float, y: float, r: float, placement: str) -> str:
    """The opening <text> tag of a node's label, beside its circle on the side placement names."""
    if placement == "left":
        return f'<text x="{_n(x - r - 3)}" y="{_n(y + 4)}" text-anchor="end">'
    if placement == "below":
        return f'<text x="{_n(x)}" y="{_n(y + r + 12)}" text-anchor="middle">'
    return f'<text x="{_n(x + r + 3)}" y="{_n(y + 4)}">'


@functools.lru_cache(maxsize=100_000)
def _n(value: float) -> str:
    """A coordinate with at most one decimal, and no '-0' or '.0' noise."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def legend(drawn: Layout) -> list:
    """(class, tag) pairs for the colour key; 'other' when some tags share the last colour."""
    used = {n.group for n in drawn.nodes}
    rows = [(f"g{i}", f"#{tag}") for i, tag in enumerate(drawn.groups) if i in used]
    if PALETTE in used:
        rows.append((f"g{PALETTE}", "other or no tag"))
    return rows


def hidden_map_warning(renderer) -> bool:
    """Warn when a concept owns /concepts/map/ (so there is no map page); True when one does."""
    page = renderer.graph.pages.get(MAP_URL)
    if page is not None:
        renderer.report.warn(page.source.shown, 1, 1, "this concept's URL /concepts/map/ hides the concept map page")
    return page is not None


def map_pages(renderer) -> dict:
    """The whole-site map at /concepts/map/, unless a concept already owns that URL."""
    graph = renderer.graph
    if hidden_map_warning(renderer) or "map.html" not in renderer.env.list_templates():
        return {}
    drawn = layout(graph)
    picture = svg(drawn, MAP_URL, "Map of all concepts", labels=len(drawn.nodes) <= LABEL_LIMIT)
    kinds = sorted({kind for _, _, kind in drawn.edges})
    return {MAP_URL + "index.html": renderer.render(
        "map.html", MAP_URL, svg=picture, legend=legend(drawn), kinds=kinds,
        count=len(drawn.nodes), edges=len(drawn.edges))}
