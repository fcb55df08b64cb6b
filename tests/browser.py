"""Shared browser-test fixtures: one Chromium per session and the example site built and served once.

Registered for the whole tests/ folder by tests/conftest.py. Only one Playwright sync driver can run in a
process at a time, so every browser test module must take `chromium` rather than start its own."""
from __future__ import annotations

import http.server
import mimetypes
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conceptsite.build import pipeline
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SUB_PATH = "/notes/"
# Every wait in a browser test ends on an event (a selector, a URL, a request, a function turning true);
# this limit only stops a hang, and each context gets it as Playwright's default timeout.
HANG_MS = 120_000


def need(present: bool, what: str) -> None:
    """Skip a test that lacks a tool, or fail it under CI, where `make test` must have installed it."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; `make test` installs it")
    pytest.skip(f"{what} is missing; `make test` installs it")


def until(tab, check, what: str):
    """Let Playwright deliver events (a route handler's call, a response) until check() holds; fails only
    after HANG_MS, as a hang guard. For what the page cannot show, so wait_for_function cannot see."""
    deadline = time.monotonic() + HANG_MS / 1000
    while not (value := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {HANG_MS // 1000} s (a hang guard)")
        tab.wait_for_timeout(5)  # delivers events meanwhile
    return value


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, one per session."""
    need(Path(CHROMIUM).exists(), CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET/HEAD of files under one folder mounted at one path prefix; anything else gets the site's 404 page.

    Deliberately tiny: a static host in front of a test build, not the project's dev server."""

    root: Path
    prefix: str
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        path = unquote(urlsplit(self.path).path)
        status, file = 404, None
        if path.startswith(self.prefix):
            candidate = (self.root / path[len(self.prefix):]).resolve()
            if candidate.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                candidate = candidate / "index.html"
            if candidate.is_file() and candidate.is_relative_to(self.root):
                status, file = 200, candidate
        if file is None:
            file = self.root / "404.html"
        data = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except ConnectionError:  # the browser moved on (a navigation cancelled this load)
                self.close_connection = True


@dataclass
class Served:
    """A built site served over HTTP: `url("concepts/")` is a full address."""

    out: Path
    base: str  # e.g. http://127.0.0.1:41234/ or http://127.0.0.1:41235/notes/
    origin: str

    def url(self, rel: str = "") -> str:
        return self.base + rel


def _serve(out: Path, prefix: str):
    handler = type("Handler", (_Handler,), {"root": out.resolve(), "prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    return server, Served(out, origin + prefix, origin)


def _build(folder: Path, base_url: str | None = None) -> Path:
    content = ROOT / "content"
    if base_url:  # a copy of the example content whose site.yml names a sub-path
        shutil.copytree(content, folder / "content")
        content = folder / "content"
        yml = content / "site.yml"
        lines = [f"base_url: {base_url}" if line.startswith("base_url:") else line
                 for line in yml.read_text(encoding="utf-8").splitlines()]
        yml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = folder / "site"
    pipeline.build(pipeline.Options(content=content, out=out, use_cache=False))
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """The example site built once and served at the root of 127.0.0.1 on an ephemeral port."""
    server, served = _serve(_build(tmp_path_factory.mktemp("site-root")), "/")
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def served_sub_path(tmp_path_factory):
    """The example site built for https://example.org/notes/ and served only under /notes/: a link that
    escapes the sub-path gets a 404 here, where the root server would have hidden it."""
    out = _build(tmp_path_factory.mktemp("site-notes"), "https://example.org" + SUB_PATH)
    server, served = _serve(out, SUB_PATH)
    yield served
    server.shutdown()
    server.server_close()
