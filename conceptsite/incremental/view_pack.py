"""The view pack: each page's last view without its body, by view key, for re-rendering edits.

A prose edit changes a page's body and nothing its view reads from the graph, so the engine
(rerender.py) renders the page from its last view with the new body put in, instead of loading
the graph and every page to make the view again. Views are pickled and compressed one by one into
a pack file beside the cache; an index maps each view key to its place. A build appends the views
it makes as they come (so it never holds them all), and saves the index only when it succeeds:
a failed build leaves unindexed bytes at the end, which count as dead. Once most of the pack is
dead, the live views are copied into a new pack. Each blob holds its own key, so a damaged or
stale pack gives a miss, never a wrong view."""
from __future__ import annotations

import glob
import os
import pickle
import secrets
import zlib
from dataclasses import replace

from conceptsite.incremental.state import State
from conceptsite.store import atomic_write


def pack_view(key: str, view) -> bytes:
    """A view as the shelf keeps it: without the body's HTML and contents, which the body cache has."""
    return zlib.compress(pickle.dumps((key, replace(view, html="", toc="")), protocol=pickle.HIGHEST_PROTOCOL), 1)


class ViewPack:
    """Views by key in one pack file per output folder; a disabled store makes an empty shelf."""

    def __init__(self, state: State):
        self.state, self.store, self.name = state, state.store, state.name("shelf")
        saved = state.load("shelf")
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
        """The view shelved under key (with empty html and toc), or None."""
        place = self.index.get(key)
        if place is None or self.store.folder is None:
            return None
        try:
            with open(self.store.folder / self.pack, "rb") as handle:
                handle.seek(place[0])
                found, view = pickle.loads(zlib.decompress(handle.read(place[1])))
        except Exception:  # a missing or damaged pack is a miss: the caller builds the slow way
            return None
        return view if found == key else None

    def put(self, key: str, blob: bytes) -> None:
        """Append one view to the pack (it counts once update() saves the index)."""
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
        except OSError:  # a shelf that cannot be written only costs the fast lane
            self.index.pop(key, None)

    def update(self, live: set[str]) -> None:
        """Save the index with the views of these keys; once most of the pack is dead, copy the live ones."""
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
        self.state.save("shelf", {"pack": self.pack, "index": self.index, "size": self._size() or 0})
        # Only now that the index points at the new pack; any other pack of this folder's is another
        # version's (whose index this one cannot read) or one left by a crash.
        for gone in self.store.folder.glob(f"{glob.escape(self.name)}-*.pack"):
            if gone.name != self.pack:
                gone.unlink(missing_ok=True)

    def _repack(self, live: set[str]) -> None:
        """Copy the live views, one at a time, into a pack of a new name."""
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
