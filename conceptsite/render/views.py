"""Serialized views of pages for templates: plain data, no access to the pipeline's objects."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace

from conceptsite.source.discover import make_slug
from conceptsite.graph.model import Graph
from conceptsite.render.neighbourhood import neighbourhood_inputs, neighbourhood_svg
from conceptsite.markdown.convert import Body
from conceptsite.source.page import RELATION_KEYS, Page

RELATION_TITLES = {
    "prerequisites": "Read first", "contrasts": "Often confused with",
    "examples": "Examples", "part_of": "Part of",
}


@dataclass(frozen=True)
class TagView:
    """A tag and the URL of its page; in the tag index, with its child tags (the tree below it)."""

    name: str
    url: str
    count: int = 0
    children: tuple[TagView, ...] = ()


@dataclass(frozen=True)
class Card:
    """A page as it appears in a list: enough to show and link it."""

    title: str
    url: str
    summary: str
    tags: tuple[TagView, ...]
    date: str  # "May 11, 2025" or ""
    date_iso: str
    read_time: int
    kind: str
    reason: str = ""
    search_text: str = ""  # what a listing's filter matches: title, summary and tags, lower-cased


@dataclass(frozen=True)
class PageView:
    """Everything a page template shows about one page."""

    card: Card
    definition: str
    html: str
    toc: str
    updated: str
    updated_iso: str
    related: tuple[Card, ...]
    relations: tuple[tuple[str, tuple[Card, ...]], ...]  # (heading, cards) for typed relations
    backlinks: tuple[Card, ...]
    suggestions: tuple[Card, ...]
    prev: Card | None
    next: Card | None
    link: str
    status: str
    stack: tuple[str, ...]
    neighbourhood: str = ""  # inline SVG of the concept's one- and two-hop neighbours
    # Front-matter keys conceptsite does not read, as written, for a theme's own use (page.extra.colour).
    extra: dict = field(default_factory=dict, hash=False)


@functools.lru_cache(maxsize=None)  # called for every tag of every card; a site has few distinct tags
def tag_url(tag: str) -> str:
    """Site-relative URL of a tag's page."""
    return f"tags/{make_slug(tag)}/"


def human_date(day: dt.date | None) -> str:
    """'May 11, 2025' for a date, '' for none."""
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def card(page: Page, reason: str = "") -> Card:
    """The list view of a page."""
    # The filter text is made here once per card, not by the template in every list that shows it.
    search_text = f"{page.title} {page.summary} {' '.join(page.tags)}".lower()
    return Card(
        title=page.title, url=page.url, summary=page.summary,
        tags=tuple(TagView(t, tag_url(t)) for t in page.tags),
        date=human_date(page.date), date_iso=page.date.isoformat() if page.date else "",
        read_time=page.read_time, kind=page.kind, reason=reason, search_text=search_text,
    )


def card_of(graph: Graph, url: str) -> Card:
    """card() of one of the graph's pages, made once per graph and process: a page shows in many views."""
    made = graph.__dict__.get("cards_made")  # not '_'-named: with_pages and the graph cache leave it behind
    if made is None:
        made = {}
        object.__setattr__(graph, "cards_made", made)
    found = made.get(url)
    if found is None:
        found = made[url] = card(graph.pages[url])
    return found


def view_inputs(page: Page, graph: Graph) -> tuple[str, list[str], list[str]]:
    """Everything page_view reads besides the page and its body: the graph's answers about the page
    (as text), the URLs of the pages it shows as cards and of those its map draws (whose titles and
    tags only it shows); the caller adds their fields.

    Incremental builds stamp each page's view with these, so that an edit elsewhere makes again only
    the views it can change. So every graph read in page_view must be here: with
    CONCEPTSITE_CHECK_STAMPS set (the test suite sets it), a view whose stamp says unchanged is made
    anyway and must be the same (incremental.ViewKeys.check)."""
    url = page.url
    neighbours = graph.neighbours(url)
    path, targets = graph.learning_path(url), tuple(graph.targets(url, kind) for kind in RELATION_KEYS)
    backlinks, suggestions = graph.backlinks.get(url, ()), graph.suggestions.get(url, ())
    shown = [u for u in neighbours if u] + list(path) + [u for group in targets for u in group]
    shown += list(backlinks) + [s.url for s in suggestions]
    drawn, nodes = neighbourhood_inputs(graph, url) if page.kind == "concept" else ((), [])
    return repr((neighbours, path, targets, backlinks, suggestions, drawn)), shown, nodes


def page_view(page: Page, body: Body, graph: Graph) -> PageView:
    """The full view of one page, with its neighbours resolved to cards."""
    cards = lambda urls: tuple(card_of(graph, u) for u in urls)  # noqa: E731
    prev_url, next_url = graph.neighbours(page.url)
    # "Read first" is the whole learning path (roots first), computed once by the graph stage.
    shown = lambda kind: graph.learning_path(page.url) if kind == "prerequisites" else graph.targets(page.url, kind)  # noqa: E731
    relations = tuple(
        (RELATION_TITLES[kind], cards(shown(kind)))
        for kind in RELATION_KEYS[1:] if shown(kind)
    )
    return PageView(
        card=card_of(graph, page.url) if graph.pages.get(page.url) is page else card(page), definition=page.definition, html=body.html, toc=body.toc,
        updated=human_date(page.updated), updated_iso=page.updated.isoformat() if page.updated else "",
        related=cards(graph.targets(page.url, "related")),
        relations=relations,
        backlinks=cards(graph.backlinks.get(page.url, ())),
        suggestions=tuple(replace(card_of(graph, s.url), reason=s.reason) for s in graph.suggestions.get(page.url, ())),
        prev=card_of(graph, prev_url) if prev_url else None,
        next=card_of(graph, next_url) if next_url else None,
        link=page.link, status=page.status, stack=page.stack,
        neighbourhood=neighbourhood_svg(graph, page.url) if page.kind == "concept" else "",
        extra=page.extra,
    )
