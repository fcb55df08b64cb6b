"""The Markdown stage: every page's body converted (cached bodies reused, the rest across cores when
many), with body problems placed at their line and column."""
from __future__ import annotations

from conceptsite.diagnostics import Report
from conceptsite.graph.links import Index, locate
from conceptsite.markdown.body_cache import BodyCache, Recorder, body_key
from conceptsite.markdown.convert import Body, Markup
from conceptsite.parallel import map_chunks, worker_count
from conceptsite.source.config import SiteConfig
from conceptsite.source.page import Page


def render_bodies(pages: list[Page], index: Index, config: SiteConfig, report: Report,
                  cache: BodyCache | None = None, workers: int = 1) -> dict[str, Body]:
    """Markdown for every page (cached bodies reused, the rest across cores when many), with
    body problems placed at their line and column."""
    found, todo = {}, []
    for page in pages:
        key = body_key(page.body, page.url, config.allow_html, page.source.folder)
        body = cache.get(page.url, key, index) if cache is not None else None
        if body is None:
            todo.append((page, key))
        else:
            found[page.url] = body
    jobs = [(page.body, page.url, page.source.folder) for page, _ in todo]
    for (page, key), (body, resolutions) in zip(todo, convert_all(jobs, index, config.allow_html,
                                                                  worker_count(workers, len(jobs)))):
        found[page.url] = body
        if cache is not None:
            cache.put(page.url, key, resolutions, body)
    bodies = {}
    for page in pages:
        body = bodies[page.url] = found[page.url]
        seen: dict[str, int] = {}
        for problem in body.problems:
            place = locate(page, problem.needle, seen.get(problem.needle, 0))
            seen[problem.needle] = seen.get(problem.needle, 0) + 1
            add = report.error if problem.severity == "error" else report.warn
            add(page.source.shown, *place, problem.message)
    return bodies


def convert_all(jobs: list[tuple[str, str, str]], index, allow_html: bool, workers: int) -> list[tuple]:
    """(body, resolutions) for each (text, url, folder), in order, using `workers` processes."""
    convert = lambda part: _convert(part, index, allow_html)  # noqa: E731
    return [item for part in map_chunks(convert, jobs, workers) for item in part]


def _convert(jobs: list[tuple[str, str, str]], index, allow_html: bool) -> list[tuple]:
    recorder = Recorder(index)
    markup = Markup(recorder, allow_html=allow_html)
    out = []
    for text, url, folder in jobs:
        body = markup.convert(text, url, folder)
        out.append((body, recorder.take()))
    return out
