"""Pickled state files in one folder, each tagged with a version: what the build cache and the
incremental engine keep between builds. A file that cannot be read for any reason counts as
missing: state only ever saves time."""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

JOURNAL_MIN = 50  # a journal of up to this many entries never forces a whole save


def digest(*parts: bytes | str) -> str:
    """A short, stable hash of some bytes and strings."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


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

    def has(self, name: str) -> bool:
        """True when a whole save of this file is there."""
        return self.folder is not None and (self.folder / f"{name}.pickle").exists()

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

