"""The build pipeline: gather everything first (discover, read, index, markup, graph, check, render),
then write; the incremental engine (conceptsite/incremental/) decides what a build into a folder it
knows has to do at all."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from conceptsite.build import output
from conceptsite.build.bodies import render_bodies
from conceptsite.build.caches import Caches
from conceptsite.build.embeds import fill_embeds
from conceptsite.build.linkcheck import beside_graph, check_nav, find_link_problems, known_urls
from conceptsite.diagnostics import BuildFailed, Diagnostic, Report, shown
from conceptsite.graph.graph_cache import GraphCache
from conceptsite.graph.links import Index, check_theme_clashes
from conceptsite.graph.model import Graph, build_graph
from conceptsite.incremental.classify import classify
from conceptsite.incremental.keys import generator_version, graph_inputs
from conceptsite.incremental.manifest import Manifest, ViewKeys
from conceptsite.incremental.plan import kept_outputs, last_search, plan_render
from conceptsite.incremental.record import Record, listed, snapshot
from conceptsite.incremental.rerender import Rerender
from conceptsite.incremental.scan import Scan
from conceptsite.incremental.state import State
from conceptsite.incremental.write import WriteStats, record_full_write, write_changed
from conceptsite.parallel import freeze_made, spaced_collections
from conceptsite.render.pages import Renderer
from conceptsite.render.theme import layers, load_theme, make_environment
from conceptsite.source.config import SiteConfig, read_config
from conceptsite.source.discover import discover, show_path, work_folder
from conceptsite.source.page import Page
from conceptsite.source.history import dates_of_notes
from conceptsite.source.read import read_pages
from conceptsite.store import Store

STAGES = ("config", "discover", "dates", "read", "index", "markup", "embeds", "graph", "links", "render", "write")


@dataclass(frozen=True)
class Options:
    """What to build and how."""

    content: Path
    out: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    strict: bool = False
    templates: Path | None = None
    static: Path | None = None
    cache: Path | None = None  # None: .cache/ beside content/ (discover.work_folder)
    use_cache: bool = True  # False (--no-cache): neither read nor write the cache
    workers: int = 0  # processes for Markdown and page rendering on big builds; 0: one per core, 1: never fork
    notice_styles: bool = False  # tell which pages changed only in a stylesheet's stamp (the watch server)


@dataclass(frozen=True)
class Increment:
    """What a whole build leaves for the next build into the same folder."""

    views: ViewKeys | None  # each output's key, and each page's stamp
    kept: frozenset = frozenset()  # outputs not rendered because they are unchanged on disk
    record: Record | None = None  # what an edit to a page needs of this build
    listings: dict | None = None  # record.listed(): the listings' cards and, when rendered, contexts


@dataclass(frozen=True)
class Site:
    """A fully rendered site, held in memory until it is written (but for pages a whole build already staged)."""

    config: SiteConfig
    graph: Graph
    bodies: dict
    files: dict  # output path -> bytes, write.Spilled (already in the staging folder) or write.Same (already in place)
    copies: dict  # output path -> source file
    warnings: tuple[Diagnostic, ...]
    increment: Increment = Increment(None)

    @property
    def kept(self) -> frozenset:
        """The outputs left as they are on disk."""
        return self.increment.kept


@dataclass
class Result:
    """What a build did, for the one-line summary."""

    site: Site | None  # None when the engine found nothing to gather: nothing changed, or edits it re-rendered
    seconds: float
    stats: WriteStats | None = None
    timings: dict = field(default_factory=dict)
    pages: int = 0
    warnings: tuple[Diagnostic, ...] = ()
    kind: str = "whole"  # "unchanged", "prose" or "fields" (edits re-rendered by the engine), or "whole"


def theme_dirs(options: Options) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The templates folders and the static folders, each in search order (theme.layers)."""
    project = work_folder(options.content)
    return layers(options.templates or project / "templates", options.static or project / "static")


