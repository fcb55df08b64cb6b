"""Pickled state files in one folder, each tagged with a version, and packs of values by key: what
the build cache and the incremental engine keep between builds. A file that cannot be read for any
reason counts as missing: state only ever saves time."""
from __future__ import annotations

import functools
import glob
import hashlib
import os
import pickle
import secrets
import sys
import tempfile
import zlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("markdown", "pygments", "latex2mathml", "jinja2", "yaml")
JOURNAL_MIN = 50  # a journal of up to this many entries never forces a whole save


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of some bytes and strings."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@functools.cache  # the code a running process executes cannot change, so neither can its hash
def code_version() -> str:
    """Hash of this package's sources and the versions of the libraries that shape the output."""
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

    def __init__(self, folder: Path | None, version: str, write_behind: bool = False):
        self.folder, self.version = folder, version
        self._pending: dict | None = {} if write_behind else None  # name -> data that flush() writes

    def load(self, name: str) -> dict:
        """The saved mapping, or {} when missing, from another version, or unreadable."""
        if self._pending and name in self._pending:
            return self._pending[name]
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
        """Replace one cache file atomically (with write_behind, at the next flush())."""
        if self.folder is not None and self._pending is not None:
            self._pending[name] = data
        elif self.folder is not None:
            self._write(name, data)

    def _write(self, name: str, data: dict) -> None:
        try:
            saved = {"version": self.version, "data": data}
            atomic_write(self.folder / f"{name}.pickle",
                         fill=lambda handle: pickle.dump(saved, handle, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # a cache that cannot be written is skipped: it only ever saves time
            pass

    def forget(self, name: str) -> None:
        """Delete one cache file (before a write that would make it wrong); at once, even with write_behind."""
        if self._pending is not None:
            self._pending.pop(name, None)
        if self.folder is not None:
            (self.folder / f"{name}.pickle").unlink(missing_ok=True)

    def has(self, name: str) -> bool:
        """True when a whole save of this file is there."""
        return self.folder is not None and (name in (self._pending or {}) or (self.folder / f"{name}.pickle").exists())

    def flush(self, last: set = frozenset()) -> None:
        """Write what save() held back (write_behind), the names in `last` after all others."""
        pending, self._pending = self._pending, {} if self._pending is not None else None
        for name in sorted(pending or {}, key=lambda name: name in last):
            self._write(name, pending[name])

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
        if fits(journal, len(entries)) and self.has(name):
            self.save_journal(name, journal)
        else:
            self.save(name, entries)
            self.forget(name + "-journal")

    def save_journal(self, name: str, journal: dict) -> None:
        """Keep a journal (see journaled()) beside its cache file."""
        self.save(name + "-journal", journal)

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


class Pack:
    """Values by key, pickled and compressed one by one into an append-only pack file beside a store's
    files; an index (saved by the caller's `save`) maps each key to its place. Values put by a run that
    never called update() are dead bytes; once most of the pack is dead, update() copies the live ones
    into a new pack. Each blob holds its own key, so a damaged or stale pack gives a miss, never a
    wrong value. A disabled store makes an empty pack."""

    def __init__(self, store: Store, name: str, saved: dict, save):
        self.store, self.name, self._save = store, name, save
        self.pack = saved.get("pack", "")
        self.index: dict = dict(saved.get("index", {}))  # view key -> (offset, length); a copy, as put() adds to it
        if self.pack and (self._size() or 0) < saved.get("size", 0):  # cut short since: start a new one
            self.pack, self.index = "", {}
        self._handle = None

    def _size(self) -> int | None:
        try:
            return (self.store.folder / self.pack).stat().st_size
        except (OSError, TypeError):
            return None

    def get(self, key: str):
        """The value put under key, or None."""
        place = self.index.get(key)
        if place is None or self.store.folder is None:
            return None
        try:
            with open(self.store.folder / self.pack, "rb") as handle:
                handle.seek(place[0])
                found, value = pickle.loads(zlib.decompress(handle.read(place[1])))
        except Exception:  # a missing or damaged pack is a miss: the caller makes the value again
            return None
        return value if found == key else None

    def put(self, key: str, blob: bytes) -> None:
        """Append one blob (made by blob()) to the pack; it counts once update() saves the index."""
        if self.store.folder is None or key in self.index:
            return
        try:
            if self._handle is None:
                self.pack = self.pack or f"{self.name}-{secrets.token_hex(4)}.pack"
                self.store.folder.mkdir(parents=True, exist_ok=True)  # a first build renders before it saves
                self._handle = open(self.store.folder / self.pack, "ab")
            offset = self._handle.seek(0, os.SEEK_END)
            self._handle.write(blob)
            self.index[key] = (offset, len(blob))
        except OSError:  # a pack that cannot be written only costs time later
            self.index.pop(key, None)

    def update(self, live: set[str]) -> None:
        """Save the index with the values of these keys; once most of the pack is dead, copy the live ones."""
        if self.store.folder is None:
            return
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        old = self.pack
        kept = sum(length for key, (_, length) in self.index.items() if key in live)
        try:
            if old and (self._size() or 0) - kept > kept:
                self._repack(live)
            self.index = {key: place for key, place in self.index.items() if key in live}
        except OSError:
            return
        self._save({"pack": self.pack, "index": self.index, "size": self._size() or 0})
        # Only now that the index points at the new pack; any other pack of this folder's is another
        # version's (whose index this one cannot read) or one left by a crash.
        for gone in self.store.folder.glob(f"{glob.escape(self.name)}-*.pack"):
            if gone.name != self.pack:
                gone.unlink(missing_ok=True)

    def _repack(self, live: set[str]) -> None:
        """Copy the live values, one at a time, into a pack of a new name."""
        index, pack = {}, f"{self.name}-{secrets.token_hex(4)}.pack"

        def fill(out) -> None:
            with open(self.store.folder / self.pack, "rb") as source:
                for key, (offset, length) in sorted(self.index.items(), key=lambda item: item[1]):
                    if key in live:
                        source.seek(offset)
                        index[key] = (out.tell(), length)
                        out.write(source.read(length))

        atomic_write(self.store.folder / pack, fill=fill)
        self.pack, self.index = pack, index

    @staticmethod
    def blob(key: str, value) -> bytes:
        """A value as the pack keeps it, with its key."""
        return zlib.compress(pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL), 1)
