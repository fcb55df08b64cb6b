"""Markdown and templates across the machine's cores for big builds; small jobs stay in one process.

Workers are forked, so they inherit the pages, the name index and the graph without pickling
them; each returns the results of its share (bodies and the wikilink resolutions they used, or
rendered pages). Every body is rendered by a freshly reset converter and every page by the same
templates, so the output is the same bytes as a single-process build."""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


# A build allocates millions of objects that mostly live until it ends (pages, bodies, views), so
# collecting every 700 allocations (Python's default) mostly finds nothing: ~1 s of a cold build
# at 10,000 concepts went to such collections.
BUILD_THRESHOLDS = (20_000, 20, 10)
MIN_PAGES = 400  # below this, starting workers costs more than it saves (measured on 2 cores)
MIN_CHUNK = 40  # pages: a chunk's hand-over costs about as much as rendering one page
_JOB: dict = {}  # set in the parent just before forking; read by the workers


def worker_count(requested: int, pages: int) -> int:
    """How many processes: as requested (0: automatic, 1 for small jobs, else one per core); 1 without fork."""
    if requested == 1 or pages < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested > 1:
        return min(requested, pages)
    if pages < MIN_PAGES:
        return 1
    return max(1, min(cores(), pages // (MIN_PAGES // 4)))


def cores() -> int:
    """How many cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_SPACED: list = []  # non-empty within spaced_collections()


@contextlib.contextmanager
def spaced_collections():
    """Within this block, the cyclic garbage collector runs less often (see BUILD_THRESHOLDS), and
    freeze_made() keeps it from scanning what the build has made so far."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    _SPACED.append(True)
    try:
        yield
    finally:
        _SPACED.pop()
        if not _SPACED:
            gc.unfreeze()  # whatever of the build is garbage can be collected again
        gc.set_threshold(*before)


def freeze_made() -> None:
    """Between stages of a build (within spaced_collections): what it has made so far lives until
    it ends, so the collector need not scan it again (~0.3 s of the parent's collections at 10,000
    concepts went to the older generations, which hold it)."""
    if _SPACED:
        gc.freeze()


def map_chunks(fn, items: list, workers: int, meanwhile=None):
    """fn over consecutive chunks of items, yielded in order: in this process, or in `workers` forked ones.

    fn and items reach the workers by fork, not by pickling; only what fn returns is pickled back.
    Each chunk's result is handed on as it comes, so the caller need not hold them all at once.
    meanwhile(), when given, runs in this process while the workers work (in one process: after fn)."""
    if workers <= 1 or len(items) < 2:
        yield fn(items)
        if meanwhile is not None:
            meanwhile()
        return
    _JOB.update(fn=fn, items=items)
    # Frozen, the parent's objects are never scanned by a worker's collections: scanning writes to
    # each object's header, which would copy every page of the inherited heap into the worker.
    gc.freeze()
    try:
        chunks = chunk_bounds(len(items), workers)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_chunk, chunks)  # every chunk is handed out (and the workers forked) now
            if meanwhile is not None:
                meanwhile()
            yield from results
    finally:
        gc.unfreeze()
        _JOB.clear()


def chunk_bounds(count: int, workers: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) chunks of count items, each a third of a worker's share of what is
    left: big first (few hand-overs), small last, so the workers run out of work close together
    (equal chunks left one core idle for most of a chunk at the end of each stage)."""
    bounds, start = [], 0
    while start < count:
        size = max(MIN_CHUNK, -(-(count - start) // (workers * 3)))
        bounds.append((start, min(start + size, count)))
        start += size
    return bounds


class Beside:
    """A generator function run in a forked process while this one goes on (a build's stages leave
    one core idle while the graph is built); what it yields comes back here, one value per next().

    Like map_chunks' workers, the process gets everything by fork; only the values are pickled.
    An error in it is raised by next(); a process that died says so as EOFError."""

    def __init__(self, fn):
        context = multiprocessing.get_context("fork")
        self._values, sender = context.Pipe(duplex=False)
        gc.freeze()  # see map_chunks: the child's collections must not copy the inherited heap
        try:
            self._process = context.Process(target=_run_beside, args=(fn, sender), daemon=True)
            self._process.start()
        finally:
            gc.unfreeze()
        sender.close()

    def next(self):
        """The next value the generator yielded (waiting for it)."""
        value = self._values.recv()
        if isinstance(value, _Raised):
            raise value.error
        return value

    def close(self) -> None:
        """Stop the process if it is still working, and wait for it."""
        self._values.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


class _Raised:
    def __init__(self, error: BaseException):
        self.error = error


def _run_beside(fn, sender) -> None:
    try:
        for value in fn():
            sender.send(value)
    except Exception as exc:  # the caller raises it, as if it had run there
        sender.send(_Raised(exc))
    finally:
        sender.close()


def _chunk(bounds: tuple[int, int]):
    start, end = bounds
    return _JOB["fn"](_JOB["items"][start:end])
