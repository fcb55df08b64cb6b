"""The classifier: what changed since the last good build into a folder. Nothing (nothing to do);
edits to pages that keep the graph as it was, prose or the fields only cards show (page_cache.CARD_ONLY),
with no problem, which rerender.py renders from the record; or anything else (gather the whole site)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from conceptsite.diagnostics import shown
from conceptsite.incremental.keys import own_key
from conceptsite.incremental.manifest import Manifest
from conceptsite.incremental.record import Known, Record, shape
from conceptsite.incremental.scan import Scan
from conceptsite.incremental.state import State
from conceptsite.markdown.body_cache import Recorder
from conceptsite.markdown.convert import Body, Markup
from conceptsite.source.page import Page, reread
from conceptsite.source.page_cache import page_frame, page_meta
from conceptsite.store import digest

LIMIT = 20  # edits to more pages than this at once go the usual way


@dataclass(frozen=True)
class Edit:
    """One page's edit, done: prose, or fields only cards show (`fields`), or both."""

    known: Known
    page: Page
    body: Body
    stat: tuple
    fields: bool = False


@dataclass(frozen=True)
class Change:
    """What changed: no edits (nothing to do), some edits, or None (gather the whole site)."""

    record: Record | None
    edits: tuple[Edit, ...] | None


def classify(state: State, scan: Scan, strict: bool) -> Change:
    """Compare what a build reads now with the record of the last good build into this folder."""
    record = state.load("record").get("record")
    strict = strict or (isinstance(record, Record) and record.config.strict)  # --strict, or strict: true in site.yml
    if not isinstance(record, Record) or record.context != scan.context or (strict and record.warnings):
        return Change(None, None)
    manifest = Manifest(state)
    if not manifest.entries or not state.outputs_intact(manifest.all_intact):  # gone or changed by hand: mend all
        return Change(record, None)
    # Notes' git dates as the last build read them: HEAD is as it was then, or scan.context would differ.
    edits = find_edits(record, scan, state.load("history").get("dates", {}))
    return Change(record, tuple(edits) if edits is not None else None)


def find_edits(record: Record, scan: Scan, dates: dict) -> list[Edit] | None:
    """The changed files as edits ([] when none changed), or None when any change is something else."""
    if scan.files.keys() != record.files.keys():
        return None  # a file was added or removed
    changed = [path for path, stat in scan.files.items() if record.files[path] != stat]
    if len(changed) > LIMIT:
        return None
    noisy = {d.path for d in shown(record.warnings)}
    notes = defaultdict(list)  # an edit may keep a page's notes (its unknown keys), as they were, in place
    for d in record.warnings:
        if d.severity == "note":
            notes[d.path].append(d)
    edits = []
    for path in changed:
        url = record.sources.get(path)
        if url in record.embeds:  # its text shows in other pages, or theirs in it: the keys know which
            return None
        known = Known.unpacked(record.pages[url]) if url is not None else None
        quiet = known is not None and known.where[1] not in noisy
        edit = redo(known, scan.files[path], record.config, tuple(notes[known.where[1]]),
                    dates.get(known.where[0])) if quiet else None
        if edit is None:
            return None
        edits.append(edit)
    return edits


def redo(known: Known, stat: tuple, config, notes: tuple = (), dates=None) -> Edit | None:
    """Read and convert an edited page again; None unless the graph would not change and it has no problem
    (and the same notes as last time, which the record keeps for --strict)."""
    found = reread(known.source, dates, config.keys)
    if found is None or found[2] != notes:
        return None
    raw, page, _ = found
    meta = page_meta(page)
    # A plain page with a summary is searchable and one without is not: a summary edit there goes the usual way.
    if meta != known.meta and (page.kind == "page" or page_frame(page) != known.frame):
        return None
    converted = convert(known, page, config.allow_html)
    if converted is None:
        return None
    body, resolutions = converted
    file = digest(raw)
    edited = replace(known, meta=meta, digest=file, resolutions=resolutions, own=own_key(file, resolutions, dates))
    return Edit(edited, page, body, stat, fields=meta != known.meta)


def convert(known: Known, page: Page, allow_html: bool) -> tuple[Body, tuple] | None:
    """A page's body made again, its wikilinks answered as last time; None on a problem, a new name or shape."""
    replay = _Replay(known.resolutions)
    recorder = Recorder(replay)
    body = Markup(recorder, allow_html=allow_html).convert(page.body, page.url, page.source.folder)
    if replay.missed or body.problems or shape(body) != known.shape:
        return None
    return body, recorder.take()


class _Replay:
    """Answers wikilink names as the last build's index did; a name not used then means a whole build."""

    def __init__(self, resolutions: tuple):
        self.answers, self.hints = {}, {}
        for name, found, hint in resolutions:
            self.answers[name] = found
            if hint is not None:  # (None: no did-you-mean was asked for that time)
                self.hints[name] = hint
        self.missed = False

    def resolve(self, name: str):
        """The last build's answer."""
        if name not in self.answers:
            self.missed = True
            return None
        return self.answers[name]

    def resolve_file(self, name: str, folder: str):
        """The last build's answer for an embedded file."""
        return self.resolve((name, folder))

    def hint(self, name: str) -> str:
        """The last build's did-you-mean text."""
        return self.hints.get(name, "")
