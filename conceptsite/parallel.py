"""Markdown across the machine's cores for big cold builds; small jobs stay in one process.

Workers are forked, so they inherit the pages and the name index without pickling them; each
returns the bodies of its share and the wikilink resolutions they used. Every body is rendered
by a freshly reset converter, so the output is the same bytes as a single-process build."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from .cache import Recorder
from .markup import Markup

MIN_PAGES = 400  # below this, starting workers costs more than it saves (measured on 2 cores)
_JOB: dict = {}  # set in the parent just before forking; read by the workers


def worker_count(requested: int, pages: int) -> int:
    """How many processes: as requested (0: automatic, 1 for small jobs, else one per core); 1 without fork."""
    if requested == 1 or pages < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested > 1:
        return min(requested, pages)
    if pages < MIN_PAGES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, pages // (MIN_PAGES // 4)))


def convert_all(jobs: list[tuple[str, str]], index, allow_html: bool, workers: int) -> list[tuple]:
    """(body, resolutions) for each (text, url), in order, using `workers` processes."""
    if workers <= 1:
        return _convert(jobs, index, allow_html)
    _JOB.update(jobs=jobs, index=index, allow_html=allow_html)
    try:
        size = -(-len(jobs) // (workers * 4))  # a few chunks per worker evens out slow pages
        chunks = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [item for part in pool.map(_chunk, chunks) for item in part]
    finally:
        _JOB.clear()


def _chunk(bounds: tuple[int, int]) -> list[tuple]:
    start, end = bounds
    return _convert(_JOB["jobs"][start:end], _JOB["index"], _JOB["allow_html"])


def _convert(jobs: list[tuple[str, str]], index, allow_html: bool) -> list[tuple]:
    recorder = Recorder(index)
    markup = Markup(recorder, allow_html=allow_html)
    out = []
    for text, url in jobs:
        recorder.log = []
        body = markup.convert(text, url)
        out.append((body, tuple(recorder.log)))
    return out
