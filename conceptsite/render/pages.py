"""Render the site through Jinja templates into a mapping of output path -> bytes (or output.Spilled
for pages a whole build already wrote into its staging folder)."""
from __future__ import annotations

import datetime as dt
import os

import jinja2

from conceptsite.render.cards import freeze
from conceptsite.source.config import SiteConfig
from conceptsite.diagnostics import Report
from conceptsite.render.data_files import concepts_json, graph_json
from conceptsite.graph.model import Graph
from conceptsite.render.maps import MAP_URL, hidden_map_warning, map_pages
from conceptsite.render.neighbourhood import prepare as prepare_map
from conceptsite.parallel import map_chunks
from conceptsite.render.plan import RenderPlan
from conceptsite.render.search import SearchTerms
from conceptsite.render.theme import build_date, template_path, template_position
from conceptsite.urls import absolute_url
from conceptsite.render.views import TagView, card, card_of, page_view, tag_url

SECTION_TITLES = {"concept": "Concepts", "writeup": "Writeups", "project": "Projects"}
SECTION_URLS = {"concept": "concepts/", "writeup": "writeups/", "project": "projects/"}
FEED_ENTRIES = 50
TEMPLATE_FOR = {"concept": "concept.html", "writeup": "article.html", "project": "article.html", "page": "article.html"}


