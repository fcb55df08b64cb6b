"""The build pipeline: gather everything first (discover, read, index, markup, graph, check, render), then write."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import output
from .config import SiteConfig, read_config
from .discover import Sources, discover, show_path
from .errors import BuildFailed, Diagnostic, Report
from .graph import Graph, build_graph
from .links import Index, check_links, locate
from .markup import Body, Markup
from .parse import Page, read_page
from .render import SECTION_URLS, Renderer, Theme, make_environment
from .views import tag_url

BUNDLED = Path(__file__).resolve().parent.parent
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


@dataclass(frozen=True)
class Site:
    """A fully rendered site, held in memory until it is written."""

    config: SiteConfig
    graph: Graph
    bodies: dict
    files: dict  # output path -> bytes
    copies: dict  # output path -> source file
    warnings: tuple[Diagnostic, ...]


@dataclass
class Result:
    """What a build did, for the one-line summary."""

    site: Site
    seconds: float
    stats: output.WriteStats | None = None
    timings: dict = field(default_factory=dict)


def resolve_theme(options: Options) -> Theme:
    """Templates and static folders: beside content/ when present, else the bundled ones."""
    project = options.content.resolve().parent
    templates = options.templates or _first_dir(project / "templates", BUNDLED / "templates")
    static = options.static or _first_dir(project / "static", BUNDLED / "static")
    versions = {p.relative_to(static).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()[:8]
                for p in sorted(static.rglob("*")) if p.is_file()}
    return Theme(templates, static, versions)


def _first_dir(*candidates: Path) -> Path:
    return next((c for c in candidates if c.is_dir()), candidates[-1])


def gather(options: Options, timings: dict | None = None) -> Site:
    """Run every stage up to rendering; raise BuildFailed listing all problems."""
    timings = {} if timings is None else timings
    clock = _Clock(timings)
    report = Report()
    theme = resolve_theme(options)
    sources = clock("discover", discover, options.content)
    config = clock("config", read_config, sources.config, report)
    pages = clock("read", read_pages, sources, options.drafts, report)
    index = clock("index", Index, pages, report)
    bodies = clock("markup", render_bodies, pages, index, config, report)
    graph = clock("graph", build_graph, pages, bodies, index, report)
    known = known_urls(graph, sources, theme)
    clock("links", check_links, pages, bodies, known, report)
    config = check_nav(config, known, sources, report)
    report.raise_if_failed(options.strict)
    renderer = Renderer(make_environment(theme), config, graph, bodies, report)
    files = clock("render", renderer.pages)
    report.raise_if_failed(options.strict)
    copies = {f"assets/{name}": theme.static / name for name in theme.versions}
    copies.update({a.rel: a.path for a in sources.assets})
    return Site(config, graph, bodies, files, copies, tuple(report.items))


def build(options: Options) -> Result:
    """Gather the site, then (when an output folder is given) write it in one swap."""
    started = time.perf_counter()
    timings: dict = {}
    if options.out is not None:
        output.check_output(options.out, [options.content, *_theme_dirs(options)])
    site = gather(options, timings)
    stats = None
    if options.out is not None:
        stats = _Clock(timings)("write", output.write_site, options.out, site.files, site.copies)
    return Result(site, time.perf_counter() - started, stats, timings)


def _theme_dirs(options: Options) -> list[Path]:
    theme = resolve_theme(options)
    return [theme.templates, theme.static]


def read_pages(sources: Sources, drafts: bool, report: Report) -> list[Page]:
    """Read and check every page; drafts are left out unless asked for."""
    pages = []
    for source in sources.pages:
        try:
            raw = source.path.read_bytes()
        except OSError as exc:
            report.error(source.shown, 1, 1, f"cannot read file: {exc.strerror}")
            continue
        page = read_page(source, raw, report)
        if page is not None and (drafts or not page.draft):
            pages.append(page)
    return pages


def render_bodies(pages: list[Page], index: Index, config: SiteConfig, report: Report) -> dict[str, Body]:
    """Markdown for every page, with body problems placed at their line and column."""
    markup = Markup(index, allow_html=config.allow_html)
    bodies = {}
    for page in pages:
        body = markup.convert(page.body, page.url)
        for problem in body.problems:
            place = locate(page, problem.needle)
            add = report.error if problem.severity == "error" else report.warn
            add(page.source.shown, *place, problem.message)
        bodies[page.url] = body
    return bodies


def known_urls(graph: Graph, sources: Sources, theme: Theme) -> set[str]:
    """Every URL the built site will answer, for the link checker."""
    known = {"", "tags/", "feed.xml", "sitemap.xml", "robots.txt", "graph.json", "search.json", "404.html"}
    known.update(SECTION_URLS.values())
    known.update(graph.pages)
    known.update(tag_url(t) for t in graph.tags)
    known.update(f"concepts/{r.target}/" for p in graph.pages.values() for r in p.aliases)
    known.update(a.rel for a in sources.assets)
    known.update(f"assets/{name}" for name in theme.versions)
    return known


def check_nav(config: SiteConfig, known: set[str], sources: Sources, report: Report) -> SiteConfig:
    """Warn about header links from site.yml that lead nowhere; drop such default links."""
    dead = [item for item in config.nav
            if "://" not in item.path and item.path.strip("/") + "/" not in known and item.path.strip("/") not in known]
    if not config.nav_from_file:
        return replace(config, nav=tuple(item for item in config.nav if item not in dead))
    for item in dead:
        report.warn(show_path(sources.config), 1, 1, f"nav link '{item.path}' ({item.label}) goes to no page")
    return config


class _Clock:
    """Times each stage; the timings feed the CLI summary and the benchmarks."""

    def __init__(self, timings: dict):
        self.timings = timings

    def __call__(self, name: str, fn, *args):
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


__all__ = ["BuildFailed", "Options", "Result", "Site", "build", "gather", "show_path"]
