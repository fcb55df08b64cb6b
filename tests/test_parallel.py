"""Markdown across processes gives the same site, byte for byte, as one process."""
from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

import pytest

from benchmarks import corpus
from conceptsite.build import linkcheck as linkstage
from conceptsite import parallel
from conceptsite.build import bodies
from conceptsite.build import pipeline
from conceptsite.build.output import Same, Spilled


def _contents(out: Path) -> dict:
    return {f.relative_to(out).as_posix(): f.read_bytes() for f in sorted(out.rglob("*")) if f.is_file()}


def test_parallel_build_is_byte_identical_to_single_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    project = corpus.generate(tmp_path / "project", 60)
    outputs = {}
    for workers in (1, 3):
        out = tmp_path / f"site-{workers}"
        pipeline.build(pipeline.Options(content=project / "content", out=out, use_cache=False, workers=workers))
        outputs[workers] = _contents(out)
    assert len(outputs[1]) > 60
    assert outputs[1] == outputs[3]


def test_small_jobs_stay_in_one_process():
    assert parallel.worker_count(0, 10) == 1
    assert parallel.worker_count(1, 100_000) == 1
    assert parallel.worker_count(2, 10) == 2  # asked for explicitly
    if len(os.sched_getaffinity(0)) > 1:
        assert parallel.worker_count(0, 100_000) > 1


def test_convert_all_keeps_order_and_resolutions():
    class Names:
        def resolve(self, name):
            return ("concepts/x/", "X") if name == "x" else None

        def hint(self, name):
            return ""

    jobs = [(f"Page {i} links [[x]].", f"concepts/p{i}/", "concepts") for i in range(7)]
    single = bodies.convert_all(jobs, Names(), False, 1)
    forked = bodies.convert_all(jobs, Names(), False, 2)
    assert single == forked
    assert [body.html.split("</p>")[0] for body, _ in single] == [f'<p>Page {i} links <a class="wikilink" href="../x/">X</a>.' for i in range(7)]
    assert single[0][1] == (("x", ("concepts/x/", "X"), None),)  # None: no did-you-mean was asked for


def test_incremental_builds_with_forked_renderers_match_fresh_single_process_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    project = corpus.generate(tmp_path / "project", 40)
    out = tmp_path / "site"
    options = pipeline.Options(content=project / "content", out=out, workers=2)
    pipeline.build(options)
    concept = sorted((project / "content" / "concepts").glob("*.md"))[3]
    concept.write_text(concept.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    template = project / "templates" / "concept.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<!-- edited -->", 1),
                        encoding="utf-8")
    result = pipeline.build(options)
    assert result.stats.files > 40  # the template edit rewrote every concept page, in two processes
    # each page went to the staging folder as it was rendered (or was found unchanged in place): none is held
    pages = {url + "index.html" for url in result.site.graph.pages}
    assert all(isinstance(result.site.files[page], (Spilled, Same)) for page in pages)
    assert any(isinstance(result.site.files[page], Same) for page in pages)  # the writeups' pages did not change
    assert isinstance(result.site.files["tags/index.html"], (Spilled, Same))  # so do the listings
    fresh = tmp_path / "fresh"
    pipeline.build(pipeline.Options(content=project / "content", out=fresh, use_cache=False, workers=1))
    assert _contents(out) == _contents(fresh)
    assert pipeline.build(options).stats.files == 0  # and the next build knows every page's key


def test_template_errors_in_forked_renderers_are_reported(tmp_path):
    project = corpus.generate(tmp_path / "project", 30)
    template = project / "templates" / "concept.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ no_such_thing }}", 1),
                        encoding="utf-8")
    found = {}
    for workers in (1, 2):
        with pytest.raises(pipeline.BuildFailed) as failed:
            pipeline.gather(pipeline.Options(content=project / "content", use_cache=False, workers=workers))
        found[workers] = failed.value.diagnostics
    assert any("no_such_thing" in d.message and d.path.endswith("concept.html") and d.line == 10 for d in found[2])
    assert found[2] == found[1]


def test_map_chunks_keeps_order_and_takes_empty_and_single_lists():
    double = lambda part: [2 * x for x in part]  # noqa: E731
    assert [x for part in parallel.map_chunks(double, list(range(37)), 3) for x in part] == [2 * x for x in range(37)]
    assert list(parallel.map_chunks(double, [], 2)) == [[]]
    assert list(parallel.map_chunks(double, [5], 2)) == [[10]]


HANG = 120  # seconds: a guard against a hang, which fails the test; the waits below end on an event


def _wait_for(ran, part: list) -> list:
    if ran.wait(HANG):
        return [(x, os.getpid()) for x in part]
    return [(x, "gave up waiting") for x in part]


