"""The build pipeline: gather everything first (discover, read, index, markup, graph, check, render), then write."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from conceptsite.incremental import unchanged as fresh
from conceptsite.build import output
from conceptsite.incremental import edits as quick
from conceptsite.incremental.cache import BodyCache, Caches, GraphCache, Store, body_key, generator_version
from conceptsite.incremental.cards import Contexts
from conceptsite.source.config import SiteConfig, read_config
from conceptsite.source.discover import discover, show_path
from conceptsite.diagnostics import BuildFailed, Diagnostic, Report
from conceptsite.graph.model import Graph, build_graph
from conceptsite.incremental.manifest import SITE_WIDE, Manifest, ViewKeys, record_full_write, write_changed
from conceptsite.incremental.keys import graph_inputs, load_stamps, output_keys
from conceptsite.graph.links import Index, check_theme_clashes, locate
from conceptsite.build.linkcheck import beside_graph, check_nav, find_link_problems, known_urls
from conceptsite.markdown.convert import Body
from conceptsite.build.parallel import convert_all, settle, spaced_collections, worker_count
from conceptsite.source.page import Page
from conceptsite.build.read import read_pages
from conceptsite.render.pages import BODY_OUTPUTS, Renderer
from conceptsite.render.search import SearchTerms
from conceptsite.incremental.view_pack import Shelf
from conceptsite.render.theme import Theme, layers, load_theme, make_environment

STAGES = ("discover", "config", "read", "index", "markup", "graph", "links", "render", "write")


@dataclass(frozen=True)
class Options:
    """What to build and how."""

    content: Path
    out: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    strict: bool = False
    templates: Path | None = None
    static: Path | None = None
    cache: Path | None = None  # None: .cache/ beside content/
    use_cache: bool = True  # False (--no-cache): neither read nor write the cache
    workers: int = 0  # processes for Markdown and page rendering on big builds; 0: one per core, 1: never fork
    lane_record: bool = True  # keep what the CLI's fast lane needs (quick.py): the watch server has its own


@dataclass(frozen=True)
class Site:
    """A fully rendered site, held in memory until it is written (but for pages a whole build already staged)."""

    config: SiteConfig
    graph: Graph
    bodies: dict
    files: dict  # output path -> bytes, output.Spilled (already in the staging folder) or output.Same (already in place)
    copies: dict  # output path -> source file
    warnings: tuple[Diagnostic, ...]
    kept: frozenset = frozenset()  # outputs not rendered because they are unchanged on disk
    keys: dict = field(default_factory=dict)  # output path -> cache key (SITE_WIDE for the shared one)
    stamps: dict = field(default_factory=dict)  # page output path -> (input stamp, view key), for the next build
    shelf: Shelf | None = None  # where this build put the views it made (shelf.py)
    record: quick.Record | None = None  # what the CLI's fast lane needs of this build
    listings: dict | None = None  # quick.listed(): the listings' cards and, when rendered, contexts
    contexts: Contexts | None = None  # the listings' contexts, when rendered (for patch.py's card edits)
    # What the watch server's fast lane (patch.py) needs to redo one page without a whole build:
    theme: Theme | None = None
    cache: Path | None = None  # the build cache folder, where compiled templates are kept
    index: Index | None = None
    search: SearchTerms | None = None
    day: dt.date | None = None


@dataclass
class Result:
    """What a build did, for the one-line summary."""

    site: Site | None  # None when the no-change fast path found the output already up to date
    seconds: float
    stats: output.WriteStats | None = None
    timings: dict = field(default_factory=dict)
    pages: int = 0
    warnings: tuple[Diagnostic, ...] = ()
    lane: str = "whole"  # "fresh": nothing had changed; "prose" or "fields": the fast lane (quick.py); "whole": gathered


def theme_dirs(options: Options) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The templates folders and the static folders, each in search order (theme.layers)."""
    project = options.content.resolve().parent
    return layers(options.templates or project / "templates", options.static or project / "static")


def cache_store(options: Options) -> Store:
    """The build cache for these options; a disabled store when --no-cache."""
    folder = (options.cache or options.content.resolve().parent / ".cache") if options.use_cache else None
    return Store(folder, generator_version())


