"""What each output depends on: the keys and stamps an incremental build compares with the last
build's to know what it may keep (see docs/ARCHITECTURE.md, *Incremental build*)."""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

from conceptsite.markdown import speedups
from conceptsite.markdown.body_cache import BodyCache
from conceptsite.source.page_cache import PageCache
from conceptsite.store import digest
from conceptsite.source.config import SiteConfig
from conceptsite.graph.model import Graph
from conceptsite.incremental.write import SITE_WIDE
from conceptsite.render.pages import BODY_OUTPUTS
from conceptsite.render.theme import Theme, build_date
from conceptsite.render.views import view_inputs

PACKAGE = Path(__file__).resolve().parents[1]
LIBRARIES = ("markdown", "pygments", "latex2mathml", "jinja2", "yaml")


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



def graph_inputs(pages: list, bodies: dict, page_cache: PageCache) -> str:
    """A key of everything the graph reads: each page's fields but those only cards show, plus its body's links."""
    return digest(generator_version(), *(f"{p.url} {page_cache.entries[str(p.source.path)].frame} "
                                         f"{bodies[p.url].wikilinks!r} {bodies[p.url].links!r}" for p in pages))


@dataclass(frozen=True)
class Keys:
    """What each output of one build depends on (output_keys); the CLI's fast lane keeps the parts."""

    base: str  # the key every output's key starts from
    groups: dict  # SITE_WIDE (the listings) and each of BODY_OUTPUTS -> key
    stamps: dict  # url -> the page's input stamp: page_stamp(surroundings, own)
    surroundings: dict  # url -> surroundings_key
    owns: dict  # url -> own_key
    answers: dict  # url -> digest of the graph's answers about the page (views.view_inputs)
    shown: dict  # url -> the pages its view shows, as cards or on its map
    cards: dict  # url -> how many of `shown` it shows as cards (they come first; the rest its map draws)
    metas: dict  # url -> cache.page_meta, in the graph's order
    graph: str  # graph_inputs()


def output_keys(graph: Graph, page_cache: PageCache, body_cache: BodyCache, config: SiteConfig,
                theme: Theme, graph_key: str) -> Keys:
    """The keys of every output and the stamps of every page.

    Listings read page fields and the graph, so they share a key of those; the feed and search
    index also read bodies, so theirs covers every page's file too (see incremental.py). A page's
    stamp covers its own file and links, and what its view reads of the graph and of the pages it
    shows (views.view_inputs), so an edit makes again only the views it can change."""
    owns = {url: own_key(page_cache.entries[str(p.source.path)].digest, body_cache.entries[url].resolutions)
            for url, p in graph.pages.items()}
    base = digest(generator_version(), tree_version(*theme.folders), repr(config),
                  str(build_date().year))
    metas = {url: page_cache.entries[str(p.source.path)].meta for url, p in graph.pages.items()}
    listings = listings_key(base, graph_key, metas)
    answers, shown, cards = {}, {}, {}
    for url, page in graph.pages.items():
        text, carded, drawn = view_inputs(page, graph)
        answers[url], shown[url], cards[url] = digest(text), tuple(carded + drawn), len(carded)
    surroundings = {url: surroundings_key(base, answers[url], shown[url], metas) for url in graph.pages}
    stamps = {url: page_stamp(surroundings[url], own) for url, own in owns.items()}
    groups = {SITE_WIDE: listings, **dict.fromkeys(BODY_OUTPUTS, body_outputs_key(owns, listings))}
    return Keys(base, groups, stamps, surroundings, owns, answers, shown, cards, metas, graph_key)


def listings_key(base: str, graph_key: str, metas: dict) -> str:
    """The listings' key: the graph's inputs and every page's fields (the graph key leaves out what
    only cards show, which listings show too). They show the year (in base), never the day."""
    return digest(base, graph_key, " ".join(metas.values()))


def own_key(file_digest: str, resolutions: tuple) -> str:
    """A key of a page's own file and how its wikilinks resolved."""
    return digest(file_digest, repr(resolutions))


def body_outputs_key(owns: dict, listings: str) -> str:
    """The feed's and search index's key: the listings key and every page's own key (in graph order)."""
    return site_key(owns, digest(listings, build_date().isoformat()))  # an empty feed is dated today


def page_stamp(surroundings: str, own: str) -> str:
    """A page's input stamp: when it is as last time, so is its view."""
    return digest(surroundings, own)


def surroundings_key(base: str, answers: str, shown: tuple, metas: dict) -> str:
    """A key of what a page's view reads besides its own file: the graph's answers and the shown pages' fields."""
    return digest(base, answers, " ".join([metas[url] for url in shown]))  # one part: hashing is per part


def site_key(digests: dict[str, str], base: str) -> str:
    """One key over every page, for outputs that list or aggregate pages."""
    return digest(base, *(f"{url}:{d}" for url, d in digests.items()))
