"""Watch-server latency: from a concept file saved to its page on disk, and to an open tab showing it.

    .venv/bin/python benchmarks/serve_latency.py                  # the example site, 10 edits
    .venv/bin/python benchmarks/serve_latency.py --browser        # also time an open Chromium tab
    .venv/bin/python benchmarks/serve_latency.py --project benchmarks/corpus/n1000 --edits 5

The server runs as `build.py serve --port 0` in its own process on a scratch copy of the project
(content/, templates/, static/), exactly as an author runs it. A measurement, not a test."""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def copy_project(source: Path, dest: Path) -> Path:
    """A scratch copy of a project; returns its content folder."""
    for name in ("content", "templates", "static"):
        folder = source / name if (source / name).is_dir() else ROOT / name
        shutil.copytree(folder, dest / name)
    return dest / "content"


def pick_concept(content: Path) -> Path:
    """The first concept file, in name order."""
    return sorted((content / "concepts").rglob("*.md"))[0]


def start_server(content: Path) -> tuple[subprocess.Popen, str]:
    """Start the serve command and wait for its first build; return the process and its URL."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=content.parent)
    url = proc.stdout.readline().split(" at ")[1].split()[0]
    print("  " + proc.stdout.readline().strip(), flush=True)  # the first build's line
    threading.Thread(target=_collect, args=(proc,), daemon=True).start()
    return proc, url


BUILD_MS: list[float] = []


def _collect(proc: subprocess.Popen) -> None:
    """The server's own time for each rebuild, from its one line per rebuild ("..., 123 ms")."""
    for line in proc.stdout:
        if line.split(" ", 1)[-1].startswith("rebuilt") and line.rstrip().endswith(" ms"):
            BUILD_MS.append(float(line.rstrip().rsplit(" ", 2)[-2]))


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
        time.sleep(0.001)
    raise SystemExit(f"the page never showed marker {marker}")


def measure_disk(source: Path, cache: Path, edits: int) -> list[float]:
    """Edit-to-page-on-disk latencies."""
    original = source.read_text(encoding="utf-8")
    page = output_page(source, cache)
    times = []
    for i in range(edits):
        marker = f"d{i}-{time.time_ns()}"
        times.append(disk_latency(page, marker, save(source, original, marker)))
        time.sleep(0.3)  # let the watcher settle so edits do not coalesce
    source.write_text(original, encoding="utf-8")
    return times


def measure_browser(source: Path, url: str, edits: int) -> list[float]:
    """Edit-to-tab latencies: until the reloaded tab's DOM holds the marker."""
    from playwright.sync_api import sync_playwright

    original = source.read_text(encoding="utf-8")
    page_url = url + "concepts/" + slug_of(source) + "/"
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        tab = browser.new_page()
        tab.goto(page_url)
        tab.wait_for_timeout(300)
        for i in range(edits):
            marker = f"b{i}-{time.time_ns()}"
            saved = save(source, original, marker)
            tab.wait_for_event("domcontentloaded", timeout=600_000)
            shown = time.perf_counter() - saved
            if f"Latency marker {marker}." not in tab.content():
                raise SystemExit("the tab reloaded but does not show the edit")
            times.append(shown)
            tab.wait_for_timeout(300)
        browser.close()
    source.write_text(original, encoding="utf-8")
    return times


def slug_of(source: Path) -> str:
    content = next(p for p in source.parents if p.name == "concepts")
    return source.relative_to(content).with_suffix("").as_posix().lower()


def output_page(source: Path, cache: Path) -> Path:
    return cache / "concepts" / slug_of(source) / "index.html"


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name}: median {statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}, n={len(ms)})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with content/ (default: the example site)")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also measure an open Chromium tab")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as scratch:
        content = copy_project(args.project.resolve(), Path(scratch))
        source = pick_concept(content)
        concepts = len(list((content / "concepts").rglob("*.md")))
        print(f"{concepts} concepts; editing {source.relative_to(content)}", flush=True)
        proc, url = start_server(content)
        try:
            report("save -> page on disk", measure_disk(source, Path(scratch) / ".serve-cache", args.edits))
            if args.browser:
                report("save -> open tab shows it", measure_browser(source, url, args.edits))
            time.sleep(0.5)
            if BUILD_MS:
                report("server rebuild time (its own line)", [ms / 1000 for ms in BUILD_MS])
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
