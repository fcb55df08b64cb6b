"""Parsed pages by source path, kept between builds: a file is re-read only when its stat changed,
re-parsed only when its bytes did."""
from __future__ import annotations

from dataclasses import dataclass, replace

from conceptsite.diagnostics import Diagnostic, Report
from conceptsite.source.discover import SourceFile
from conceptsite.store import Store, digest


@dataclass(frozen=True)
class PageEntry:
    """A parsed source file: what it was read from, the page (None if it failed) and its diagnostics."""

    source: SourceFile
    stat: tuple[int, int]  # (mtime_ns, size) when it was read
    digest: str
    page: object  # parse.Page | None
    diagnostics: tuple[Diagnostic, ...]
    meta: str = ""  # hash of the page without its body text: what the listings read
    frame: str = ""  # the same without the fields only cards and its own page show: what the graph reads
    dates: object = None  # history.FileDates from git it was read with, or None
    keys: tuple = ()  # site.yml's key map it was read with


def page_meta(page) -> str:
    """Hash of everything about a page except its body text (fields derived from the body included)."""
    return digest(repr(replace(page, body=""))) if page is not None else ""


# Shown on cards, the page's own view and the data files, never read by the graph stage: an edit to
# these keeps the graph (and everything derived from it) as it was.
CARD_ONLY = {"summary": "", "definition": "", "read_time": 0}


def page_frame(page) -> str:
    """Hash of what the graph reads of a page: page_meta without the CARD_ONLY fields."""
    return digest(repr(replace(page, body="", **CARD_ONLY))) if page is not None else ""


class PageCache:
    """Parsed pages by source path; a file is re-read only when its stat changed, re-parsed only when its bytes did."""

    def __init__(self, store: Store):
        self.store = store
        self.entries: dict[str, PageEntry] = store.load_entries("pages")
        self.changed: set[str] = set()

    def read(self, source: SourceFile, parse, dates=None, keys: tuple = ()) -> PageEntry:
        """The entry for one source file, with its dates from git and site.yml's key map; parse(source, raw,
        report, dates, keys) makes a page on a miss."""
        key = str(source.path)
        entry = self.entries.get(key)
        st = source.path.stat()
        stat = (st.st_mtime_ns, st.st_size)
        same = entry is not None and entry.source == source and entry.dates == dates and entry.keys == keys
        if same and entry.stat == stat:
            return entry
        raw = source.path.read_bytes()
        found = digest(raw)
        if same and entry.digest == found:
            entry = replace(entry, stat=stat)
        else:
            report = Report()
            page = parse(source, raw, report, dates, keys)
            entry = PageEntry(source, stat, found, page, tuple(report.items), page_meta(page), page_frame(page), dates,
                              keys)
        self.entries[key] = entry
        self.changed.add(key)
        return entry

    def save(self, keep: set[str]) -> None:
        """Save, dropping entries for files that are gone."""
        stale = set(self.entries) - keep
        for key in stale:
            del self.entries[key]
        if self.changed or stale:
            self.store.save_entries("pages", self.entries, self.changed, stale)

