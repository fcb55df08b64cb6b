"""Graph features at scale (a script, not a test): `python -m benchmarks.graph_scale [N]`.

Builds an N-concept corpus (benchmarks/corpus.py when present, else a small inline generator) and
reports the graph stage against the whole build, the map layout, the map page and export sizes,
and the graph-health report's time.
"""
from __future__ import annotations

import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conceptsite import health, layout, pipeline  # noqa: E402


def corpus(n: int) -> Path:
    """A project folder with n concepts."""
    root = HERE / "corpus" / f"graph-{n}"
    try:
        from benchmarks import corpus as generator
    except ImportError:
        return _inline_corpus(root, n)
    return generator.generate(root, n)


def _inline_corpus(root: Path, n: int) -> Path:
    """Fallback: n short concepts with tags, related, prerequisites and wikilinks."""
    rng = random.Random(7)
    concepts = root / "content" / "concepts"
    concepts.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        related = ", ".join(f"c{rng.randrange(n)}" for _ in range(3))
        prereq = f"\nprerequisites: [c{rng.randrange(i)}]" if i and rng.random() < 0.4 else ""
        links = " ".join(f"[[c{rng.randrange(n)}]]" for _ in range(4))
        (concepts / f"c{i}.md").write_text(
            f"---\ntitle: Concept {i}\ndate: 2025-01-01\ntags: [t{i % 40}]\nrelated: [{related}]{prereq}\n---\n"
            f"Body of concept {i} with {links} and some words about concept {rng.randrange(n)}.\n")
    return root


def options(root: Path, out: Path) -> pipeline.Options:
    """Build options with the cache off when the pipeline has one, so every stage really runs."""
    extra = {"use_cache": False} if "use_cache" in {f.name for f in dataclasses.fields(pipeline.Options)} else {}
    return pipeline.Options(content=root / "content", out=out, **extra)


def main(argv: list[str]) -> int:
    """Build once and print the numbers."""
    n = int(argv[0]) if argv else 10_000
    root = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        result = pipeline.build(options(root, out))
        graph = result.site.graph
        started = time.perf_counter()
        drawn = layout.layout(graph)
        layout_s = time.perf_counter() - started
        started = time.perf_counter()
        report = health.analyze(graph)
        health_s = time.perf_counter() - started
        map_bytes = (out / "concepts/map/index.html").stat().st_size
        export_bytes = (out / "concepts.json").stat().st_size
    timings = result.timings
    paths = [len(p) for p in graph.paths.values()] or [0]
    print(f"concepts: {len(graph.concepts)}, edges: {len(graph.edges)}")
    print(f"whole build: {result.seconds:.2f} s; stages: "
          + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
    print(f"graph stage: {timings.get('graph', 0):.2f} s = {100 * timings.get('graph', 0) / result.seconds:.1f}% of the build")
    print(f"map layout ({'force' if len(drawn.nodes) <= layout.FORCE_LIMIT else 'tag clusters'}): {layout_s:.2f} s")
    print(f"map page: {map_bytes / 1e6:.2f} MB; concepts.json: {export_bytes / 1e6:.2f} MB")
    print(f"learning paths: {len(graph.paths)} pages, longest {max(paths)}, mean {sum(paths) / len(paths):.1f}")
    print(f"check --graph analysis: {health_s:.2f} s; orphans {len(report.orphans)}, one-way {len(report.one_way)}, "
          f"unlinked mentions {len(report.mentions)}, missing {len(report.missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