class Renderer:
    """Renders every output of a site; template faults are reported as template:line."""

    def __init__(self, env: jinja2.Environment, config: SiteConfig, graph: Graph, bodies: dict, report: Report,
                 plan: RenderPlan = RenderPlan()):
        self.env, self.config, self.graph, self.bodies, self.report = env, config, graph, bodies, report
        self.plan, self.unchanged = plan, plan.unchanged
        self.today = build_date()
        self.common = {"site": config, "year": self.today.year, "absolute_links": False}
        self.workers = plan.workers  # processes for the pages' own HTML
        self.search: SearchTerms | None = None  # the search terms, once body_outputs made them
        # Each listing that shows cards, as (template, url, context with cards.CardRefs), by path: for the
        # engine's card edits (incremental/rerender.py)
        self.contexts: dict | None = {} if plan.keep_contexts else None

    def render(self, template: str, page_url: str, **context) -> bytes | None:
        """One template for one output page, or None after reporting a template error."""
        try:
            text = self.env.get_template(template).render({**self.common, "page_url": page_url, **context})
        except jinja2.TemplateNotFound as exc:
            folder = self.env.loader.searchpath[0] if hasattr(self.env.loader, "searchpath") else "templates"
            self.report.error(template_path(os.path.join(folder, exc.name or template)), 1, 1,
                              f"template '{exc.name}' is missing: neither templates/ nor the bundled theme has it")
            return None
        except jinja2.TemplateSyntaxError as exc:
            self.report.error(template_path(exc.filename or template), exc.lineno or 1, 1, f"template syntax error: {exc.message}")
            return None
        except Exception as exc:  # any fault raised while a template runs is the template's
            self.report.error(*template_position(exc, self.env, template), f"template error: {exc}")
            return None
        return text.encode("utf-8")

    def pages(self) -> dict:
        """All HTML pages, data files and redirect pages, keyed by output path.

        With workers, the site-wide outputs are made in this process while they render the pages
        (which this process would otherwise only wait for); their problems are listed after the
        pages' own either way, so the report is the same for any number of processes."""
        made = []
        out = self.page_files(meanwhile=lambda: made.append(self._collecting(self._site_wide, None)))
        site_wide, problems = made[0]
        out.update(site_wide)
        self.report.items.extend(problems)
        return out

    def _site_wide(self, _=None) -> dict:
        """The listings and the body outputs, unless kept; made in this process, beside the page workers."""
        out = {}
        if self.plan.keep_listings:
            hidden_map_warning(self)
        else:
            out.update(self.listings())
        if not self.plan.keep_bodies:
            out.update(self.body_outputs())
        return out

    def page_files(self, meanwhile=None) -> dict:
        """Each page's own HTML, but for pages kept as they are on disk; across processes when many.
        meanwhile() runs in this process while workers render (see parallel.map_chunks)."""
        out = {}
        if self.workers > 1:
            prepare_map(self.graph)
        for done in self._across(self._render_pages, list(self.graph.pages), meanwhile):
            for url, kept, data, note, blob in done:
                self.unchanged.record(url + "index.html", note, kept, blob)
                if not kept:
                    out[url + "index.html"] = data
        return out

    def _across(self, fn, items: list, meanwhile=None):
        """fn over chunks of items, across self.workers processes, yielded chunk by chunk; each chunk's
        problems are reported here."""
        for result, problems in map_chunks(lambda part: self._collecting(fn, part), items, self.workers, meanwhile):
            self.report.items.extend(problems)
            yield result

    def _collecting(self, fn, part: list) -> tuple:
        """fn(part) and the problems it found, taken off the report so a forked worker can hand them back."""
        start = len(self.report.items)
        result = fn(part)
        problems = self.report.items[start:]
        del self.report.items[start:]
        return result, problems

    def _render_pages(self, urls: list[str]) -> list:
        """(url, kept, bytes or None, note, shelved view or None) for some pages; may run in a worker."""
        done = []
        for url in urls:
            page = self.graph.pages[url]
            make = lambda page=page, url=url: page_view(page, self.bodies[url], self.graph)  # noqa: E731
            kept, view, note = self.unchanged.check(url + "index.html", make, self.plan.stamps.get(url))
            if not kept and view is None:
                view = make()
            data = None if kept else self.render(TEMPLATE_FOR[page.kind], url, page=view)
            blob = self.unchanged.packed(note, view)
            if data is not None and self.plan.staging is not None:
                data = self.plan.staging.put(url + "index.html", data, self.plan.live)
            done.append((url, kept, data, note, blob))
        return done

    def listings(self) -> dict:
        """Outputs built from page fields and the graph only: indexes, tags, home, map, data files."""
        out = {}
        for kind, section_url in SECTION_URLS.items():
            cards = self.cards(kind)
            template = "concepts.html" if kind == "concept" else "section.html"
            out.update(self.spill({section_url + "index.html": self.listing(
                template, section_url, title=SECTION_TITLES[kind], cards=cards, tags=self.tag_views(kind),
                members=_members(cards, self.graph.tag_of))}))
        out.update(self.tag_pages())
        out.update(self.spill({
            "index.html": self.listing("home.html", "", writeups=self.cards("writeup")[:5],
                                       concepts=self.latest("concept", 8), projects=self.cards("project")[:3]),
            "404.html": self.render("404.html", "404.html", absolute_links=True)}))
        out.update(self.spill(self.redirects()))
        out.update(self.feeds())
        out.update(self.spill(map_pages(self)))
        return out

    def listing(self, template: str, page_url: str, **context) -> bytes | None:
        """render() of a listing, whose context is kept (cards as cards.CardRefs) when self.contexts is a dict."""
        if self.contexts is not None:
            self.contexts[page_url + "index.html"] = (template, page_url, freeze(context))
        return self.render(template, page_url, **context)

    def spill(self, files: dict) -> dict:
        """With a staging folder, write these outputs there now instead of holding them (see page_files)."""
        staging = self.plan.staging
        if staging is None:
            return files
        return {path: data if data is None else staging.put(path, data, self.plan.live) for path, data in files.items()}

    def cards(self, kind: str) -> list:
        """Cards of one kind: concepts A-Z, others newest first."""
        pages = [p for p in self.graph.pages.values() if p.kind == kind]
        if kind == "concept":
            pages.sort(key=lambda p: (p.title.casefold(), p.url))
        else:
            pages.sort(key=lambda p: (p.date or dt.date.min, p.url), reverse=True)
        return [card_of(self.graph, p.url) for p in pages]

    def latest(self, kind: str, count: int) -> list:
        """The newest pages of one kind."""
        pages = [p for p in self.graph.pages.values() if p.kind == kind]
        pages.sort(key=lambda p: (p.updated or p.date or dt.date.min, p.url), reverse=True)
        return [card_of(self.graph, p.url) for p in pages[:count]]

    def tag_views(self, kind: str) -> list:
        """Tags as written with how many pages of one kind carry them (not those under a child tag only)."""
        views = []
        for tag, urls in self.graph.tags.items():
            count = sum(1 for u in urls if self.graph.pages[u].kind == kind
                        and any(self.graph.tag_of(t) == tag for t in self.graph.pages[u].tags))
            if count:
                views.append(TagView(tag, tag_url(tag), count))
        return views

    def tag_tree(self) -> list:
        """The top-level tags, each with its child tags nested; a count is of every page under the tag."""
        tags, children = self.graph.tags, self.graph.tag_children
        view = lambda tag: TagView(tag, tag_url(tag), len(tags[tag]), tuple(map(view, children.get(tag, ()))))  # noqa: E731
        below = {child for kids in children.values() for child in kids}
        return [view(tag) for tag in tags if tag not in below]

    def tag_pages(self) -> dict:
        """The tag index and one page per tag, parents (a of a/b) listing their child tags and every page under them."""
        out = self.spill({"tags/index.html": self.render("tags.html", "tags/", tags=self.tag_tree())})
        tags = self.graph.tags
        shown = lambda tag: TagView(tag, tag_url(tag), len(tags[tag]))  # noqa: E731
        parents = {child: shown(tag) for tag, kids in self.graph.tag_children.items() for child in kids}
        for tag, urls in tags.items():  # ~3 s at 10,000 concepts, beside the page workers
            url = tag_url(tag)
            page = self.listing("tag.html", url, tag=tag, cards=[card_of(self.graph, u) for u in urls],
                                children=[shown(c) for c in self.graph.tag_children.get(tag, ())],
                                parent=parents.get(tag))
            out.update(self.spill({url + "index.html": page}))
        return out

    def redirects(self) -> dict:
        """A small page at each old alias URL that points readers to the concept."""
        out = {}
        for page in self.graph.pages.values():
            for ref in page.aliases:
                url = f"concepts/{ref.target}/"
                out[url + "index.html"] = self.listing("redirect.html", url, target=card(page),
                                                       canonical=absolute_url(self.config.base_url, page.url))
        return out

    def feeds(self) -> dict:
        """Sitemap, robots.txt, graph.json and the concepts.json export, each spilled as soon as it is made
        (at 10,000 concepts each is megabytes, and its making takes as much again)."""
        urls = [""] + list(SECTION_URLS.values()) + ["tags/"]
        if MAP_URL not in self.graph.pages and "map.html" in self.env.list_templates():
            urls.append(MAP_URL)  # the concept map page (map_pages), unless a concept owns its URL
        urls += list(self.graph.pages)
        urls += [tag_url(t) for t in self.graph.tags]
        makers = {
            "sitemap.xml": lambda: self.render("sitemap.xml", "sitemap.xml",
                                               locations=[absolute_url(self.config.base_url, u) for u in urls]),
            "robots.txt": lambda: self.render("robots.txt", "robots.txt",
                                              sitemap=absolute_url(self.config.base_url, "sitemap.xml")),
            "graph.json": lambda: graph_json(self.graph),
            "concepts.json": lambda: concepts_json(self.graph),
        }
        out = {}
        for path, make in makers.items():
            out.update(self.spill({path: make()}))
        return out

    def body_outputs(self) -> dict:
        """The outputs that read page bodies: the Atom feed and the search index."""
        side = self.plan.side
        self.search = side.next() if side is not None else SearchTerms.of(self.graph.pages, self.bodies, self.plan.last_search)
        return self.spill({"feed.xml": self.feed(), "search.json": self.search.to_json()})

    def feed(self) -> bytes | None:
        """The Atom feed of the 50 newest dated pages, bodies included."""
        return self.render_feed(self.feed_entries())

    def feed_entries(self) -> list[tuple]:
        """(card, body HTML, absolute URL, date) of each page in the feed, newest first."""
        newest = [self.graph.pages[url] for url in feed_urls(self.graph)]
        return [(card_of(self.graph, p.url), self.bodies[p.url].html, absolute_url(self.config.base_url, p.url),
                 (p.updated or p.date).isoformat()) for p in newest]

    def render_feed(self, entries: list[tuple]) -> bytes | None:
        """The Atom feed of these entries."""
        updated = entries[0][3] if entries else self.today.isoformat()
        return self.render("feed.xml", "feed.xml", entries=entries, updated=updated,
                           base=absolute_url(self.config.base_url, ""))


def feed_urls(graph: Graph) -> tuple[str, ...]:
    """The 50 newest dated pages (plain pages left out), newest first; worked out once per graph."""
    return graph.derived("feed_urls", _newest)


def _newest(graph: Graph) -> tuple[str, ...]:
    dated = sorted((p for p in graph.pages.values() if p.date and p.kind != "page"),
                   key=lambda p: (p.updated or p.date, p.url), reverse=True)
    return tuple(p.url for p in dated[:FEED_ENTRIES])


BODY_OUTPUTS = ("feed.xml", "search.json")


def _members(cards: list, tag_of) -> dict:
    """Tag -> the cards carrying it (in any spelling: tag_of), in list order: one pass, not tags x cards."""
    members: dict = {}
    for c in cards:
        for tag in dict.fromkeys(tag_of(t.name) for t in c.tags):
            members.setdefault(tag, []).append(c)
    return members
