"""The CLI's fast lane: a build after edits to the prose of existing pages, made from a small record
of the last good build into the same folder instead of from the whole build cache.

The watch server patches such edits into the site it holds (patch.py). A new process holds
nothing, and loading every page, body and the graph from the cache takes seconds at 10,000
concepts. So each good build leaves a record of what a prose edit needs: each page's source,
a hash of its fields, the shape of its body (links, wikilinks, anchors) and how its wikilinks
resolved; the feed's entries; the keys the output manifest uses. Each page's view waits on the
shelf (shelf.py). The rules are patch.py's: same fields, same links, same anchors, no problems
before or after. Anything else returns None before anything is written, and the caller builds
the usual way. What this lane writes (outputs, manifest, cache entries) is what that build would
have written; tests/test_quick.py holds the two side by side."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import BodyEntry, PageEntry, Recorder, body_key, digest, fits, page_frame, page_meta
from .config import SiteConfig
from .discover import SourceFile
from .errors import Diagnostic, Report
from .fresh import Scan
from .incremental import SITE_WIDE, Manifest, view_key, write_changed
from .keys import body_outputs_key, own_key, page_stamp
from .markup import Body, Markup
from .output import WriteStats
from .parse import Page, reread
from .render import TEMPLATE_FOR, Renderer
from .shelf import Shelf, shelve
from .theme import Theme, make_environment

LIMIT = 20  # prose edits to more pages than this at once go the usual way


@dataclass(frozen=True)
class Known:
    """What the last good build knew about one page."""

    url: str
    where: tuple  # the page's discover.SourceFile as plain strings (pickled Paths load slowly)
    meta: str  # cache.page_meta: everything but the body text
    shape: str  # the body's links, wikilinks and anchors
    resolutions: tuple  # how its wikilinks resolved (cache.Recorder's log)
    digest: str  # hash of the file's bytes
    own: str  # keys.own_key of the file and its resolutions
    surroundings: str  # the rest of its view stamp: what the view reads of the graph and other pages

    @property
    def source(self) -> SourceFile:
        """The page's source file."""
        path, shown, kind, slug = self.where
        return SourceFile(Path(path), shown, kind, slug)


@dataclass(frozen=True)
class Record:
    """The last good build into one output folder, as the fast lane needs it."""

    pages: dict  # url -> Known, pickled one by one: a lane unpickles only the pages it redoes
    owns: dict  # url -> Known.own, in the graph's order
    sources: dict  # source path -> url
    config: SiteConfig
    theme: Theme
    base: str  # the key every page's view key starts from
    listings: str  # the listings' key, which page stamps start from
    feed: tuple  # Renderer.feed_entries()
    entries: int  # page-cache entries (drafts and broken files too), for the journal's size rule
    search: str  # fingerprint() of the search terms this build's search.json came from
    context: str = ""  # fresh.Scan's, when the build was made
    files: dict | None = None  # fresh.Scan's
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One page's prose edit, done."""

    known: Known
    page: Page
    body: Body
    stat: tuple


def shape(body: Body) -> str:
    """A hash of what a body gives the graph, the link checker and other pages' #anchors."""
    return digest(repr(body.links), repr(body.wikilinks), *sorted(body.ids))


def snapshot(graph, bodies: dict, caches, config: SiteConfig, theme: Theme, views, renderer) -> Record:
    """The record of a build about to be written (the caller adds the scan and the warnings)."""
    known = []
    for url, page in graph.pages.items():
        entry, resolutions = caches.pages.entries[str(page.source.path)], caches.bodies.entries[url].resolutions
        source = page.source
        known.append(Known(url, (str(source.path), source.shown, source.kind, source.slug), entry.meta,
                           shape(bodies[url]), resolutions, entry.digest, views.owns[url], views.surroundings[url]))
    # When the search index was kept as it was, which terms made it is unknown here (the cache's may be another
    # output folder's): an empty fingerprint, so the next prose edit goes the usual way once.
    return Record(*_indexed(known), config, theme, views.base, views.keys[SITE_WIDE], tuple(renderer.feed_entries()),
                  len(caches.pages.entries), fingerprint(renderer.search))


def fingerprint(terms) -> str:
    """A hash of search terms' pages, fields and words: the cache's terms are shared by every output
    folder (other folders may be built with other options), so the lane checks they are this one's."""
    return digest(terms.rows, *terms.words, *terms.words.values()) if terms is not None else ""


def _indexed(known: list[Known]) -> tuple[dict, dict, dict]:
    """Record.pages, .owns and .sources of some pages."""
    return ({k.url: pickle.dumps(k, protocol=pickle.HIGHEST_PROTOCOL) for k in known},
            {k.url: k.own for k in known}, {k.where[0]: k.url for k in known})


def remember(manifest: Manifest, record: Record) -> None:
    """Keep the record beside the manifest it goes with."""
    manifest.store.save(manifest.name + "-quick", {"record": record})


def build(manifest: Manifest, scan: Scan, strict: bool) -> tuple[WriteStats, Record] | None:
    """Build a prose edit the fast way: (what was written, the new record), or None when it is not one."""
    record = manifest.store.load(manifest.name + "-quick").get("record")
    if not isinstance(record, Record) or record.context != scan.context or (strict and record.warnings):
        return None
    if not manifest.all_intact():  # an output changed by hand: the usual build puts every such file right
        return None
    edits = prose_edits(record, scan)
    if not edits:
        return None
    return _Lane(manifest, record).run(edits, scan)


