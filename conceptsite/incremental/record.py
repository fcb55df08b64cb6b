"""The record of the last good build into a folder: what an edit needs of it, as loading every page,
body and the graph takes seconds at 10,000 concepts. Per page: its source, field hashes, body shape,
link resolutions, view stamp parts, and which pages show it; for the site: feed entries and keys."""
from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from conceptsite.diagnostics import Diagnostic
from conceptsite.incremental.manifest import SITE_WIDE
from conceptsite.markdown.convert import Body
from conceptsite.render.cards import holders
from conceptsite.render.theme import Theme
from conceptsite.render.views import card_of
from conceptsite.source.config import SiteConfig
from conceptsite.source.discover import SourceFile
from conceptsite.store import digest


@dataclass(frozen=True)
class Known:
    """What the last good build knew about one page."""

    url: str
    where: tuple  # the page's discover.SourceFile as plain strings (pickled Paths load slowly)
    meta: str  # cache.page_meta: everything but the body text
    frame: str  # cache.page_frame: what the graph reads of it
    shape: str  # the body's links, wikilinks and anchors
    resolutions: tuple  # how its wikilinks resolved (cache.Recorder's log)
    digest: str  # hash of the file's bytes
    own: str  # keys.own_key of the file and its resolutions
    surroundings: str  # the rest of its view stamp: what the view reads of the graph and other pages
    answers: str  # keys.Keys.answers: the graph's answers about it
    shown: tuple  # the pages its view shows, by their place in the graph's order (Record.owns)

    @property
    def source(self) -> SourceFile:
        """The page's source file."""
        path, *rest = self.where
        return SourceFile(Path(path), *rest)

    def packed(self) -> bytes:
        """Its fields as a plain tuple, pickled: ten times faster than the dataclass, for every page of a build."""
        return pickle.dumps(tuple(vars(self).values()), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def unpacked(cls, data: bytes) -> Known:
        """packed() undone."""
        return cls(*pickle.loads(data))


@dataclass(frozen=True)
class Record:
    """The last good build into one output folder, as the fast lane needs it."""

    pages: dict  # url -> Known.packed(), one by one: a lane unpacks only the pages it redoes
    owns: dict  # url -> Known.own, in the graph's order
    sources: dict  # source path -> url
    config: SiteConfig
    theme: Theme
    base: str  # the key every page's view key starts from
    listings: str  # the listings' key
    feed: tuple  # Renderer.feed_entries()
    entries: int  # page-cache entries (drafts and broken files too), for the journal's size rule
    search: str  # the id saved with the search terms this build's search.json came from ("": unknown)
    graph: str = ""  # keys.graph_inputs()
    metas: dict | None = None  # url -> Known.meta, in the graph's order (the listings key covers them)
    # pickled: "cards" -> url -> the pages whose views show its card; "drawn" -> url -> the pages whose maps
    # alone draw it (their views show nothing a card edit changes, but their stamps hold its fields); the
    # pages by their place in the graph's order
    shown_by: bytes = b""
    context: str = ""  # scan.Scan's, when the build was made
    files: dict | None = None  # scan.Scan's
    warnings: tuple[Diagnostic, ...] = ()
    embeds: frozenset = frozenset()  # pages that embed a note or are embedded: an edit of one gathers the site


def shape(body: Body) -> str:
    """A hash of what a body gives the graph, the link checker and other pages' #anchors."""
    return digest(repr(body.links), repr(body.wikilinks), *sorted(body.ids))


def snapshot(graph, bodies: dict, caches, config: SiteConfig, theme: Theme, views, renderer, search: str) -> Record:
    """The record of a build about to be written (the caller adds the scan and the warnings)."""
    known, inputs = [], views.inputs
    number = {url: n for n, url in enumerate(graph.pages)}  # small ints pickle in a byte or two, URLs in dozens
    for url, page in graph.pages.items():
        entry, resolutions = caches.pages.entries[str(page.source.path)], caches.bodies.entries[url].resolutions
        source = page.source
        known.append(Known(url, (str(source.path), source.shown, source.kind, source.slug, source.base, source.folder), entry.meta, entry.frame,
                           shape(bodies[url]), resolutions, entry.digest, inputs.owns[url],
                           inputs.surroundings[url], inputs.answers[url],
                           tuple(map(number.__getitem__, inputs.shown[url]))))
    shown_by = {"cards": defaultdict(list), "drawn": defaultdict(list)}
    cards, drawn = shown_by["cards"], shown_by["drawn"]
    for url, shown in inputs.shown.items():  # half a million pairs at 10,000 concepts: kept to two plain loops
        n, carded = number[url], set(shown[:inputs.cards[url]])
        for other in carded:
            cards[other].append(n)
        for other in set(shown[inputs.cards[url]:]) - carded:
            drawn[other].append(n)
    # Search terms kept as they were have an unknown id (""), so the next edit gathers the site once.
    return Record(*indexed(known), config, theme, inputs.base, views.keys[SITE_WIDE], tuple(renderer.feed_entries()),
                  len(caches.pages.entries), search, inputs.graph, inputs.metas,
                  pickle.dumps({k: dict(v) for k, v in shown_by.items()}, protocol=pickle.HIGHEST_PROTOCOL),
                  embeds=frozenset(u for url, body in bodies.items() if body.embeds
                                   for u in (url, *(target for target, _, _ in body.embeds))))


def listed(renderer, views) -> dict:
    """Every page's card under the listings key and, when rendered, the listings' contexts and who holds each card."""
    cards = {url: card_of(renderer.graph, url) for url in renderer.graph.pages}
    saved = {"cards": {"key": views.keys[SITE_WIDE], "cards": cards}}
    if renderer.contexts:
        saved["contexts"] = {"graph": views.inputs.graph, "base": views.inputs.base,
                             "contexts": renderer.contexts, "holders": holders(renderer.contexts)}
    return saved


def indexed(known: list[Known]) -> tuple[dict, dict, dict]:
    """Record.pages, .owns and .sources of some pages."""
    return ({k.url: k.packed() for k in known},
            {k.url: k.own for k in known}, {k.where[0]: k.url for k in known})
