"""Rendering the outputs some edits change, from the record, the view pack and the kept listing
contexts, then writing them and the state the next build starts from, as a whole build would."""
from __future__ import annotations

import os
import pickle
import secrets
from dataclasses import dataclass, replace

from conceptsite.diagnostics import Report
from conceptsite.incremental.classify import Edit, convert
from conceptsite.incremental.keys import body_outputs_key, listings_key, page_stamp, surroundings_key
from conceptsite.incremental.manifest import SITE_WIDE, Manifest, pack_view, view_key
from conceptsite.incremental.record import Known, Record, indexed
from conceptsite.incremental.state import State
from conceptsite.incremental.write import Same, WriteStats, write_changed
from conceptsite.markdown.body_cache import BodyEntry, body_key
from conceptsite.render.cards import swap, thaw
from conceptsite.render.data_files import patch_line
from conceptsite.render.pages import TEMPLATE_FOR, Renderer
from conceptsite.render.theme import make_environment
from conceptsite.render.views import card
from conceptsite.source.page import reread
from conceptsite.source.page_cache import PageEntry, page_frame
from conceptsite.store import fits

SHOWING_LIMIT = 200  # a field edit whose card shows on more pages than this goes the usual way


@dataclass(frozen=True)
class Done:
    """What the edits made: the write, the new record, the listings' cards to keep, and which kind they were."""

    stats: WriteStats
    record: Record
    listings: dict
    kind: str  # "prose" or "fields"