def gather(options: Options, timings: dict | None = None, manifest: Manifest | None = None,
           staging: output.Staging | None = None) -> Site:
    """Run every stage up to rendering; raise BuildFailed listing all problems.

    With a manifest of the output folder, outputs whose inputs are unchanged are not rendered
    again; they are listed in Site.kept instead of Site.files. With a staging folder, each page's
    own HTML is written there as soon as it is rendered (Site.files holds output.Spilled for it)."""
    clock, report = _Clock({} if timings is None else timings), Report()
    theme, caches = load_theme(*theme_dirs(options)), Caches.open(cache_store(options))
    sources = clock("discover", discover, options.content)
    config = clock("config", read_config, sources.config, report)
    pages = clock("read", read_pages, sources, options.drafts, report, caches.pages, options.workers)
    index = clock("index", Index, pages, report, sources.assets)
    check_theme_clashes(sources.assets, theme.assets, report)
    bodies = clock("markup", render_bodies, pages, index, config, report, caches.bodies, options.workers)
    known = known_urls(pages, sources, theme)
    whole = options.out is not None and not in_place(manifest)
    side = beside_graph(whole, options.workers, pages, bodies, known, caches)
    try:
        graph_key = graph_inputs(pages, bodies, caches.pages) if caches.pages is not None else ""
        graph, built = clock("graph", find_graph, pages, bodies, index, report, caches.graph, graph_key)
        clock("links", find_link_problems, side, pages, bodies, known, report)
        config = check_nav(config, known, sources, report)
        report.raise_if_failed(options.strict)
        renderer = Renderer(make_environment(theme, caches.store.folder), config, graph, bodies, report)
        views = plan_render(renderer, options, caches, theme, graph_key, manifest, staging)
        renderer.side = side
        files = clock("render", renderer.pages)
    finally:
        if side is not None:
            side.close()
    report.raise_if_failed(options.strict)
    # Only after a good build, so a failed one leaves nothing new behind.
    caches.save(sources, pages, graph_key if built else None, graph, renderer)
    copies = {f"assets/{name}": path for name, path in theme.assets.items()}
    copies.update({a.rel: a.path for a in sources.assets})
    record = listed = None
    if renderer.shelf is not None:
        record, listed = quick.snapshot(graph, bodies, caches, config, theme, views, renderer), quick.listed(renderer, views)
    return Site(config, graph, bodies, files, copies, tuple(report.items), kept_outputs(renderer, views, manifest),
                views.keys if views else {}, views.stamps if views else {}, renderer.shelf, record, listed,
                Contexts(renderer.contexts) if renderer.contexts else None, theme, caches.store.folder, index,
                renderer.search, renderer.today)


def plan_render(renderer: Renderer, options: Options, caches: Caches, theme: Theme, graph_key: str,
                manifest: Manifest | None, staging: output.Staging | None) -> ViewKeys | None:
    """Tell the renderer what it may keep, how many processes to use and where pages go."""
    views = None
    if caches.pages is not None:
        inputs = output_keys(renderer.graph, caches.pages, caches.bodies, renderer.config, theme, graph_key)
        renderer.stamps, keys = inputs.stamps, dict(inputs.groups)
        views = renderer.unchanged = ViewKeys(inputs.base, keys, manifest, load_stamps(manifest))
        views.inputs = inputs
        renderer.keep_listings = bool(manifest and manifest.site_wide_intact(keys[SITE_WIDE]))
        renderer.keep_bodies = bool(manifest and all(manifest.intact(p, keys[p]) for p in BODY_OUTPUTS))
        if not renderer.keep_bodies:
            renderer.last_search = caches.store.load("search").get("terms")
    renderer.workers = worker_count(options.workers, renderer.stale_pages())
    lane = views is not None and manifest is not None and options.lane_record
    renderer.shelf = Shelf(caches.store, manifest.name) if lane else None
    renderer.contexts = {}
    renderer.staging = staging
    renderer.live = options.out.resolve() if staging is not None and in_place(manifest) else None
    return views


def kept_outputs(renderer: Renderer, views: ViewKeys | None, manifest: Manifest | None) -> frozenset:
    """The outputs left as they are on disk: pages whose view is unchanged, and whole groups kept."""
    kept = set(views.kept) if views else set()
    if renderer.keep_listings:
        listings = views.keys[SITE_WIDE]
        kept |= {p for p, (key, _) in manifest.entries.items() if key == listings and p != SITE_WIDE}
    if renderer.keep_bodies:
        kept |= set(BODY_OUTPUTS)
    return frozenset(kept)


def in_place(manifest: Manifest | None) -> bool:
    """True when the cache knows what the output folder holds, so only changed files are written there."""
    return manifest is not None and bool(manifest.entries)


