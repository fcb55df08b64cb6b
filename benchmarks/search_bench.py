"""Search at scale: the size of search.json and the time a keystroke takes in a real Chromium.

    .venv/bin/python -m benchmarks.search_bench [--concepts 10000]

Generates a corpus (benchmarks/corpus.py) of N concepts, builds it, reports search.json raw and
gzip-compressed, then serves the build on 127.0.0.1, opens a concept page in Chromium, opens search
with `/` and types queries one character at a time. Each keystroke is timed in the page from its
keydown (capture phase, before the site's handlers) to the result list being updated (a
MutationObserver, after the synchronous search) and to the next frame being painted
(requestAnimationFrame, then a task). Issue 3's targets: < 2 MB compressed, < 50 ms a keystroke."""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

from . import corpus
from .serve_latency import BROWSER_ARGS as ARGS, CHROMIUM

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERIES = ["stochastic gradient", "kernel 0042", "latent memory"]  # 19 + 11 + 13 = 43 keystrokes
TARGET_BYTES, TARGET_MS = 2_000_000, 50.0

PROBE = """() => {
    const input = document.getElementById('search-input'), list = document.getElementById('search-results');
    let t0 = 0, t1 = 0;
    document.addEventListener('keydown', () => { t0 = performance.now(); t1 = 0; }, true);
    const observer = new MutationObserver(() => {
        if (!t0 || t1) return;
        t1 = performance.now();
        const start = t0;
        requestAnimationFrame(() => setTimeout(() => {
            (window.__keys = window.__keys || []).push({value: input.value, script: t1 - start, paint: performance.now() - start,
                                results: list.children.length});
        }));
    });
    for (const el of [list, document.getElementById('search-status')])  /* the status is rewritten on every search */
        observer.observe(el, {childList: true, subtree: true, characterData: true});
}"""


def serve(folder: Path):
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                                     {"log_message": lambda *a: None}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build(project: Path) -> tuple[Path, float]:
    sys.path.insert(0, str(ROOT))
    from conceptsite.build import pipeline
    out = project / "site"
    started = time.perf_counter()
    pipeline.build(pipeline.Options(content=project / "content", out=out, templates=ROOT / "templates",
                                    static=ROOT / "static"))
    return out, time.perf_counter() - started


def measure(base: str, concept_url: str, timeout: float = 60) -> dict:
    """Open search on a concept page and type QUERIES; every wait is limited to timeout seconds."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.set_default_timeout(timeout * 1000)
            tab.goto(base + concept_url)
            started = time.perf_counter()
            tab.keyboard.press("/")
            status = "() => document.querySelector('.search-status').textContent"
            tab.wait_for_function(f"() => /\\d+ pages|unavailable/.test(({status})())")  # the index is loaded, or not
            first_open = time.perf_counter() - started
            if "unavailable" in tab.evaluate(status):
                raise RuntimeError(f"the page says: {tab.evaluate(status)}")
            tab.evaluate(PROBE)
            samples = []
            for query in QUERIES:
                tab.fill("#search-input", "")
                for n, char in enumerate(query, 1):
                    tab.evaluate("() => { window.__keys = []; }")
                    tab.keyboard.type(char)
                    tab.wait_for_function("v => window.__keys.some(k => k.value === v)", arg=query[:n])
                    samples.append(tab.evaluate("v => window.__keys.filter(k => k.value === v)[0]", query[:n]))
        finally:
            browser.close()
    return {"first_open_s": first_open, "samples": samples}


def index_size(out: Path) -> tuple[int, int]:
    """search.json's bytes, raw and gzip -6 compressed (what a server sending it compressed ships)."""
    raw = (out / "search.json").read_bytes()
    return len(raw), len(gzip.compress(raw, 6))


def measure_site(out: Path, concept_url: str, timeout: float = 60) -> dict:
    """Serve a built site on 127.0.0.1 and time its search in Chromium (see measure)."""
    server, base = serve(out)
    try:
        return measure(base, concept_url, timeout)
    finally:
        server.shutdown()
        server.server_close()


def keystroke_medians(samples: list[dict]) -> tuple[float, float]:
    """Median ms per keystroke: to the results in the DOM, and to the next painted frame."""
    return statistics.median(s["script"] for s in samples), statistics.median(s["paint"] for s in samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concepts", type=int, default=10_000)
    args = parser.parse_args(argv)

    project = corpus.generate(HERE / "corpus" / f"search-n{args.concepts}", args.concepts)
    out, seconds = build(project)
    raw, packed = index_size(out)
    print(f"{args.concepts} concepts built in {seconds:.1f} s")
    print(f"search.json: {raw / 1e6:.2f} MB raw, {packed / 1e6:.2f} MB gzip -6 "
          f"(target < {TARGET_BYTES / 1e6:.0f} MB compressed: {'ok' if packed < TARGET_BYTES else 'MISSED'})")

    result = measure_site(out, f"concepts/{corpus.concepts(args.concepts)[0].slug}/")
    samples = result["samples"]
    script, paint = keystroke_medians(samples)
    worst = max(samples, key=lambda s: s["paint"])
    print(f"first search (fetch + parse search.json): {result['first_open_s'] * 1000:.0f} ms")
    print(f"per keystroke over {len(samples)} keystrokes, median: {script:.1f} ms to results in the DOM, "
          f"{paint:.1f} ms to the next painted frame (target < {TARGET_MS:.0f} ms: "
          f"{'ok' if paint < TARGET_MS else 'MISSED'}); slowest {worst['paint']:.1f} ms at {worst['value']!r}")
    return 0 if packed < TARGET_BYTES and paint < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
