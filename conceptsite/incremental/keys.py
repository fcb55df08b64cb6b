"""What each output depends on: keys and stamps, compared with the last build's to know what to keep.

Each output's key starts from a base of the generator, the theme's files and the config. Listings
(indexes, tags, home, map, sitemap, data files) read page fields and the graph and share one key;
the feed and search index also read bodies, so theirs covers every page's file. A page's stamp
covers its own file and links and what its view reads of the graph and of the pages it shows
(views.view_inputs): an edit makes again only the views it can change."""
from __future__ import annotations

from dataclasses import dataclass

from conceptsite.markdown import speedups
from conceptsite.markdown.body_cache import BodyCache
from conceptsite.source.page_cache import PageCache
from conceptsite.store import code_version, digest, tree_version
from conceptsite.source.config import SiteConfig
from conceptsite.graph.model import Graph
from conceptsite.incremental.write import SITE_WIDE
from conceptsite.render.pages import BODY_OUTPUTS
from conceptsite.render.theme import Theme, build_date
from conceptsite.render.views import view_inputs

def generator_version() -> str:
    """Hash of this package's sources, the libraries that shape the output and whether speed-ups run."""
    # The switch is read per build (a process may flip it), so cached results from tuned and stock
    # converters are never mixed: a run with them off really converts with the stock libraries.
    return digest(code_version(), f"speedups={speedups.enabled()}")



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
    """The keys of every output and the stamps of every page."""
    entries = page_cache.entries
    files = {url: entries[str(p.source.path)].digest for url, p in graph.pages.items()}
    owns = {url: own_key(files[url], body_cache.entries[url].resolutions, entries[str(p.source.path)].dates,
                         _embedded(url, body_cache, files)) for url, p in graph.pages.items()}
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
    """The listings' key: the graph's inputs and every page's fields (the year is in base; never the day)."""
    return digest(base, graph_key, " ".join(metas.values()))


def own_key(file_digest: str, resolutions: tuple, dates=None, embedded: str = "") -> str:
    """A key of a page's own file, the dates git gave it, how its wikilinks resolved and the files of the
    notes it embeds."""
    return digest(file_digest, repr(resolutions), repr(dates), embedded)


def _embedded(url: str, body_cache: BodyCache, files: dict) -> str:
    """The files of every note a page embeds, embeds of embeds too ('' for none): its view shows their text."""
    seen, stack = set(), [url]
    while stack:
        for target, _, _ in body_cache.entries[stack.pop()].body.embeds:
            if target not in seen and target in body_cache.entries:
                seen.add(target)
                stack.append(target)
    return digest(*(f"{u}:{files.get(u, '')}" for u in sorted(seen))) if seen else ""


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