def find_graph(pages: list[Page], bodies: dict, index: Index, report: Report, cache: GraphCache | None,
               key: str) -> tuple[Graph, bool]:
    """The last build's graph when its inputs are the same (True: built now, worth saving)."""
    graph = cache.get(key, {p.url: p for p in pages}) if cache is not None else None
    return (graph, False) if graph is not None else (build_graph(pages, bodies, index, report), True)


def build(options: Options) -> Result:
    """Gather the site, then write it: in place, only what changed, when the cache knows the
    output folder; otherwise whole, beside the old output, swapped in by rename. When nothing it
    reads has changed since the last good build into that folder, there is nothing to do."""
    started = time.perf_counter()
    timings: dict = {}
    manifest = scan = None
    if options.out is not None:
        templates, static = theme_dirs(options)
        output.check_output(options.out, [options.content, *templates, *static])
        store = cache_store(options)
        manifest = Manifest(store, options.out) if store.folder else None
    if manifest is not None:
        scan = fresh.scan(options.content, (*templates, *static), options.drafts)
        known = fresh.recall(manifest, scan.stamp)
        if known is not None:
            Report(list(known.warnings)).raise_if_failed(options.strict)
            return Result(None, time.perf_counter() - started, output.WriteStats(0, 0), timings,
                          known.pages, known.warnings, "fresh")
        fresh.forget(manifest)
        done = quick.build(manifest, scan, options.strict)
        if done is not None:
            return _remember(manifest, scan, done.record, Result(
                None, time.perf_counter() - started, done.stats, timings, len(done.record.pages), done.record.warnings,
                done.lane), done.listings)
    staging = output.Staging(options.out) if options.out is not None else None
    try:
        with spaced_collections():
            site = gather(options, timings, manifest, staging)
            stats = _Clock(timings)("write", write, options.out, site, manifest, staging) if options.out else None
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    result = Result(site, time.perf_counter() - started, stats, timings, len(site.graph.pages), site.warnings)
    if manifest is None:
        return result
    manifest.store.save(manifest.name + "-views", site.stamps)
    site.shelf.update({key for _, key in site.stamps.values()})
    return _remember(manifest, scan, replace(site.record, warnings=site.warnings), result, site.listings)


def _remember(manifest: Manifest, scan: fresh.Scan, record: quick.Record, result: Result,
              listings: dict | None) -> Result:
    """Keep what the next build into this folder starts from: the fast lane's record and the no-change stamp."""
    quick.remember(manifest, replace(record, context=scan.context, files=scan.files), listings)
    fresh.remember(manifest, fresh.Fresh(scan.stamp, result.pages, result.warnings))
    return result


def write(out: Path, site: Site, manifest: Manifest | None, staging: output.Staging | None = None) -> output.WriteStats:
    """Write the gathered site (every error was found before this point)."""
    if in_place(manifest):
        try:
            return write_changed(manifest, site.files, set(site.kept), site.copies, site.keys,
                                 staging.folder if staging else None)
        finally:
            if staging is not None:
                staging.discard()
    stats = output.write_site(out, site.files, site.copies, staging)
    if manifest is not None and site.keys:
        record_full_write(manifest, site.files, site.copies, site.keys)
    return stats


def render_bodies(pages: list[Page], index: Index, config: SiteConfig, report: Report,
                  cache: BodyCache | None = None, workers: int = 1) -> dict[str, Body]:
    """Markdown for every page (cached bodies reused, the rest across cores when many), with
    body problems placed at their line and column."""
    found, todo = {}, []
    for page in pages:
        key = body_key(page.body, page.url, config.allow_html)
        body = cache.get(page.url, key, index) if cache is not None else None
        if body is None:
            todo.append((page, key))
        else:
            found[page.url] = body
    jobs = [(page.body, page.url) for page, _ in todo]
    for (page, key), (body, resolutions) in zip(todo, convert_all(jobs, index, config.allow_html,
                                                                  worker_count(workers, len(jobs)))):
        found[page.url] = body
        if cache is not None:
            cache.put(page.url, key, resolutions, body)
    bodies = {}
    for page in pages:
        body = bodies[page.url] = found[page.url]
        for problem in body.problems:
            place = locate(page, problem.needle)
            add = report.error if problem.severity == "error" else report.warn
            add(page.source.shown, *place, problem.message)
    return bodies


class _Clock:
    """Times each stage; the timings feed the CLI summary and the benchmarks."""

    def __init__(self, timings: dict):
        self.timings = timings

    def __call__(self, name: str, fn, *args):
        settle()
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


__all__ = ["BuildFailed", "Options", "Result", "Site", "build", "gather", "show_path"]
