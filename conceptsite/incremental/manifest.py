"""Which outputs can stay as they are: the renderer's hook, which keys each page by its whole view, and
the manifest of each output's key and stat on disk (a file changed or removed by hand is not kept)."""
from __future__ import annotations

import os
from dataclasses import replace

from typing import TYPE_CHECKING

from conceptsite.incremental.state import State
from conceptsite.incremental.write import MARKER, SITE_WIDE
from conceptsite.store import Pack, digest

if TYPE_CHECKING:
    from conceptsite.incremental.keys import Keys



class ViewKeys:
    """The renderer's hook: keys each page by its whole view, made only when the page's stamp moved."""
    # Keyed by the view itself, not a guess at what it reads, it stays right whatever views grow to show.

    def __init__(self, keys: Keys, manifest: Manifest | None, known: dict, pack: Pack | None):
        self.inputs, self.base, self.keys = keys, keys.base, dict(keys.groups)
        self.manifest, self.known, self.pack = manifest, known, pack  # known: path -> (stamp, key), last build
        self.stamps: dict = {}  # the same, for this build
        self.kept: set = set()

    def stale(self, path: str, stamp: str | None) -> bool:
        """True when this output's view has to be made to know its key (its stamp is new)."""
        known = self.known.get(path)
        return stamp is None or known is None or known[0] != stamp

    def check(self, path: str, make_view, stamp: str | None = None) -> tuple[bool, object, tuple]:
        """(kept, view or None, note): kept when the file on disk has this view; changes nothing (workers call it)."""
        view = None
        if self.stale(path, stamp):
            view = make_view()
            key = view_key(self.base, view)
        else:
            key = self.known[path][1]
            # The test suite checks every stamp: one that hides a changed view means view_inputs misses a read.
            if os.environ.get("CONCEPTSITE_CHECK_STAMPS") and key != view_key(self.base, make_view()):
                raise AssertionError(f"{path}: its input stamp is unchanged but its view is not; "
                                     "views.view_inputs misses something page_view reads")
        return self.manifest is not None and self.manifest.intact(path, key), view, (key, stamp)

    def packed(self, note: tuple, view) -> bytes | None:
        """The view as the pack keeps it, unless it is there already (most views of a front-matter edit are)."""
        if self.pack is None or view is None or note[0] in self.pack.index:
            return None
        return pack_view(note[0], view)

    def record(self, path: str, note: tuple, kept: bool, blob: bytes | None = None) -> None:
        """Remember an output's key (and stamp) for the manifest, whether it was kept, and its packed view."""
        key, stamp = note
        self.keys[path] = key
        if stamp is not None:
            self.stamps[path] = (stamp, key)
        if kept:
            self.kept.add(path)
        if blob is not None:
            self.pack.put(key, blob)


def pack_view(key: str, view) -> bytes:
    """A view as the view pack keeps it: without the body's HTML and contents, which the body cache has."""
    return Pack.blob(key, replace(view, html="", toc=""))


def view_key(base: str, view) -> str:
    """A page output's key: its whole view, after the base every key starts from."""
    return digest(base, repr(view))


class Manifest:
    """What the last build wrote into one output folder: path -> (key, (mtime_ns, size))."""

    def __init__(self, state: State):
        self.state, self.out = state, state.out
        self.root = str(self.out)
        self.entries: dict = state.load("outputs") if (self.out / MARKER).exists() else {}

    def site_wide_intact(self, key: str) -> bool:
        """True when the site-wide key is unchanged and every site-wide output is untouched."""
        recorded = self.entries.get(SITE_WIDE)
        if recorded is None or recorded[0] != key:
            return False
        return all(self.intact(path, entry[0]) for path, entry in self.entries.items()
                   if path != SITE_WIDE and entry[0] == key)

    def all_intact(self) -> bool:
        """True when every recorded output is still exactly as written."""
        return all(self.intact(path, entry[0]) for path, entry in self.entries.items() if path != SITE_WIDE)

    def intact(self, path: str, key) -> bool:
        """True when the output was written with this key and is still exactly as written."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != key:
            return False
        try:
            st = os.stat(os.path.join(self.root, path))  # a string join: ~10,000 of these per build
        except OSError:
            return False
        return (st.st_mtime_ns, st.st_size) == entry[1]
