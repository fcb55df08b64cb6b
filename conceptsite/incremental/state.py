"""The build state: all the engine keeps about one output folder, under one registry of file names.
The CLI makes a State per run, loading each part when first asked; the watch server keeps one for its
life, so its parts stay in memory: the same code, the same files."""
from __future__ import annotations

from pathlib import Path

from conceptsite.incremental.scan import Scan, scan
from conceptsite.store import Pack, Store, digest

# The registry: each part of one output folder's state, and the suffix of its file in the store.
PARTS = {
    "outputs": "",  # manifest.Manifest: output path -> (key, (mtime_ns, size)) as written
    "record": "-record",  # record.Record: what an edit to a page needs of the last good build
    "stamps": "-views",  # page output path -> (input stamp, view key)
    "cards": "-cards",  # every page's card, under the listings key
    "contexts": "-contexts",  # the listings' template contexts, and which hold each card
    "shelf": "-shelf",  # the view pack's index (view_pack()); its pack files are named from it
}
# Shared by every output folder built with this cache (keyed by content, not by folder).
SHARED = {"pages", "bodies", "graph", "graph-key", "search", "history"}  # history: notes' git dates, by HEAD


class State:
    """One output folder's state in a store; each part is loaded once and kept until saved again."""

    def __init__(self, store: Store, out: Path):
        self.store, self.out = store, out.resolve()
        self.prefix = "out-" + digest(str(self.out))[:16]
        self._held: dict = {}
        self._scan: Scan | None = None  # the last build's, held in memory only
        self._trusted = False  # the outputs are as "outputs" records: checked on disk, or written since

    def name(self, part: str) -> str:
        """The store's file name of one part (the shelf's pack files start with it too)."""
        return part if part in SHARED else self.prefix + PARTS[part]

    def load(self, part: str) -> dict:
        """One part as last saved ({} when missing); callers must not change what they get."""
        if part not in self._held:
            self._held[part] = self.store.load(self.name(part))
        return self._held[part]

    def save(self, part: str, data: dict) -> None:
        """Keep one part, in memory and in the store."""
        self._held[part] = data
        self._trusted = self._trusted or part == "outputs"
        self.store.save(self.name(part), data)

    def forget(self, part: str) -> None:
        """Drop one part (before a write that would make it wrong)."""
        self._held.pop(part, None)
        self._trusted = self._trusted and part != "outputs"
        self.store.forget(self.name(part))

    def rescan(self, content: Path, theme: tuple[Path, ...], drafts: bool, changed: set[str] | None = None) -> Scan:
        """What a build reads now, by stat: only the paths a watcher saw change, when it says which."""
        self._scan = scan(content, theme, drafts, self._scan, changed)
        return self._scan

    def view_pack(self) -> Pack:
        """Each page's last view (without its body), by view key, for re-rendering edits."""
        return Pack(self.store, self.name("shelf"), self.load("shelf"), lambda saved: self.save("shelf", saved))

    def outputs_intact(self, check) -> bool:
        """check() that the outputs are as recorded, once per State; then trusted while only it writes them."""
        self._trusted = self._trusted or check()
        return self._trusted

    def flush(self) -> None:
        """Write what a write_behind store held back, the manifest last: until it is there, no build trusts the rest."""
        self.store.flush(last={self.name("outputs")})
