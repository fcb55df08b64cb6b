"""The CLI's fast lane: a build after small edits to existing pages, made from a small record of the
last good build into the same folder instead of from the whole build cache.

The watch server patches prose edits into the site it holds (patch.py). A new process holds
nothing, and loading every page, body and the graph from the cache takes seconds at 10,000
concepts. So each good build leaves a record of what such an edit needs: each page's source,
hashes of its fields, the shape of its body (links, wikilinks, anchors) and how its wikilinks
resolved; what its view reads of the graph and which pages it shows; the feed's entries; the keys
the output manifest uses. Each page's view waits on the shelf (shelf.py), and each listing's
context beside it (cardswap.py).

Two kinds of edit qualify: prose (the rules are patch.py's: same fields, same links, same
anchors), and edits to the fields only cards and the page's own view show (cache.CARD_ONLY:
summary, definition, read time), which leave the graph as it was. Neither may cause a problem.
Anything else returns None before anything is written, and the caller builds the usual way.
What this lane writes (outputs, manifest, cache entries) is what that build would have written;
tests/test_quick.py holds the two side by side. lane.py does the rendering and writing."""
from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from conceptsite.incremental.cache import Recorder, digest, page_frame, page_meta
from conceptsite.source.config import SiteConfig
from conceptsite.source.discover import SourceFile
from conceptsite.diagnostics import Diagnostic
from conceptsite.incremental.unchanged import Scan
from conceptsite.incremental.manifest import SITE_WIDE, Manifest
from conceptsite.incremental.keys import own_key
from conceptsite.markdown.convert import Body, Markup
from conceptsite.source.page import Page, reread
from conceptsite.render.theme import Theme
from conceptsite.incremental.cards import holders
from conceptsite.render.views import card_of

LIMIT = 20  # edits to more pages than this at once go the usual way


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
        path, shown, kind, slug = self.where
        return SourceFile(Path(path), shown, kind, slug)

    def packed(self) -> bytes:
        """The Known as Record.pages keeps it: its fields as a plain tuple, which pickles ten times faster
        than the dataclass (every good build packs every page)."""
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
    search: str  # fingerprint() of the search terms this build's search.json came from
    graph: str = ""  # keys.graph_inputs()
    metas: dict | None = None  # url -> Known.meta, in the graph's order (the listings key covers them)
    # pickled: "cards" -> url -> the pages whose views show its card; "drawn" -> url -> the pages whose maps
    # alone draw it (their views show nothing a card edit changes, but their stamps hold its fields); the
    # pages by their place in the graph's order
    shown_by: bytes = b""
    context: str = ""  # fresh.Scan's, when the build was made
    files: dict | None = None  # fresh.Scan's
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One page's edit, done: prose, or fields only cards show (`fields`), or both."""

    known: Known
    page: Page
    body: Body
    stat: tuple
    fields: bool = False


def shape(body: Body) -> str:
    """A hash of what a body gives the graph, the link checker and other pages' #anchors."""
    return digest(repr(body.links), repr(body.wikilinks), *sorted(body.ids))


