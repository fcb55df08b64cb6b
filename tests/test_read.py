"""read.read_pages: the same pages and report in one process or several, with or without the cache."""
from pathlib import Path

import pytest

from benchmarks import corpus
from conceptsite import parallel
from conceptsite.source import read
from conceptsite.source.page_cache import PageCache
from conceptsite.store import Store
from conceptsite.source.discover import discover
from conceptsite.diagnostics import Report


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = corpus.generate(tmp_path_factory.mktemp("read") / "project", parallel.MIN_PAGES + 50)
    concepts = sorted((root / "content" / "concepts").glob("*.md"))
    concepts[3].write_text("---\ntitle: [unclosed\n---\nBody.\n")  # a YAML error
    concepts[200].write_text("---\ntitle: Bad date\ndate: 2025-13-01\n---\nBody.\n")  # a bad value (a missing date is fine now)
    return root


def _read(project: Path, workers: int, cache=None):
    report = Report()
    pages = read.read_pages(discover(project / "content"), False, report, cache, workers)
    return pages, report.items


def test_several_processes_read_what_one_reads(project):
    pages, problems = _read(project, 1)
    assert _read(project, 2) == (pages, problems)
    assert len(pages) == len(discover(project / "content").pages) - 2  # all but the two broken concepts
    assert [p.path.endswith(".md") for p in problems] == [True, True] and problems[0].path < problems[1].path


def test_the_cache_keeps_what_was_read_and_gives_it_back(project, tmp_path, monkeypatch):
    cache = PageCache(Store(tmp_path / "cache", "v1"))
    first = _read(project, 2, cache)
    assert first == _read(project, 1)
    assert len(cache.changed) == len(cache.entries) == len(discover(project / "content").pages)
    monkeypatch.setattr(read, "read_page", lambda *a: pytest.fail("an unchanged file was parsed again"))
    assert _read(project, 1, cache) == first


def test_a_file_that_cannot_be_read_is_reported(tmp_path):
    content = tmp_path / "content"
    (content / "concepts").mkdir(parents=True)
    page = content / "concepts" / "gone.md"
    page.write_text("---\ntitle: Gone\ndate: 2026-01-01\n---\nBody.\n")
    sources = discover(content)
    page.unlink()
    page.mkdir()  # now a folder: reading it fails
    report = Report()
    assert read.read_pages(sources, False, report) == []
    assert [(str(d), d.severity) for d in report.items] == [(f"{sources.pages[0].shown}:1:1: error: cannot read file: Is a directory", "error")]
