"""The preview server's HTTP side: a strict static file handler, live-reload events and the request gate.

Deliberately not SimpleHTTPRequestHandler (which follows symlinks out, serves dotfiles, lists folders
and takes any Host): what may be served is decided in serve_policy; only GET and HEAD are allowed."""
from __future__ import annotations

import html
import json
import queue
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conceptsite.serve.policy import Refused, host_ok, inject, locate, request_path

LIVE = Path(__file__).resolve().parent / "live"
PREFIX = "/__conceptsite/"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
         ".avif": "image/avif", ".ico": "image/x-icon", ".pdf": "application/pdf", ".woff2": "font/woff2",
         ".woff": "font/woff", ".mp4": "video/mp4", ".webm": "video/webm", ".csv": "text/csv; charset=utf-8",
         ".md": "text/markdown; charset=utf-8", ".wasm": "application/wasm"}


class Gate:
    """Requests wait while a build runs; a build writes only once no request is reading.

    A request that waited through the end of one build goes ahead even if the next build has
    already begun: that build cannot write until the request is done, so nothing is starved."""

    def __init__(self, busy: bool = True):
        self._cond = threading.Condition()
        self._busy, self._writing, self._readers, self._finished = busy, False, 0, 0

    def begin(self) -> None:
        """A build starts: hold new requests."""
        with self._cond:
            self._busy = True

    def exclusive(self) -> None:
        """Wait until requests already reading are done; from now until end() none may start."""
        with self._cond:
            self._writing = True
            self._cond.wait_for(lambda: self._readers == 0)

    def end(self) -> None:
        """The build is over: let requests through."""
        with self._cond:
            self._busy = self._writing = False
            self._finished += 1
            self._cond.notify_all()

    @contextmanager
    def reading(self, timeout: float = 30.0):
        """Read the output folder while no build is writing it."""
        with self._cond:
            seen = self._finished
            self._cond.wait_for(lambda: not self._busy or self._finished != seen, timeout)  # a long build: old site
            self._cond.wait_for(lambda: not self._writing)  # but never a half-written one
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()


class Broadcaster:
    """Fans live-reload messages out to every connected event stream."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queues: list[queue.Queue] = []

    def subscribe(self) -> queue.Queue:
        """A new listener's queue."""
        q: queue.Queue = queue.Queue()
        with self._lock:
            self._queues.append(q)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        """Forget a listener."""
        with self._lock:
            if q in self._queues:
                self._queues.remove(q)

    def publish(self, message: dict) -> None:
        """Send one message to every listener."""
        with self._lock:
            for q in self._queues:
                q.put(message)

    @property
    def listeners(self) -> int:
        """How many event streams are open."""
        with self._lock:
            return len(self._queues)


@dataclass(frozen=True)
class Response:
    """A complete response body and its type."""

    status: int
    body: bytes
    ctype: str
    location: str | None = None