def snapshot(graph, bodies: dict, caches, config: SiteConfig, theme: Theme, views, renderer) -> Record:
    """The record of a build about to be written (the caller adds the scan and the warnings)."""
    known, inputs = [], views.inputs
    number = {url: n for n, url in enumerate(graph.pages)}  # small ints pickle in a byte or two, URLs in dozens
    for url, page in graph.pages.items():
        entry, resolutions = caches.pages.entries[str(page.source.path)], caches.bodies.entries[url].resolutions
        source = page.source
        known.append(Known(url, (str(source.path), source.shown, source.kind, source.slug), entry.meta, entry.frame,
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
    # When the search index was kept as it was, which terms made it is unknown here (the cache's may be another
    # output folder's): an empty fingerprint, so the next edit goes the usual way once.
    return Record(*_indexed(known), config, theme, inputs.base, views.keys[SITE_WIDE], tuple(renderer.feed_entries()),
                  len(caches.pages.entries), fingerprint(renderer.search), inputs.graph, inputs.metas,
                  pickle.dumps({k: dict(v) for k, v in shown_by.items()}, protocol=pickle.HIGHEST_PROTOCOL))


def listed(renderer, views) -> dict:
    """What the card lane needs of the listings, to save beside the record: every page's card, under the
    listings key; and, when this build rendered the listings, their contexts with cards as cardswap.Refs
    and which listings hold each page's card, under the graph's key (cards aside, they follow from the graph)."""
    cards = {url: card_of(renderer.graph, url) for url in renderer.graph.pages}
    saved = {"cards": {"key": views.keys[SITE_WIDE], "cards": cards}}
    if renderer.contexts:
        saved["contexts"] = {"graph": views.inputs.graph, "base": views.inputs.base,
                             "contexts": renderer.contexts, "holders": holders(renderer.contexts)}
    return saved


def fingerprint(terms) -> str:
    """A hash of search terms' pages, fields and words: the cache's terms are shared by every output
    folder (other folders may be built with other options), so the lane checks they are this one's."""
    return digest(terms.rows, *terms.words, *terms.words.values()) if terms is not None else ""


def _indexed(known: list[Known]) -> tuple[dict, dict, dict]:
    """Record.pages, .owns and .sources of some pages."""
    return ({k.url: k.packed() for k in known},
            {k.url: k.own for k in known}, {k.where[0]: k.url for k in known})


def remember(manifest: Manifest, record: Record, listings: dict | None) -> None:
    """Keep the record and the listings' cards and contexts (see listed()) beside the manifest they go with."""
    for name, data in (listings or {}).items():
        manifest.store.save(f"{manifest.name}-{name}", data)
    manifest.store.save(manifest.name + "-quick", {"record": record})


def build(manifest: Manifest, scan: Scan, strict: bool):
    """Build a small edit the fast way: a lane.Done (what was written, the new record, which lane), or None
    when it is not one."""
    from conceptsite.incremental.redo import Lane  # lane.py uses this module's types: imported when a lane runs, not at import time

    record = manifest.store.load(manifest.name + "-quick").get("record")
    if not isinstance(record, Record) or record.context != scan.context or (strict and record.warnings):
        return None
    if not manifest.all_intact():  # an output changed by hand: the usual build puts every such file right
        return None
    edits = find_edits(record, scan)
    if not edits:
        return None
    return Lane(manifest, record).run(edits, scan)


def find_edits(record: Record, scan: Scan) -> list[Edit] | None:
    """The changed files as edits this lane takes, or None when any change is something else."""
    if scan.files.keys() != record.files.keys():
        return None  # a file was added or removed
    changed = [path for path, stat in scan.files.items() if record.files[path] != stat]
    if len(changed) > LIMIT:
        return None
    noisy = {d.path for d in record.warnings}
    edits = []
    for path in changed:
        url = record.sources.get(path)
        known = Known.unpacked(record.pages[url]) if url is not None else None
        edit = redo(known, scan.files[path], record.config.allow_html) if known and known.where[1] not in noisy else None
        if edit is None:
            return None
        edits.append(edit)
    return edits


def redo(known: Known, stat: tuple, allow_html: bool) -> Edit | None:
    """Read and convert an edited page again; None unless the graph would not change and it has no problem."""
    found = reread(known.source)
    if found is None:
        return None
    raw, page = found
    meta = page_meta(page)
    # A plain page with a summary is searchable and one without is not: a summary edit there goes the usual way.
    if meta != known.meta and (page.kind == "page" or page_frame(page) != known.frame):
        return None
    converted = convert(known, page, allow_html)
    if converted is None:
        return None
    body, resolutions = converted
    file = digest(raw)
    edited = replace(known, meta=meta, digest=file, resolutions=resolutions, own=own_key(file, resolutions))
    return Edit(edited, page, body, stat, fields=meta != known.meta)


def convert(known: Known, page: Page, allow_html: bool) -> tuple[Body, tuple] | None:
    """A page's body made again, its wikilinks answered as the last build answered them: (body, resolutions),
    or None when it has a problem, uses a name the last build did not answer, or changed its shape."""
    replay = _Replay(known.resolutions)
    recorder = Recorder(replay)
    body = Markup(recorder, allow_html=allow_html).convert(page.body, page.url)
    if replay.missed or body.problems or shape(body) != known.shape:
        return None
    return body, tuple(recorder.log)


class _Replay:
    """Answers wikilink names as the last build's index did, for the names the page used then.

    Every other page is unchanged and this one kept what the graph reads, so the index would answer
    the same; a name the page did not use before (whose answer is unknown here) sends the edit the
    usual way."""

    def __init__(self, resolutions: tuple):
        self.answers = {name: (found, hint) for name, found, hint in resolutions}
        self.missed = False

    def resolve(self, name: str):
        """The last build's answer."""
        if name not in self.answers:
            self.missed = True
            return None
        return self.answers[name][0]

    def hint(self, name: str) -> str:
        """The last build's did-you-mean text."""
        return self.answers.get(name, (None, ""))[1]