def cache_store(options: Options, write_behind: bool = False) -> Store:
    """The build cache for these options; a disabled store when --no-cache."""
    folder = (options.cache or work_folder(options.content) / ".cache") if options.use_cache else None
    return Store(folder, generator_version(), write_behind)


def gather(options: Options, timings: dict | None = None, state: State | None = None,
           staging: output.Staging | None = None) -> Site:
    """Run every stage up to rendering; raise BuildFailed listing all problems.

    With the state of the output folder, outputs whose inputs are unchanged are not rendered again;
    they are listed in Site.kept instead of Site.files. With a staging folder, each page's own HTML
    is written there as soon as it is rendered (Site.files holds write.Spilled for it)."""
    clock, report = _Clock({} if timings is None else timings), Report()
    theme, caches = load_theme(*theme_dirs(options)), Caches.open(cache_store(options))
    config = clock("config", read_config, options.content / "site.yml", report)
    sources = clock("discover", discover, options.content, config.sections)
    dates = clock("dates", dates_of_notes, options.content, state or caches.store)
    pages = clock("read", read_pages, sources, options.drafts, report, caches.pages, options.workers, dates,
                  config.keys)
    index = clock("index", Index, pages, report, sources.assets)
    check_theme_clashes(sources.assets, theme.assets, report)
    bodies = clock("markup", render_bodies, pages, index, config, report, caches.bodies, options.workers)
    bodies = clock("embeds", fill_embeds, pages, bodies, report, options.workers)
    known = known_urls(pages, sources, theme)
    in_place = state is not None and bool(Manifest(state).entries)
    last = last_search(caches.store, state) if caches.pages is not None else None
    side = beside_graph(options.out is not None and not in_place, options.workers, pages, bodies, known, last)
    try:
        graph_key = graph_inputs(pages, bodies, caches.pages) if caches.pages is not None else ""
        graph, built = clock("graph", find_graph, pages, bodies, index, report, caches.graph, graph_key)
        clock("links", find_link_problems, side, pages, bodies, known, report)
        config = check_nav(config, known, sources, report)
        strict = options.strict or config.strict
        report.raise_if_failed(strict)
        live = options.out.resolve() if staging is not None and in_place else None
        views, plan = plan_render((graph, config, theme), caches, state, graph_key, options.workers, last,
                                  staging=staging, live=live, side=side)
        renderer = Renderer(make_environment(theme, caches.store.folder), config, graph, bodies, report, plan)
        files = clock("render", renderer.pages)
    finally:
        if side is not None:
            side.close()
    report.raise_if_failed(strict)
    # Only after a good build, so a failed one leaves nothing new behind.
    caches.save(sources, pages, graph_key if built is not None else None, graph, built)
    if renderer.search is not None and renderer.search is not plan.last_search:
        (state or caches.store).save("search", {"terms": renderer.search, "id": secrets.token_hex(8)})
    copies = {f"assets/{name}": path for name, path in theme.assets.items()}
    copies.update({a.rel: a.path for a in sources.assets})
    increment = Increment(views, kept_outputs(views, plan))
    if views is not None and views.pack is not None:
        search_id = state.load("search").get("id", "") if renderer.search is not None else ""
        record = snapshot(graph, bodies, caches, config, theme, views, renderer, search_id)
        increment = replace(increment, record=record, listings=listed(renderer, views))
    return Site(config, graph, bodies, files, copies, tuple(report.items), increment)


def find_graph(pages: list[Page], bodies: dict, index: Index, report: Report, cache: GraphCache | None,
               key: str) -> tuple[Graph, tuple | None]:
    """The last build's graph when its inputs are the same, its warnings shown again; else the graph
    built now, with the problems its making gave (worth saving; None when it was the saved one)."""
    found = cache.get(key, {p.url: p for p in pages}) if cache is not None else None
    if found is not None:
        report.items.extend(found[1])
        return found[0], None
    made = Report()
    graph = build_graph(pages, bodies, index, made)
    report.items.extend(made.items)
    return graph, tuple(made.items)


