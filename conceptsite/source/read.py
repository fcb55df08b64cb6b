"""The read stage: every source page parsed and checked, through the build cache when there is one.

Without a cache (a --no-cache build) the files are read and parsed across the machine's cores when
they are many (~0.2 ms a page, most of it YAML and checks). With one, they are read in this process:
a first build with a cache saves the same time, but the pages a worker sends back are held for
good by a cache (the watch server keeps them between builds), and holding unpickled pages cost the
server ~60 MB more at 10,000 concepts. Problems are reported in source order either way."""
from __future__ import annotations

from dataclasses import dataclass

from conceptsite.source.page_cache import PageCache
from conceptsite.source.discover import SourceFile, Sources
from conceptsite.diagnostics import Diagnostic, Report
from conceptsite.parallel import map_chunks, worker_count
from conceptsite.source.page import Page, read_page


@dataclass(frozen=True)
class Parsed:
    """One file read without a cache: its page (None if it failed) and its diagnostics."""

    page: Page | None
    diagnostics: tuple[Diagnostic, ...]


def read_pages(sources: Sources, drafts: bool, report: Report, cache: PageCache | None = None,
               workers: int = 1, dates: dict | None = None, keys: tuple = ()) -> list[Page]:
    """Read and check every page (through the cache when given); drafts are left out unless asked for.
    dates: history.FileDates from git by absolute path, for pages whose front-matter gives none;
    keys: site.yml's key map."""
    dates = dates or {}
    if cache is not None:
        found = [_read_one(s, cache, dates.get(str(s.path)), keys) for s in sources.pages]
    else:
        found = _read_all(sources.pages, worker_count(workers, len(sources.pages)), dates, keys)
    pages = []
    for source, entry in zip(sources.pages, found):
        if isinstance(entry, str):
            report.error(source.shown, 1, 1, f"cannot read file: {entry}")
            continue
        report.items.extend(entry.diagnostics)
        if entry.page is not None and (drafts or not entry.page.draft):
            pages.append(entry.page)
    return pages


def _read_all(sources: list[SourceFile], workers: int, dates: dict, keys: tuple) -> list:
    """An entry (or the reason it could not be read) for each file, in order, across processes when many."""
    read = lambda part: [_read_one(s, None, dates.get(str(s.path)), keys) for s in part]  # noqa: E731
    return [item for part in map_chunks(read, sources, workers) for item in part]


def _read_one(source: SourceFile, cache: PageCache | None, dates=None, keys: tuple = ()):
    """The cache's entry, or a Parsed; the reason as text when the file cannot be read."""
    try:
        if cache is not None:
            return cache.read(source, read_page, dates, keys)
        report = Report()
        return Parsed(read_page(source, source.path.read_bytes(), report, dates, keys), tuple(report.items))
    except OSError as exc:
        return exc.strerror or str(exc)