class Rerender:
    """Renders and writes the outputs some edits change, and brings the state up to date."""

    def __init__(self, state: State, record: Record):
        self.state, self.record, self.store = state, record, state.store
        self.manifest = Manifest(state)
        self.shelf = state.view_pack()
        self.stamps = dict(state.load("stamps"))  # a copy: a failed attempt must leave the state as it was
        self.report = Report()
        self.renderer = Renderer(make_environment(record.theme, self.store.folder), record.config, None, {}, self.report)
        self.files: dict = {}
        self.keys: dict = {}
        self.views: dict = {}
        self.listed: dict = {}  # record.listed()'s parts these edits changed
        self.feed: tuple = record.feed

    def run(self, edits: tuple[Edit, ...], scan, notice_styles: bool = False, before_write=None) -> Done | None:
        """Render everything first; write only when all of it worked."""
        cards = {e.known.url: card(e.page) for e in edits if e.fields}
        metas = {**(self.record.metas or {}), **{e.known.url: e.known.meta for e in edits}}
        listings = listings_key(self.record.base, self.record.graph, metas) if cards else self.record.listings
        knowns = self._affected(edits, cards)
        if knowns is None or not self._pages(knowns, {e.known.url: e for e in edits}, cards, metas):
            return None
        if cards and not self._listings(cards, {e.known.url: e.page for e in edits if e.fields}, listings):
            return None
        search = self._search(edits, cards)
        if search is None or self.report.items or not self._journal(edits):
            return None
        owns = {**self.record.owns, **{e.known.url: e.known.own for e in edits}}
        self.keys[SITE_WIDE] = listings
        self.keys.update(dict.fromkeys(("feed.xml", "search.json"), body_outputs_key(owns, listings)))
        if before_write is not None:
            before_write()
        search_id = secrets.token_hex(8)
        stats = self._write(search, search_id, notice_styles)
        pages, _, _ = indexed([known for known, _ in knowns.values()])
        record = replace(self.record, pages={**self.record.pages, **pages}, owns=owns, listings=listings,
                         metas=metas, feed=self.feed, files=scan.files, search=search_id)
        return Done(stats, record, self.listed, "fields" if cards else "prose")

    def _affected(self, edits: list[Edit], cards: dict) -> dict | None:
        """url -> (Known, may show a changed card) of the pages to stamp again: edited, showing or drawing a card."""
        affected = {e.known.url: (e.known, True) for e in edits}
        if cards:
            shown_by = pickle.loads(self.record.shown_by) if self.record.shown_by else None
            if shown_by is None:
                return None
            order = list(self.record.owns)
            showing = {order[n] for url in cards for n in shown_by["cards"].get(url, ())} - affected.keys()
            if len(showing) > SHOWING_LIMIT:
                return None
            drawing = {order[n] for url in cards for n in shown_by["drawn"].get(url, ())} - affected.keys() - showing
            for urls, carded in ((showing, True), (drawing, False)):
                affected.update((url, (Known.unpacked(self.record.pages[url]), carded)) for url in sorted(urls))
        return affected

    def _pages(self, knowns: dict, edits: dict, cards: dict, metas: dict) -> bool:
        """Each page's new stamp and, when its view changed, the page; False when a view or body is missing."""
        base, order = self.record.base, list(self.record.owns)
        for url, (known, carded) in list(knowns.items()):
            shown = [order[n] for n in known.shown]
            known = replace(known, surroundings=surroundings_key(base, known.answers, shown, metas))
            knowns[url], path = (known, carded), url + "index.html"
            if path not in self.stamps:
                return False
            if not carded:  # its map draws an edited page, whose title and tags are as they were
                self.stamps[path] = (page_stamp(known.surroundings, known.own), self.stamps[path][1])
                continue
            shelved = self.shelf.get(self.stamps[path][1])
            if shelved is None:
                return False
            view = swap(shelved, cards) if cards else shelved
            if url in edits:
                edit = edits[url]
                view = replace(view, definition=edit.page.definition, html=edit.body.html, toc=edit.body.toc)
            elif view == shelved:  # shows none of the changed cards: the same view, the same key
                self.stamps[path] = (page_stamp(known.surroundings, known.own), self.stamps[path][1])
                continue
            else:
                body = self._body(known)
                if body is None:
                    return False
                view = replace(view, html=body.html, toc=body.toc)
            key = self.keys[path] = view_key(base, view)
            self.files[path] = self.renderer.render(TEMPLATE_FOR[known.where[2]], url, page=view)
            self.views[key] = view
            self.stamps[path] = (page_stamp(known.surroundings, known.own), key)
        return True

    def _body(self, known: Known):
        """An unedited page's body, made again from its file (the shelf keeps views without bodies); None for a
        page with embeds, whose body the embed stage of a whole build fills."""
        found = reread(known.source) if known.url not in self.record.embeds else None
        converted = convert(known, found[1], self.record.config.allow_html) if found is not None else None
        return converted[0] if converted is not None else None

    def _listings(self, cards: dict, pages: dict, listings: str) -> bool:
        """The listings showing a changed card rendered, the data files patched; False on stale contexts."""
        saved, kept = self.state.load("cards"), self.state.load("contexts")
        if saved.get("key") != self.record.listings or (kept.get("graph"), kept.get("base")) != (
                self.record.graph, self.record.base):
            return False
        moved = [url for url, card in cards.items() if saved["cards"].get(url) != card]  # not a definition alone
        table = {**saved["cards"], **cards}
        for path in sorted({path for url in moved for path in kept["holders"].get(url, ())}):
            template, url, context = kept["contexts"][path]
            self.files[path] = self.renderer.render(template, url, **thaw(context, table))
        for name, key, fields in (("graph.json", "id", ("summary",)), ("concepts.json", "url", ("definition", "summary"))):
            data = (self.manifest.out / name).read_bytes()
            for url, page in pages.items():
                if name == "graph.json" or page.kind == "concept":
                    data = patch_line(data, key, url, {f: getattr(page, f) for f in fields})
                    if data is None:
                        return False
            self.files[name] = data
        for path, (key, _) in self.manifest.entries.items():
            if key == self.record.listings and path != SITE_WIDE and path not in self.files:
                self.files[path] = Same(os.path.getsize(self.manifest.out / path))
        self.listed = {"cards": {"key": listings, "cards": table}}
        return True

    def _search(self, edits: list[Edit], cards: dict):
        """The search terms with the edits in, and the feed; None when the cache's terms are not this folder's."""
        saved = self.state.load("search")  # shared by every output folder: the id says whose they are
        if saved.get("id") != self.record.search:
            return None
        search = saved["terms"]
        for edit in edits:
            search = search.replaced(edit.known.url, edit.body.words)
        search = search.with_rows([e.page for e in edits if e.fields])
        html = {edit.known.url: edit.body.html for edit in edits}
        self.feed = tuple((swap(c, cards), html.get(c.url, body), *rest) for c, body, *rest in self.record.feed)
        self.files["feed.xml"], self.files["search.json"] = self.renderer.render_feed(list(self.feed)), search.to_json()
        return search

    def _journal(self, edits: list[Edit]) -> bool:
        """Add the new page and body entries to the cache's journals; False when one would outgrow its file."""
        allow = self.record.config.allow_html
        pages = self.store.journaled("pages", {e.known.where[0]: PageEntry(
            e.known.source, e.stat, e.known.digest, e.page, (), e.known.meta, page_frame(e.page)) for e in edits})
        bodies = self.store.journaled("bodies", {e.known.url: BodyEntry(
            body_key(e.page.body, e.known.url, allow, e.page.source.folder), e.known.resolutions, e.body) for e in edits})
        if not (fits(pages, self.record.entries) and fits(bodies, len(self.record.pages))):
            return False
        if not (self.store.has("pages") and self.store.has("bodies")):
            return False
        self.store.save_journal("pages", pages)
        self.store.save_journal("bodies", bodies)
        return True

    def _write(self, search, search_id: str, notice_styles: bool) -> WriteStats:
        """Write the changed outputs and the state the next build starts from."""
        self.state.forget("record")  # until the new record is saved
        kept = set(self.manifest.entries) - {SITE_WIDE} - set(self.files)
        stats = write_changed(self.manifest, self.files, kept, {}, self.keys, notice_styles=notice_styles)
        self.state.save("stamps", self.stamps)
        for key, view in self.views.items():
            self.shelf.put(key, pack_view(key, view))
        self.shelf.update({key for _, key in self.stamps.values()})
        self.state.save("search", {"terms": search, "id": search_id})
        return stats
