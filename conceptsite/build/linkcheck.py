"""The links stage: every URL the site answers, internal links and the header's nav links checked,
and for big whole builds the link check (with the search terms) done beside the graph stage."""
from __future__ import annotations

from dataclasses import replace

from conceptsite.source.config import SiteConfig
from conceptsite.source.discover import Sources, show_path
from conceptsite.diagnostics import Report
from conceptsite.graph.links import check_links
from conceptsite.graph.model import tag_parent
from conceptsite.parallel import Beside, worker_count
from conceptsite.source.page import Page
from conceptsite.render.pages import SECTION_URLS
from conceptsite.render.search import SearchTerms
from conceptsite.render.theme import Theme
from conceptsite.render.views import tag_url


def known_urls(pages: list[Page], sources: Sources, theme: Theme) -> set[str]:
    """Every URL the built site will answer, for the link checker."""
    known = {"", "tags/", "feed.xml", "sitemap.xml", "robots.txt", "graph.json", "search.json", "404.html"}
    known.update(SECTION_URLS.values())
    known.update(("concepts/map/", "concepts.json"))  # the concept map and the export
    known.update(p.url for p in pages)
    known.update(tag_url(t) for t in _with_parents({t for p in pages for t in p.tags}))
    known.update(f"concepts/{r.target}/" for p in pages for r in p.aliases)
    known.update(a.rel for a in sources.assets)
    known.update(f"assets/{name}" for name in theme.versions)
    return known


def _with_parents(tags: set[str]) -> set[str]:
    """The tags and every tag above them ('ml' and 'ml/vision' of 'ml/vision/detection'): each has a page."""
    found = set()
    for tag in tags:
        while tag is not None and tag not in found:
            found.add(tag)
            tag = tag_parent(tag)
    return found


def check_nav(config: SiteConfig, known: set[str], sources: Sources, report: Report) -> SiteConfig:
    """Warn about header links from site.yml that lead nowhere; drop such default links."""
    dead = [item for item in config.nav
            if "://" not in item.path and item.path.strip("/") + "/" not in known and item.path.strip("/") not in known]
    if not config.nav_from_file:
        return replace(config, nav=tuple(item for item in config.nav if item not in dead))
    for item in dead:
        report.warn(show_path(sources.config), 1, 1, f"nav link '{item.path}' ({item.label}) goes to no page")
    return config


def beside_graph(whole: bool, workers: int, pages: list[Page], bodies: dict, known: set[str],
                 last: SearchTerms | None) -> Beside | None:
    """For a big whole build, a process beside this one that checks the links and then works out
    the search terms (neither needs the graph) while this one builds the graph, which leaves the
    other core idle; None when that is not worth a process (a small site, or a build that is not
    whole, which may keep its search index or write nothing)."""
    if not whole or worker_count(workers, len(pages)) < 2:
        return None

    def work():
        report = Report()
        check_links(pages, bodies, known, report)
        yield report.items
        yield SearchTerms.of({p.url: p for p in pages}, bodies, last)  # the graph's pages, in its order

    return Beside(work)


def find_link_problems(side: Beside | None, pages: list[Page], bodies: dict, known: set[str], report: Report) -> None:
    """check_links, or what the process beside the build found."""
    if side is None:
        check_links(pages, bodies, known, report)
    else:
        report.items.extend(side.next())
