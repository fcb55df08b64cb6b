"""The persistent build cache: parsed pages, rendered bodies, the graph and the search terms, reused
while their inputs are unchanged.

Every entry is keyed by content (a hash of the file's bytes, with a (mtime_ns, size) fast path so
unchanged files are not even read) and every cache file carries a version key of the generator, so
a new conceptsite, a new Markdown library or another allow_html setting never reuses stale work.
A cache file that cannot be read for any reason is ignored: the cache only ever saves time."""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from conceptsite.markdown import speedups
from conceptsite.source.discover import SourceFile
from conceptsite.diagnostics import Diagnostic, Report
from conceptsite.graph.model import with_pages
from conceptsite.markdown.convert import Body

PACKAGE = Path(__file__).resolve().parents[1]
LIBRARIES = ("markdown", "pygments", "latex2mathml", "jinja2", "yaml")
JOURNAL_MIN = 50  # a journal of up to this many entries never forces a whole save


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of some bytes and strings."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def generator_version() -> str:
    """Hash of this package's sources, the libraries that shape the output and whether speed-ups run."""
    # The switch is read per build (a process may flip it), so cached results from tuned and stock
    # converters are never mixed: a run with them off really converts with the stock libraries.
    return digest(_code_version(), f"speedups={speedups.enabled()}")


@functools.cache  # the code a running process executes cannot change, so neither can its hash
def _code_version() -> str:
    parts = [sys.version]
    for path in sorted(PACKAGE.rglob("*.py")):  # subpackages too (speedups/)
        parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    for name in LIBRARIES:
        module = sys.modules.get(name) or __import__(name)
        parts.append(f"{name}={getattr(module, '__version__', '?')}")
    return digest(*parts)


