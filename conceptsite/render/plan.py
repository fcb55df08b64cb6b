"""What a build asks of the renderer besides the site itself: what it may keep, where pages go, how
many processes render them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class NoKeys:
    """The renderer's hook when nothing is kept (no build cache): every view is made and rendered.

    The incremental engine's hook (incremental/manifest.ViewKeys) has the same four methods."""

    def stale(self, path: str, stamp: str | None) -> bool:
        """Every view has to be made."""
        return True

    def check(self, path: str, make_view, stamp: str | None = None) -> tuple[bool, object, tuple]:
        """Never kept."""
        return False, None, (None, stamp)

    def packed(self, note: tuple, view) -> bytes | None:
        """No view is kept for later edits."""
        return None

    def record(self, path: str, note: tuple, kept: bool, blob: bytes | None = None) -> None:
        """Nothing to remember."""


@dataclass(frozen=True)
class RenderPlan:
    """The renderer's instructions for one build."""

    unchanged: object = field(default_factory=NoKeys)  # keeps a page whose view is as before
    stamps: dict = field(default_factory=dict)  # page url -> a key of everything its view is made from
    keep_listings: bool = False  # the listings on disk are as this build would make them
    keep_bodies: bool = False  # so are the feed and the search index
    last_search: object = None  # render.search.SearchTerms of the last build, to update
    side: object = None  # a parallel.Beside whose next value is the search terms, made beside the graph
    keep_contexts: bool = False  # keep each listing's context, for edits to the cards it shows
    staging: object = None  # build.output.Staging: whole builds write each page's HTML there at once
    live: Path | None = None  # an output folder updated in place: pages already there as rendered are not staged
    workers: int = 1  # processes for the pages' own HTML
