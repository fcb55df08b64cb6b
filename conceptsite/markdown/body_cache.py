"""Rendered bodies by page URL, kept between builds while the text is the same and its wikilinks
resolve the same."""
from __future__ import annotations

from dataclasses import dataclass

from conceptsite.markdown.convert import Body
from conceptsite.store import Store, digest


@dataclass(frozen=True)
class BodyEntry:
    """A rendered body, the key of what it was rendered from, and how its wikilinks resolved then."""

    key: str
    resolutions: tuple  # ((name, (url, title) | None, hint or None when none was asked for), ...)
    body: Body


class Recorder:
    """Wraps the name index for Markdown and notes every wikilink resolution a body used."""

    def __init__(self, index):
        self.index, self.log = index, []

    def resolve(self, name: str):
        """Resolve through the index and remember the answer."""
        found = self.index.resolve(name)
        self.log.append((name, found, None))
        return found

    def resolve_file(self, name: str, folder: str):
        """Find an embedded file through the index and remember the answer (under (name, folder))."""
        found = self.index.resolve_file(name, folder)
        self.log.append(((name, folder), found, ""))
        return found

    def hint(self, name: str) -> str:
        """Did-you-mean text, as the index gives it, remembered: a body showing it is stale when it changes.
        Asked for only when a warning shows it: a miss that warns of nothing (a probe) costs no search."""
        hint = self.index.hint(name)
        self.log.append((name, None, hint))
        return hint

    def take(self) -> tuple:
        """The resolutions noted since the last take(), leaving the log empty for the next body."""
        log, self.log = tuple(self.log), []
        return log


def body_key(text: str, url: str, allow_html: bool, folder: str = "") -> str:
    """What a cached body is rendered from, besides how its wikilinks resolve."""
    return digest(text, url, str(allow_html), folder)


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
            now = index.resolve_file(*name) if isinstance(name, tuple) else index.resolve(name)
            if now != found or (now is None and hint is not None and index.hint(name) != hint):
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