class Handler(BaseHTTPRequestHandler):
    """One request against the preview (the app is set on a subclass by make_server)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each body waits ~40 ms behind its headers (Nagle + delayed ACK)
    server_version = "conceptsite-preview"
    timeout = 30
    app = None

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # every method but GET and HEAD
            return self._not_allowed
        raise AttributeError(name)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """Serve a file, a live-reload asset or the event stream."""
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        """Like GET, without the body."""
        self._serve(head=True)

    def _not_allowed(self) -> None:
        if self._host_checked():
            self._send(Response(405, b"method not allowed\n", TYPES[".txt"]), extra={"Allow": "GET, HEAD"})

    def _host_checked(self) -> bool:
        if host_ok(self.headers.get("Host"), self.app.hosts, self.app.wildcard):
            return True
        self._send(Response(403, b"forbidden: unknown Host header\n", TYPES[".txt"]))
        return False

    def _serve(self, head: bool) -> None:
        if not self._host_checked():
            return
        raw = self.requestline.split(" ")[1] if self.requestline.count(" ") >= 2 else self.path
        try:
            rel = request_path(raw)
        except Refused as refused:
            return self._send(Response(refused.status, f"{refused}\n".encode(), TYPES[".txt"]), head)
        if ("/" + rel).startswith(PREFIX):
            return self._live(rel[len(PREFIX) - 1:], head)
        self._send(self._file(rel), head)

    def _file(self, rel: str) -> Response:
        with self.app.gate.reading():
            failure, build = self.app.failure_page(), self.app.status.build
            if failure is not None:
                return Response(failure[0], inject(failure[1], build), TYPES[".html"])
            root = self.app.root
            found = locate(root, rel)
            if isinstance(found, str):
                return Response(301, b"", TYPES[".txt"], location=found)
            if found is None:
                missing = locate(root, "404.html")
                if isinstance(missing, Path):
                    return Response(404, inject(missing.read_bytes(), build), TYPES[".html"])
                return Response(404, b"not found\n", TYPES[".txt"])
            data, ctype = found.read_bytes(), TYPES.get(found.suffix.lower(), "application/octet-stream")
        return Response(200, inject(data, build) if ctype == TYPES[".html"] else data, ctype)

    def _live(self, name: str, head: bool) -> None:
        if name == "events":
            return self._events(head)
        if name == "health":
            return self._send(Response(200, self.app.health_report(), TYPES[".txt"]), head)
        if name in ("livereload.js", "livereload.css"):
            path = LIVE / name
            return self._send(Response(200, path.read_bytes(), TYPES[path.suffix]), head)
        self._send(Response(404, b"not found\n", TYPES[".txt"]), head)

    def _events(self, head: bool) -> None:
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() != "http://" + self.headers.get("Host", "").strip().lower():
            return self._send(Response(403, b"forbidden: cross-origin event stream\n", TYPES[".txt"]), head)
        # Subscribed before the headers go out: a tab whose stream is open gets every event from then on.
        stream = None if head else self.app.events.subscribe()
        try:
            self.send_response(200)
            self._common_headers("text/event-stream; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if stream is not None:
                self._write_event(self.app.hello(), retry=True)
                self._pump(stream)
        except OSError:
            pass  # the tab went away
        finally:
            if stream is not None:
                self.app.events.unsubscribe(stream)

    def _pump(self, stream: queue.Queue) -> None:
        idle = 0.0
        while not self.app.stopping.is_set():
            try:
                message = stream.get(timeout=0.25)
            except queue.Empty:
                idle += 0.25
                if idle >= 15:
                    self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
                    idle = 0.0
                continue
            self._write_event(message)
            idle = 0.0

    def _write_event(self, message: dict, retry: bool = False) -> None:
        head = b"retry: 500\n" if retry else b""
        self.wfile.write(head + b"data: " + json.dumps(message).encode() + b"\n\n")
        self.wfile.flush()

    def _send(self, response: Response, head: bool = False, extra: dict | None = None) -> None:
        self.send_response(response.status)
        self._common_headers(response.ctype)
        self.send_header("Content-Length", str(len(response.body)))
        if response.location:
            self.send_header("Location", response.location)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and self.command != "HEAD":
            self.wfile.write(response.body)

    def _common_headers(self, ctype: str) -> None:
        self.send_header("Content-Type", ctype)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")

    def log_message(self, format, *args) -> None:  # noqa: A002 - the terminal gets one line per rebuild
        return


class PreviewServer(ThreadingHTTPServer):
    """Threaded, daemon request threads, and quiet about clients that hang up."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        """Ignore dropped connections; report anything else in one line."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            print(f"error: request failed: {type(exc).__name__}: {exc}", file=sys.stderr)


def make_server(app, host: str, port: int) -> PreviewServer:
    """Bind the server for an app with root, hosts, wildcard, gate, events, stopping, status, hello(), failure_page()."""
    handler = type("PreviewHandler", (Handler,), {"app": app})
    server_class = PreviewServer
    if ":" in host:
        server_class = type("PreviewServer6", (PreviewServer,), {"address_family": socket.AF_INET6})
    return server_class((host, port), handler)


def error_page(diagnostics: tuple) -> bytes:
    """The page served in place of every page while the first build fails (or, with no errors, still runs)."""
    if not diagnostics:
        heading, note = "Building…", "The first build is still running; this page reloads by itself when it is done."
    else:
        heading = "Build failed"
        note = "The site could not be built yet. Fix the problems below and save; this page reloads by itself."
    items = "".join(f"<li><code>{html.escape(f'{d.path}:{d.line}:{d.col}')}</code> {html.escape(d.severity)}: "
                    f"{html.escape(d.message)}</li>" for d in diagnostics)
    return (
        '<!doctype html>\n<html lang="en" data-conceptsite-error>\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'; '
        f'style-src \'self\'">\n<title>{heading} · conceptsite preview</title>\n'
        '<link rel="stylesheet" href="/__conceptsite/livereload.css">\n</head>\n<body>\n'
        f'<main class="conceptsite-error-page">\n<h1>{heading}</h1>\n<p>{note}</p>\n'
        f"<ul>{items}</ul>\n</main>\n</body>\n</html>\n"
    ).encode("utf-8")