def build(options: Options, state: State | None = None, changed: set[str] | None = None,
          before_write=None) -> Result:
    """Build the site into options.out (or only check it, when None).

    Into a folder the build cache knows, the engine first compares what the build reads with the
    last good build: nothing changed is nothing to do, and edits that leave the graph as it was are
    re-rendered from its record. Otherwise the whole site is gathered, then written: in place, only
    what changed, when the state knows the folder; whole, beside the old output and swapped in by
    rename, when not. The watch server passes the state it keeps, the paths it saw change, and
    before_write(), which holds its requests while files are replaced."""
    before_write = before_write or (lambda: None)
    started = time.perf_counter()
    if options.out is not None:
        templates, static = theme_dirs(options)
        output.check_output(options.out, [options.content, *templates, *static])
        store = cache_store(options)
        if state is None and store.folder is not None:
            state = State(store, options.out)
    scan = None
    if state is not None:
        scan = state.rescan(options.content, (*templates, *static), options.drafts, changed)
        done = _apply_edits(state, scan, options, before_write)
        if done is not None:
            return replace(done, seconds=time.perf_counter() - started)
    return _whole(options, state, scan, started, before_write)


def _apply_edits(state: State, scan: Scan, options: Options, before_write) -> Result | None:
    """Nothing to do, or the edits re-rendered and written; None when the whole site must be gathered."""
    change = classify(state, scan, options.strict)
    if change.edits is None:
        return None
    record = change.record
    if not change.edits:
        return Result(None, 0.0, WriteStats(0, 0), {}, len(record.pages), shown(record.warnings), "unchanged")
    done = Rerender(state, record).run(change.edits, scan, options.notice_styles, before_write)
    if done is None:
        return None
    _remember(state, scan, done.record, done.listings)
    return Result(None, 0.0, done.stats, {}, len(done.record.pages), shown(done.record.warnings), done.kind)


def _whole(options: Options, state: State | None, scan: Scan | None, started: float, before_write) -> Result:
    """Gather the whole site and write it."""
    timings: dict = {}
    staging = output.Staging(options.out) if options.out is not None else None
    try:
        with spaced_collections():
            site = gather(options, timings, state, staging)
            if options.out is not None:
                before_write()
            stats = _Clock(timings)("write", write, options, site, state, staging) if options.out else None
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    result = Result(site, time.perf_counter() - started, stats, timings, len(site.graph.pages), shown(site.warnings))
    increment = site.increment
    if state is not None and increment.views is not None:
        state.save("stamps", increment.views.stamps)
        if increment.views.pack is not None:
            increment.views.pack.update({key for _, key in increment.views.stamps.values()})
    if state is not None and increment.record is not None:
        _remember(state, scan, replace(increment.record, warnings=site.warnings), increment.listings)
    return result


def _remember(state: State, scan: Scan, record: Record, listings: dict | None) -> None:
    """Keep what the next build into this folder starts from: the record, the listings' cards and contexts."""
    for part, data in (listings or {}).items():
        state.save(part, data)
    state.save("record", {"record": replace(record, context=scan.context, files=scan.files)})


def write(options: Options, site: Site, state: State | None, staging: output.Staging | None = None) -> WriteStats:
    """Write the gathered site (every error was found before this point)."""
    manifest = Manifest(state) if state is not None else None
    keys = site.increment.views.keys if site.increment.views is not None else {}
    if manifest is not None and manifest.entries:
        try:
            return write_changed(manifest, site.files, set(site.kept), site.copies, keys,
                                 staging.folder if staging else None, options.notice_styles)
        finally:
            if staging is not None:
                staging.discard()
    stats = output.write_site(options.out, site.files, site.copies, staging)
    if manifest is not None and keys:
        record_full_write(manifest, site.files, site.copies, keys)
    return stats


class _Clock:
    """Times each stage; the timings feed the CLI summary and the benchmarks."""

    def __init__(self, timings: dict):
        self.timings = timings

    def __call__(self, name: str, fn, *args):
        freeze_made()
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


__all__ = ["BuildFailed", "Options", "Result", "Site", "build", "gather", "show_path"]
