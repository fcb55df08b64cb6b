"""Which outputs can stay as they are: each output's key, and the manifest of what the folder holds.

Each page's output is keyed by its whole view (what the template is given) plus the generator,
templates, static files and config. Site-wide outputs come in two groups: listings (indexes, tags,
home, map, sitemap and the data files) read page fields and the graph, and share one key of those;
body outputs (the feed and the search index) also read bodies, so their key covers every page's
file too. Each page also gets an input stamp, so its view is made only when a stamp moved. A manifest in the
cache records each output's key and how it sat on disk; an output whose file was changed or
removed by hand no longer counts as kept."""
from __future__ import annotations

import os

from typing import TYPE_CHECKING

from conceptsite.incremental.state import State
from conceptsite.incremental.view_pack import ViewPack, pack_view
from conceptsite.incremental.write import MARKER, SITE_WIDE
from conceptsite.store import digest

if TYPE_CHECKING:
    from conceptsite.incremental.keys import Keys



class ViewKeys:
    """The renderer's hook: keys a page's output by its whole view, and says whether the file on disk has it.

    Keying by the view itself (not by a guess at what the view reads) stays right whatever the
    views grow: two-hop neighbourhoods, learning paths, anything computed from the graph. Making
    every view to hash it is the expensive part, so each page also gets a stamp of its inputs (its
    own file and links, and every page's fields): a page whose stamp is as last time has the view
    key it had then, and its view is never made. Each view made goes into the view pack, for edits."""

    def __init__(self, keys: Keys, manifest: Manifest | None, known: dict, pack: ViewPack | None):
        self.inputs, self.base, self.keys = keys, keys.base, dict(keys.groups)
        self.manifest, self.known, self.pack = manifest, known, pack  # known: path -> (stamp, key), last build
        self.stamps: dict = {}  # the same, for this build
        self.kept: set = set()

    def stale(self, path: str, stamp: str | None) -> bool:
        """True when this output's view has to be made to know its key (its stamp is new)."""
        known = self.known.get(path)
        return stamp is None or known is None or known[0] != stamp

    def check(self, path: str, make_view, stamp: str | None = None) -> tuple[bool, object, tuple]:
        """(kept, view or None, note): kept when the file on disk was written from the same view.

        Changes nothing, so forked render workers can call it; pass the note to record()."""
        view = None
        if self.stale(path, stamp):
            view = make_view()
            key = view_key(self.base, view)
        else:
            key = self.known[path][1]
            if os.environ.get("CONCEPTSITE_CHECK_STAMPS"):  # the test suite sets it
                _check_stamp(path, key, view_key(self.base, make_view()))
        return self.manifest is not None and self.manifest.intact(path, key), view, (key, stamp)

    def packed(self, note: tuple, view) -> bytes | None:
        """The view as the pack keeps it, unless it is there already (the forked worker sees the pack's
        index): after a front-matter edit most of the views made are the same as before."""
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


def view_key(base: str, view) -> str:
    """A page output's key: its whole view, after the base every key starts from."""
    return digest(base, repr(view))


def _check_stamp(path: str, recorded: str, made: str) -> None:
    """Fail loudly when a page's stamp said its view was unchanged but it was not: a read of
    views.page_view that views.view_inputs does not name (a bug of ours, which would leave a stale page)."""
    if recorded != made:
        raise AssertionError(f"{path}: its input stamp is unchanged but its view is not; "
                             "views.view_inputs misses something page_view reads")


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
