"""The watch server's fast lane: an edit to existing pages patched into the last good site.

Most saves while writing change a page's body text and nothing else: not its front-matter, not
where it links, not its headings. Such an edit changes exactly three outputs: the page itself, the
Atom feed and the search index. Every other output reads only page fields, the graph, or the
body of its own page, so patching those three gives the same bytes as a whole build in a fraction
of the time. An edit to the fields only cards show (cache.CARD_ONLY: summary, definition, read
time) leaves the graph as it was too; it also changes the pages and listings that show the page's
card (found through the graph and the listings' kept contexts, cardswap.py) and the data files.
Anything else (a new, removed or renamed file; other front-matter; links, wikilinks or headings;
templates, static files or site.yml; a page with a problem before or after) returns None, and the
caller builds the whole site.
"""
from __future__ import annotations

from dataclasses import replace

from conceptsite.incremental.cache import page_frame, page_meta
from conceptsite.incremental.cards import thaw
from conceptsite.diagnostics import Report
from conceptsite.render.data_files import concepts_json, graph_json
from conceptsite.graph.model import with_pages
from conceptsite.markdown.convert import Body, Markup
from conceptsite.source.page import Page, reread
from conceptsite.build.pipeline import Site
from conceptsite.render.pages import TEMPLATE_FOR, Renderer
from conceptsite.render.theme import build_date, make_environment
from conceptsite.render.views import card, card_of, page_view, view_inputs


def patch(site: Site, changed: set[str]) -> Site | None:
    """The site after edits to page bodies alone, or None when the edit needs a whole build."""
    if site.kept or site.search is None or site.index is None or site.theme is None or build_date() != site.day:
        return None
    by_path = _sources(site.graph)
    if not changed or not changed <= by_path.keys():
        return None
    noisy = {d.path for d in site.warnings}
    markup = Markup(site.index, allow_html=site.config.allow_html)
    pages, bodies, carded, moved = dict(site.graph.pages), dict(site.bodies), [], []
    for path in sorted(changed):
        old = site.graph.pages[by_path[path]]
        found = reread(old.source) if old.source.shown not in noisy else None
        page = found[1] if found is not None else None
        body = markup.convert(page.body, page.url) if page is not None else None
        if body is None or not _same_shape(old, page, site.bodies[old.url], body):
            return None
        if page_meta(page) != page_meta(old):
            carded.append(page.url)
            moved += [page.url] if card(page) != card(old) else []  # not a definition alone
        pages[page.url], bodies[page.url] = page, body
    if carded and site.contexts is None:
        return None
    return _render(site, pages, bodies, [by_path[p] for p in sorted(changed)], carded, moved)


def _sources(graph) -> dict:
    """Source path -> page URL; worked out once per graph, as prose edits keep every page's path."""
    return graph.derived("sources", lambda g: {str(p.source.path): url for url, p in g.pages.items()})


def _same_shape(old: Page, new: Page, before: Body, after: Body) -> bool:
    """True when the graph stays as it was: the same fields but those only cards show, the same links
    and anchors, and no problems. A plain page with a summary is searchable and one without is not,
    so a plain page must keep all its fields."""
    same = page_meta(new) == page_meta(old) or (new.kind != "page" and page_frame(new) == page_frame(old))
    return (not after.problems and same and after.links == before.links
            and after.wikilinks == before.wikilinks and after.ids == before.ids)


def card_holders(graph) -> dict:
    """url -> the pages whose views show its card; worked out once per graph (it follows from the edges)."""
    return graph.derived("card_holders", _invert_cards)


def _invert_cards(graph) -> dict:
    found: dict = {}
    for url, page in graph.pages.items():
        for shown in dict.fromkeys(view_inputs(page, graph)[1]):
            found.setdefault(shown, []).append(url)
    return found


class _Cards:
    """The cards of a graph's pages by URL, made as a thawed listing context asks for them."""

    def __init__(self, graph):
        self.graph = graph

    def __getitem__(self, url: str):
        return card_of(self.graph, url)


def _render(site: Site, pages: dict, bodies: dict, urls: list[str], carded: list[str],
            moved: list[str]) -> Site | None:
    """Re-render the edited pages (and what shows the cards that moved), the feed and the search index;
    None on a template error."""
    graph = with_pages(site.graph, pages)
    report = Report()
    renderer = Renderer(make_environment(site.theme, site.cache), site.config, graph, bodies, report)
    search = site.search
    files = dict(site.files)
    showing = {shown: None for url in moved for shown in card_holders(graph).get(url, ())}
    for url in dict.fromkeys(urls + list(showing)):
        page = pages[url]
        files[url + "index.html"] = renderer.render(TEMPLATE_FOR[page.kind], url,
                                                    page=page_view(page, bodies[url], graph))
    for url in urls:
        search = search.replaced(url, bodies[url].words)
    if carded:
        files.update(_listings(site, renderer, moved))
        search = search.with_rows([pages[url] for url in carded])
    files["feed.xml"] = renderer.feed()
    files["search.json"] = search.to_json()
    if report.items:
        return None
    return replace(site, graph=graph, bodies=bodies, files=files, search=search)


def _listings(site: Site, renderer: Renderer, moved: list[str]) -> dict:
    """The listings holding the cards that moved rendered again, and the data files."""
    cards, files = _Cards(renderer.graph), {}
    for path in sorted({path for url in moved for path in site.contexts.holding(url)}):
        template, url, context = site.contexts.contexts[path]
        files[path] = renderer.render(template, url, **thaw(context, cards))
    files["graph.json"], files["concepts.json"] = graph_json(renderer.graph), concepts_json(renderer.graph)
    return files
