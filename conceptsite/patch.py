"""The watch server's fast lane: an edit to the prose of existing pages, patched into the last good site.

Most saves while writing change a page's body text and nothing else: not its front-matter, not
where it links, not its headings. Such an edit changes exactly three outputs: the page itself, the
Atom feed and the search index. Every other output reads only page fields, the graph, or the
body of its own page, so patching those three gives the same bytes as a whole build in a fraction
of the time. Anything else (a new, removed or renamed file; front-matter; links, wikilinks or
headings; templates, static files or site.yml; a page with a problem before or after) returns
None, and the caller builds the whole site.
"""
from __future__ import annotations

from dataclasses import replace
from .cache import page_meta
from .errors import Report
from .graph import with_pages
from .markup import Body, Markup
from .parse import Page, reread
from .pipeline import Site
from .render import TEMPLATE_FOR, Renderer
from .theme import build_date, make_environment
from .views import page_view


def patch(site: Site, changed: set[str]) -> Site | None:
    """The site after edits to page bodies alone, or None when the edit needs a whole build."""
    if site.kept or site.search is None or site.index is None or site.theme is None or build_date() != site.day:
        return None
    by_path = _sources(site.graph)
    if not changed or not changed <= by_path.keys():
        return None
    noisy = {d.path for d in site.warnings}
    markup = Markup(site.index, allow_html=site.config.allow_html)
    pages, bodies = dict(site.graph.pages), dict(site.bodies)
    for path in sorted(changed):
        old = site.graph.pages[by_path[path]]
        found = reread(old.source) if old.source.shown not in noisy else None
        page = found[1] if found is not None else None
        body = markup.convert(page.body, page.url) if page is not None else None
        if body is None or not _same_shape(old, page, site.bodies[old.url], body):
            return None
        pages[page.url], bodies[page.url] = page, body
    return _render(site, pages, bodies, [by_path[p] for p in sorted(changed)])


def _sources(graph) -> dict:
    """Source path -> page URL; worked out once per graph, as prose edits keep every page's path."""
    return graph.derived("sources", lambda g: {str(p.source.path): url for url, p in g.pages.items()})


def _same_shape(old: Page, new: Page, before: Body, after: Body) -> bool:
    """True when only the prose changed: same fields, same links, same anchors, no problems."""
    return (not after.problems and page_meta(new) == page_meta(old) and after.links == before.links
            and after.wikilinks == before.wikilinks and after.ids == before.ids)


def _render(site: Site, pages: dict, bodies: dict, urls: list[str]) -> Site | None:
    """Re-render the edited pages, the feed and the search index; None on a template error."""
    graph = with_pages(site.graph, pages)
    report = Report()
    renderer = Renderer(make_environment(site.theme, site.cache), site.config, graph, bodies, report)
    search = site.search
    files = dict(site.files)
    for url in urls:
        page = pages[url]
        files[url + "index.html"] = renderer.render(TEMPLATE_FOR[page.kind], url,
                                                    page=page_view(page, bodies[url], graph))
        search = search.replaced(url, bodies[url].words)
    files["feed.xml"] = renderer.feed()
    files["search.json"] = search.to_json()
    if report.items:
        return None
    return replace(site, graph=graph, bodies=bodies, files=files, search=search)
