"""The view shelf: each page's last view without its body, by view key, for the CLI's fast lane.

A prose edit changes a page's body and nothing its view reads from the graph, so the fast lane
(quick.py) re-renders the page from its last view with the new body put in, instead of loading
the graph and every page to make the view again. Views are pickled and compressed one by one into
a pack file beside the cache; an index maps each view key to its place. New views are appended;
once most of the pack is views no page uses any more, the live ones are copied into a new pack.
Each blob holds its own key, so a damaged or stale pack gives a miss, never a wrong view."""
from __future__ import annotations

import os
import pickle
import secrets
import zlib
from dataclasses import replace

from .cache import Store, atomic_write


def shelve(key: str, view) -> bytes:
    """A view as the shelf keeps it: without the body's HTML and contents, which the body cache has."""
    return zlib.compress(pickle.dumps((key, replace(view, html="", toc="")), protocol=pickle.HIGHEST_PROTOCOL), 1)


class Shelf:
    """Views by key in one pack file per output folder; a disabled store makes an empty shelf."""

    def __init__(self, store: Store, name: str):
        self.store, self.name = store, name + "-shelf"
        saved = store.load(self.name)
        self.pack = saved.get("pack", "")
        self.index: dict = saved.get("index", {})  # view key -> (offset, length)
        self.lost = ""  # a pack cut short or changed since it was written, to delete with the next save
        if self.pack and self._size() != saved.get("size"):
            self.lost, self.pack, self.index = self.pack, "", {}

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

    def update(self, live: set[str], blobs: dict[str, bytes]) -> None:
        """Keep the views of these keys: add the new blobs, and drop the rest once they are most of the pack."""
        if self.store.folder is None:
            return
        new = {key: blob for key, blob in blobs.items() if key in live and key not in self.index}
        dead = sum(length for key, (_, length) in self.index.items() if key not in live)
        kept = sum(length for key, (_, length) in self.index.items() if key in live)
        old = self.pack
        try:
            if not old or dead > kept:
                self._repack(live, new)
            elif new:
                self._append(new)
            else:
                return
        except OSError:  # a shelf that cannot be written only costs the fast lane
            return
        self.store.save(self.name, {"pack": self.pack, "index": self.index, "size": self._size()})
        for gone in {old, self.lost} - {"", self.pack}:  # only now that the index points at the new pack
            (self.store.folder / gone).unlink(missing_ok=True)

    def _append(self, new: dict[str, bytes]) -> None:
        with open(self.store.folder / self.pack, "ab") as handle:
            offset = handle.seek(0, os.SEEK_END)
            for key, blob in new.items():
                handle.write(blob)
                self.index[key] = (offset, len(blob))
                offset += len(blob)

    def _repack(self, live: set[str], new: dict[str, bytes]) -> None:
        """Write the live views and the new ones into a pack of a new name."""
        try:
            data = (self.store.folder / self.pack).read_bytes() if self.pack else b""
        except OSError:
            data = b""
        blobs = {}
        for key in live:
            place = self.index.get(key)
            blob = new.get(key) or (data[place[0]:place[0] + place[1]] if place else b"")
            if blob:
                blobs[key] = blob
        index, offset = {}, 0
        for key, blob in blobs.items():
            index[key] = (offset, len(blob))
            offset += len(blob)
        pack = f"{self.name}-{secrets.token_hex(4)}.pack"
        atomic_write(self.store.folder / pack, b"".join(blobs.values()))
        self.pack, self.index = pack, index