def tree_version(*folders: Path) -> str:
    """Hash of every file's path and bytes under some folders (templates, static)."""
    parts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def atomic_write(path: Path, data: bytes | None = None, fill=None) -> None:
    """Write a file through a temporary file and a rename, so no reader ever sees half of it.

    Either the bytes, or fill(handle) writes them (a pickle streamed to disk needs no copy in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle) if fill is not None else handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """Pickled cache files in one folder, each tagged with a version; None disables the cache."""

    def __init__(self, folder: Path | None, version: str):
        self.folder, self.version = folder, version

    def load(self, name: str) -> dict:
        """The saved mapping, or {} when missing, from another version, or unreadable."""
        if self.folder is None:
            return {}
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                saved = pickle.load(handle)
            if isinstance(saved, dict) and saved.get("version") == self.version:
                return saved["data"]
        except Exception:  # a corrupt or foreign cache file is ignored, never fatal
            pass
        return {}

    def save(self, name: str, data: dict) -> None:
        """Replace one cache file atomically; a cache that cannot be written is skipped."""
        if self.folder is None:
            return
        try:
            saved = {"version": self.version, "data": data}
            atomic_write(self.folder / f"{name}.pickle",
                         fill=lambda handle: pickle.dump(saved, handle, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass

    def forget(self, name: str) -> None:
        """Delete one cache file (before a write that would make it wrong)."""
        if self.folder is not None:
            (self.folder / f"{name}.pickle").unlink(missing_ok=True)

    def load_entries(self, name: str) -> dict:
        """Entries saved by save_entries: the last whole save with its journal applied."""
        entries = self.load(name)
        journal = self.load(name + "-journal")
        entries.update(journal.get("set", {}))
        for key in journal.get("gone", ()):
            entries.pop(key, None)
        return entries

    def save_entries(self, name: str, entries: dict, changed: set, gone: set) -> None:
        """Save what changed since the last whole save into a small journal beside it, so a one-page
        edit does not rewrite every page's entry; once the journal grows past a twentieth of the
        entries, save them all again. Every entry checks itself on use, so an old journal left
        by a crash costs cache misses, never wrong output."""
        if self.folder is None:
            return
        journal = self.journaled(name, {key: entries[key] for key in changed if key in entries}, gone)
        if fits(journal, len(entries)) and (self.folder / f"{name}.pickle").exists():
            self.save(name + "-journal", journal)
        else:
            self.save(name, entries)
            self.forget(name + "-journal")

    def journaled(self, name: str, updates: dict, gone: set = frozenset()) -> dict:
        """The journal of a cache file with these entries set and those keys gone."""
        journal = self.load(name + "-journal")
        entries = {**journal.get("set", {}), **updates}
        for key in gone:
            entries.pop(key, None)
        return {"set": entries, "gone": (set(journal.get("gone", ())) | set(gone)) - set(entries)}


def fits(journal: dict, total: int) -> bool:
    """True when a journal is small enough to keep beside a cache file of `total` entries."""
    return len(journal["set"]) + len(journal["gone"]) <= max(JOURNAL_MIN, total // 20)


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

    def read(self, source: SourceFile, parse) -> PageEntry:
        """The entry for one source file; parse(raw, report) makes a page on a miss."""
        key = str(source.path)
        entry = self.entries.get(key)
        st = source.path.stat()
        stat = (st.st_mtime_ns, st.st_size)
        if entry is not None and entry.source == source and entry.stat == stat:
            return entry
        raw = source.path.read_bytes()
        found = digest(raw)
        if entry is not None and entry.source == source and entry.digest == found:
            entry = replace(entry, stat=stat)
        else:
            report = Report()
            page = parse(source, raw, report)
            entry = PageEntry(source, stat, found, page, tuple(report.items), page_meta(page), page_frame(page))
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


@dataclass(frozen=True)
class BodyEntry:
    """A rendered body, the key of what it was rendered from, and how its wikilinks resolved then."""

    key: str
    resolutions: tuple  # ((name, (url, title) | None, hint), ...)
    body: Body


class Recorder:
    """Wraps the name index for Markdown and notes every wikilink resolution a body used."""

    def __init__(self, index):
        self.index, self.log = index, []

    def resolve(self, name: str):
        """Resolve through the index and remember the answer."""
        found = self.index.resolve(name)
        self.log.append((name, found, "" if found else self.index.hint(name)))
        return found

    def hint(self, name: str) -> str:
        """Did-you-mean text, as the index gives it."""
        return self.index.hint(name)


def body_key(text: str, url: str, allow_html: bool) -> str:
    """What a cached body is rendered from, besides how its wikilinks resolve."""
    return digest(text, url, str(allow_html))


class BodyCache:
    """Rendered bodies by page URL, valid while the body text is the same and its links resolve the same."""

    def __init__(self, store: Store):
        self.store = store
        self.entries: dict[str, BodyEntry] = store.load_entries("bodies")
        self.changed: set[str] = set()

    def get(self, url: str, key: str, index) -> Body | None:
        """The cached body, or None when the text changed or a wikilink now resolves elsewhere."""
        entry = self.entries.get(url)
        if entry is None or entry.key != key:
            return None
        for name, found, hint in entry.resolutions:
            now = index.resolve(name)
            if now != found or (now is None and index.hint(name) != hint):
                return None
        return entry.body

    def put(self, url: str, key: str, resolutions: tuple, body: Body) -> None:
        """Remember a freshly rendered body."""
        self.entries[url] = BodyEntry(key, resolutions, body)
        self.changed.add(url)

    def save(self, keep: set[str]) -> None:
        """Save, dropping bodies of pages that are gone."""
        stale = set(self.entries) - keep
        for url in stale:
            del self.entries[url]
        if self.changed or stale:
            self.store.save_entries("bodies", self.entries, self.changed, stale)


class GraphCache:
    """The last good build's graph, reused while every page's fields and links are the same.

    Saved without its pages (the page cache holds those); the key sits in a file of its own so a
    build whose key differs never pays for loading the graph."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key: str, pages: dict):
        """The saved graph with these pages, or None when it was built from other inputs."""
        if self.store.load("graph-key").get("key") != key:
            return None
        saved = self.store.load("graph").get("graph")
        return with_pages(saved, pages) if saved is not None and saved.__class__.__name__ == "Graph" else None

    def save(self, key: str, graph) -> None:
        """Remember a freshly built graph under the key of its inputs, with what rendering derived from it."""
        self.store.save("graph", {"graph": with_pages(graph, {})})
        self.store.save("graph-key", {"key": key})


@dataclass(frozen=True)
class Caches:
    """The parts of the build cache one build uses (each None when the cache is off)."""

    store: Store
    pages: PageCache | None
    bodies: BodyCache | None
    graph: GraphCache | None

    @classmethod
    def open(cls, store: Store) -> Caches:
        """Load the page and body caches (the graph is loaded only when its key matches)."""
        if store.folder is None:
            return cls(store, None, None, None)
        return cls(store, PageCache(store), BodyCache(store), GraphCache(store))

    def save(self, sources, pages: list, graph_key: str | None, graph, renderer) -> None:
        """Keep what a good build made: entries of files still there, a graph built now (its key
        given), and the search terms when they changed."""
        if self.pages is None:
            return
        self.pages.save({str(s.path) for s in sources.pages})
        self.bodies.save({p.url for p in pages})
        if graph_key is not None:
            self.graph.save(graph_key, graph)
        if renderer.search is not None and renderer.search is not renderer.last_search:
            self.store.save("search", {"terms": renderer.search})
