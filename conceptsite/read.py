"""The read stage: every source page parsed and checked, through the build cache when there is one.

Files the cache holds unchanged (by stat) are taken from it here; the rest are read and parsed
across the machine's cores when they are many (a first or --no-cache build: ~0.2 ms a page, most
of it YAML and checks). Problems are reported in source order, whatever the number of processes."""
from __future__ import annotations

from dataclasses import dataclass

from .cache import PageCache
from .discover import SourceFile, Sources
from .errors import Diagnostic, Report
from .parallel import map_chunks, worker_count
from .parse import Page, read_page


@dataclass(frozen=True)
class Parsed:
    """One file read without a cache: its page (None if it failed) and its diagnostics."""

    page: Page | None
    diagnostics: tuple[Diagnostic, ...]


def read_pages(sources: Sources, drafts: bool, report: Report, cache: PageCache | None = None,
               workers: int = 1) -> list[Page]:
    """Read and check every page (through the cache when given); drafts are left out unless asked for."""
    known = [_current(cache, s) for s in sources.pages]
    todo = [s for s, entry in zip(sources.pages, known) if entry is None]
    made = iter(_read_all(todo, cache, workers))
    pages = []
    for source, entry in zip(sources.pages, known):
        found = entry or next(made)
        if isinstance(found, str):
            report.error(source.shown, 1, 1, f"cannot read file: {found}")
            continue
        if entry is None and cache is not None:
            cache.keep(found)
        report.items.extend(found.diagnostics)
        if found.page is not None and (drafts or not found.page.draft):
            pages.append(found.page)
    return pages


def _current(cache: PageCache | None, source: SourceFile):
    try:
        return cache.current(source) if cache is not None else None
    except OSError:  # gone or unreadable since discovery: reading it again reports why
        return None


def _read_all(sources: list[SourceFile], cache: PageCache | None, workers: int) -> list:
    """An entry (or the reason it could not be read) for each file, in order, across processes when many."""
    count = worker_count(workers, len(sources))
    return [item for part in map_chunks(lambda part: [_read_one(s, cache) for s in part], sources, count)
            for item in part]


def _read_one(source: SourceFile, cache: PageCache | None):
    try:
        if cache is not None:
            return cache.fresh(source, read_page)
        report = Report()
        return Parsed(read_page(source, source.path.read_bytes(), report), tuple(report.items))
    except OSError as exc:
        return exc.strerror or str(exc)