def test_meanwhile_runs_in_this_process_while_the_workers_work():
    ran = []
    meanwhile_ran = multiprocessing.get_context("fork").Event()  # the workers get it by fork
    meanwhile = lambda: ran.append(os.getpid()) or meanwhile_ran.set()  # noqa: E731
    # Each worker waits for meanwhile(): had meanwhile() waited for the workers, they would give up.
    parts = list(parallel.map_chunks(lambda part: _wait_for(meanwhile_ran, part), list(range(8)), 2, meanwhile))
    done = [item for part in parts for item in part]
    assert ran == [os.getpid()]
    assert [x for x, _ in done] == list(range(8))
    assert all(pid not in ("gave up waiting", os.getpid()) for _, pid in done)


def test_meanwhile_runs_after_the_work_in_one_process():
    order = []
    parts = parallel.map_chunks(lambda part: order.append("work") or part, [1, 2, 3], 1, lambda: order.append("meanwhile"))
    assert list(parts) == [[1, 2, 3]] and order == ["work", "meanwhile"]


def test_site_wide_problems_follow_the_pages_for_any_number_of_processes(tmp_path):
    project = corpus.generate(tmp_path / "project", 30)
    (project / "content" / "concepts" / "map.md").write_text("---\ntitle: Map\ndate: 2026-01-02\n---\nA concept at /concepts/map/.\n")
    found = {}
    for workers in (1, 2):
        site = pipeline.gather(pipeline.Options(content=project / "content", use_cache=False, workers=workers))
        found[workers] = site.warnings
    assert any("hides the concept map page" in d.message for d in found[1])
    assert found[2] == found[1]


def test_collections_are_spaced_within_the_block_and_restored_after_it():
    import gc
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), parallel.spaced_collections():
        assert gc.get_threshold() == parallel.BUILD_THRESHOLDS
        raise RuntimeError
    assert gc.get_threshold() == before


def test_the_heap_is_frozen_only_while_workers_run():
    import gc
    seen = []
    list(parallel.map_chunks(lambda chunk: [len(chunk)], list(range(20)), 2,
                             meanwhile=lambda: seen.append(gc.get_freeze_count())))
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_build_settles_its_heap_between_stages_and_frees_it_after(tmp_path):
    import gc
    frozen = []
    with parallel.spaced_collections():
        keep = [object() for _ in range(100)]
        parallel.freeze_made()
        frozen.append(gc.get_freeze_count())
    parallel.freeze_made()  # outside a build: nothing happens
    assert frozen[0] >= len(keep) and gc.get_freeze_count() == 0


def test_chunks_cover_every_item_once_in_order_and_shrink_toward_the_end():
    for count, workers in [(1, 2), (39, 2), (400, 2), (10_002, 2), (10_000, 8)]:
        bounds = parallel.chunk_bounds(count, workers)
        assert [i for start, end in bounds for i in range(start, end)] == list(range(count))
        sizes = [end - start for start, end in bounds]
        assert sizes == sorted(sizes, reverse=True) or sizes[-1] < parallel.MIN_CHUNK  # the remainder may be short
        assert sizes[0] <= -(-count // (workers * 3)) + parallel.MIN_CHUNK
        if count >= 10_000:
            assert max(sizes[-workers:]) <= parallel.MIN_CHUNK  # the last hand-overs are small


def test_link_problems_from_beside_the_build_come_as_from_the_build_itself(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(linkstage, "Beside", lambda fn: made.append(fn) or parallel.Beside(fn))
    project = corpus.generate(tmp_path / "project", 40)
    for n in (3, 11):
        page = next((project / "content" / "concepts").glob(f"*-{n:05d}.md"))
        page.write_text(page.read_text() + "\n\nSee [gone](/concepts/gone/) and [[nowhere]].\n")
    found = {}
    for workers in (1, 2):
        with pytest.raises(pipeline.BuildFailed) as failed:
            pipeline.build(pipeline.Options(content=project / "content", out=tmp_path / f"site-{workers}",
                                            use_cache=False, workers=workers, strict=True))  # broken links warn
        found[workers] = [str(d) for d in failed.value.diagnostics]
        assert len(made) == workers - 1  # the two-worker build checked its links beside the graph stage
    assert any("broken link '/concepts/gone/'" in d for d in found[1]) and found[2] == found[1]
    assert not (tmp_path / "site-2").exists()


def test_beside_hands_back_values_in_order_and_raises_its_errors():
    def values():
        yield 1
        yield {"two": [2]}
        raise ValueError("three")

    side = parallel.Beside(values)
    try:
        assert side.next() == 1 and side.next() == {"two": [2]}
        with pytest.raises(ValueError, match="three"):
            side.next()
    finally:
        side.close()


def test_beside_is_stopped_when_closed_early_and_a_dead_one_says_so():
    def forever():
        yield "started"
        threading.Event().wait()  # never set: only close() ends this process

    side = parallel.Beside(forever)
    assert side.next() == "started"
    closing = threading.Thread(target=side.close, daemon=True)  # close() waiting for the generator would hang
    closing.start()
    closing.join(HANG)
    assert not closing.is_alive(), f"close() still waiting {HANG} s on: it does not stop the process"
    assert not side._process.is_alive()

    dying = parallel.Beside(lambda: (os._exit(3) for _ in [0]))
    with pytest.raises(EOFError):
        dying.next()
    dying.close()