def prose_edits(record: Record, scan: Scan) -> list[Edit] | None:
    """The changed files as prose edits, or None when any change is something else."""
    if scan.files.keys() != record.files.keys():
        return None  # a file was added or removed
    changed = [path for path, stat in scan.files.items() if record.files[path] != stat]
    if len(changed) > LIMIT:
        return None
    noisy = {d.path for d in record.warnings}
    edits = []
    for path in changed:
        url = record.sources.get(path)
        known = pickle.loads(record.pages[url]) if url is not None else None
        edit = redo(known, scan.files[path], record.config.allow_html) if known and known.where[1] not in noisy else None
        if edit is None:
            return None
        edits.append(edit)
    return edits


def redo(known: Known, stat: tuple, allow_html: bool) -> Edit | None:
    """Read and convert an edited page again; None unless only its prose changed and it has no problem."""
    found = reread(known.source)
    if found is None or page_meta(found[1]) != known.meta:
        return None
    raw, page = found
    replay = _Replay(known.resolutions)
    recorder = Recorder(replay)
    body = Markup(recorder, allow_html=allow_html).convert(page.body, page.url)
    if replay.missed or body.problems or shape(body) != known.shape:
        return None
    file, resolutions = digest(raw), tuple(recorder.log)
    return Edit(replace(known, digest=file, resolutions=resolutions, own=own_key(file, resolutions)), page, body, stat)


class _Replay:
    """Answers wikilink names as the last build's index did, for the names the page used then.

    Every other page is unchanged and this one kept its fields, so the index would answer the same;
    a name the page did not use before (whose answer is unknown here) sends the edit the usual way."""

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


class _Lane:
    """Renders and writes the outputs a prose edit changes, and brings the cache up to date."""

    def __init__(self, manifest: Manifest, record: Record):
        self.manifest, self.record, self.store = manifest, record, manifest.store
        self.shelf = Shelf(self.store, manifest.name)
        self.stamps = self.store.load(manifest.name + "-views")
        self.report = Report()
        self.renderer = Renderer(make_environment(record.theme, self.store.folder), record.config, None, {}, self.report)

    def run(self, edits: list[Edit], scan: Scan) -> tuple[WriteStats, Record] | None:
        """Render everything first; write only when all of it worked."""
        files, keys, views = {}, {SITE_WIDE: self.record.listings}, {}
        for edit in edits:
            path = edit.known.url + "index.html"
            view = self.shelf.get(self.stamps.get(path, (None, None))[1])
            if view is None:
                return None
            view = replace(view, html=edit.body.html, toc=edit.body.toc)
            keys[path] = view_key(self.record.base, view)
            files[path] = self.renderer.render(TEMPLATE_FOR[edit.page.kind], edit.known.url, page=view)
            views[keys[path]] = view
        html = {edit.known.url: edit.body.html for edit in edits}
        feed = tuple((card, html.get(card.url, body), *rest) for card, body, *rest in self.record.feed)
        search = self.store.load("search").get("terms")
        if search is None or fingerprint(search) != self.record.search:
            return None
        for edit in edits:
            search = search.replaced(edit.known.url, edit.body.words)
        files["feed.xml"], files["search.json"] = self.renderer.render_feed(list(feed)), search.to_json()
        if self.report.items or not self._journal(edits):
            return None
        pages, owns, _ = _indexed([edit.known for edit in edits])
        owns = {**self.record.owns, **owns}
        keys.update(dict.fromkeys(("feed.xml", "search.json"), body_outputs_key(owns, self.record.listings)))
        return self._write(files, keys, views, search, edits), replace(
            self.record, pages={**self.record.pages, **pages}, owns=owns, feed=feed, files=scan.files,
            search=fingerprint(search))

    def _journal(self, edits: list[Edit]) -> bool:
        """Add the new page and body entries to the cache's journals; False when a journal would grow
        too big, which only a whole save of the cache may do (then nothing is written)."""
        allow = self.record.config.allow_html
        pages = self.store.journaled("pages", {e.known.where[0]: PageEntry(
            e.known.source, e.stat, e.known.digest, e.page, (), e.known.meta, page_frame(e.page)) for e in edits})
        bodies = self.store.journaled("bodies", {e.known.url: BodyEntry(
            body_key(e.page.body, e.known.url, allow), e.known.resolutions, e.body) for e in edits})
        if not (fits(pages, self.record.entries) and fits(bodies, len(self.record.pages))):
            return False
        if not all((self.store.folder / f"{name}.pickle").exists() for name in ("pages", "bodies")):
            return False
        self.store.save("pages-journal", pages)
        self.store.save("bodies-journal", bodies)
        return True

    def _write(self, files: dict, keys: dict, views: dict, search, edits: list[Edit]) -> WriteStats:
        """Write the changed outputs and the state the next build starts from."""
        self.store.forget(self.manifest.name + "-quick")  # until the new record is saved
        kept = set(self.manifest.entries) - {SITE_WIDE} - set(files)
        stats = write_changed(self.manifest, files, kept, {}, keys)
        for edit in edits:
            path = edit.known.url + "index.html"
            self.stamps[path] = (page_stamp(edit.known.surroundings, edit.known.own), keys[path])
        self.store.save(self.manifest.name + "-views", self.stamps)
        for key, view in views.items():
            self.shelf.put(key, shelve(key, view))
        self.shelf.update({key for _, key in self.stamps.values()})
        self.store.save("search", {"terms": search})
        return stats

