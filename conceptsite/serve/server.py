"""`build.py serve`: build into a cache folder, serve it, watch the sources, rebuild and live-reload on change."""
from __future__ import annotations

import secrets
import signal
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, replace
from pathlib import Path

from watchdog.observers import Observer

from conceptsite.build import memory, pipeline
from conceptsite.build.output import UnsafeOutput, check_output
from conceptsite.diagnostics import BuildFailed, Diagnostic, shown
from conceptsite.graph import health
from conceptsite.incremental.state import State
from conceptsite.serve.http_server import Broadcaster, Gate, error_page, make_server
from conceptsite.serve.policy import allowed_hosts, is_loopback, is_wildcard
from conceptsite.serve.sync import Delta
from conceptsite.serve.watch import Pending, Watcher
from conceptsite.source.discover import show_path, work_folder
from conceptsite.source.history import git_folder


@dataclass(frozen=True)
class Settings:
    """What to preview and where."""

    content: Path
    out: Path | None = None  # None: .serve-cache/ beside content/ (discover.work_folder)
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = False
    strict: bool = False
    cache: Path | None = None  # the build cache (None: the pipeline's default)
    use_cache: bool = True


@dataclass(frozen=True)
class Status:
    """The outcome of the latest build, as the event stream reports it."""

    build: str
    diagnostics: tuple[Diagnostic, ...] = ()
    has_site: bool = False


class Preview:
    """The running preview: builder thread, watcher, and HTTP server over one output folder."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.options = pipeline.Options(content=settings.content, drafts=settings.drafts, strict=settings.strict,
                                        cache=settings.cache, use_cache=settings.use_cache)
        templates, static = pipeline.theme_dirs(self.options)  # the site's own folders and the bundled theme's
        self.sources = _distinct([settings.content.resolve(), *templates, *static])
        self.root = (settings.out or work_folder(settings.content) / ".serve-cache").resolve()
        _check_out(self.root, self.sources)
        # The preview folder's build state, kept in memory between builds: each rebuild does what the CLI's
        # `build` would (the first build over a folder a last server left keeps it all).
        self.options = replace(self.options, out=self.root, notice_styles=True)
        store = pipeline.cache_store(self.options, write_behind=True)
        self.state = State(store, self.root) if store.folder is not None else None
        self.hosts = allowed_hosts(settings.host, settings.port)
        self.wildcard = is_wildcard(settings.host)
        self.gate, self.events, self.stopping = Gate(busy=True), Broadcaster(), threading.Event()
        self.pending = Pending()
        self.status = Status(build=f"{secrets.token_hex(4)}-0")
        self._graph = None  # the last good build's graph, for the health page, when that build gathered one
        self._warnings: tuple = ()
        self._threads: list[threading.Thread] = []
        self._server = self._observer = None

    def start(self) -> str:
        """Bind, start watching and building; return the URL to open."""
        self._server = make_server(self, self.settings.host, self.settings.port)
        self.hosts = allowed_hosts(self.settings.host, self.port)
        self._observer = Observer()
        cache = self.settings.cache or work_folder(self.settings.content) / ".cache"
        git = git_folder(self.settings.content)
        watcher = Watcher(self.sources, self.pending, (self.root, cache.resolve()), git)
        for folder in self.sources:
            self._observer.schedule(watcher, str(folder), recursive=True)
        if git is not None and not any(git.is_relative_to(folder) for folder in self.sources):
            self._observer.schedule(watcher, str(git), recursive=True)
        self._observer.start()
        self._spawn(self._build_loop)
        self._spawn(lambda: self._server.serve_forever(poll_interval=0.1))
        return self.url

    @property
    def port(self) -> int:
        """The bound port (useful with --port 0)."""
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Where a browser on this machine reaches the preview."""
        host = self.settings.host
        host = "127.0.0.1" if is_wildcard(host) else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        """Stop serving, watching and building, within about a second."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=0.5)
        # The builder is a daemon thread: a build under way is abandoned; every file it wrote was whole.

    def _spawn(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True, name=f"conceptsite-{len(self._threads)}")
        thread.start()
        self._threads.append(thread)

    def hello(self) -> dict:
        """The first event a new tab gets: the build it is looking at, and the current errors if any."""
        status = self.status
        return {"type": "hello", "build": status.build, "diagnostics": _jsonable(status.diagnostics) or None}

    def failure_page(self) -> tuple[int, bytes] | None:
        """While no build has succeeded: a page listing the errors (or saying the first build runs); else None."""
        status = self.status
        if status.has_site:
            return None
        return (500 if status.diagnostics else 503), error_page(status.diagnostics)

    def _build_loop(self) -> None:
        changed = {"(start)"}
        while not self.stopping.is_set():
            if changed:
                try:
                    self._rebuild(changed)
                except Exception as exc:  # a bug of ours must not stop the watching
                    _line(f"error: internal error while rebuilding: {type(exc).__name__}: {exc}", sys.stderr)
            changed = set()
            if self.pending.wait(timeout=0.2):
                self.gate.begin()
                self.pending.wait_until_quiet()
                changed = self.pending.take()
                if not changed or self.stopping.is_set():
                    self.gate.end()
                    changed = set()

    def _rebuild(self, changed: set[str]) -> None:
        started = time.perf_counter()
        self.gate.begin()
        try:
            delta, diagnostics = self._build(changed)
            previous = self.status
            retry = delta is None and self.pending.waiting()  # likely a half-done burst: build again first
            if not retry:  # set while requests still wait, so a page and its build id always agree
                self.status = Status(_next_build(previous.build), diagnostics, previous.has_site or delta is not None)
        finally:
            self.gate.end()
        what, took = describe(changed, self.settings.content), f"{(time.perf_counter() - started) * 1000:.0f} ms"
        if retry:
            _line(f"build failed ({what}), {took}; newer changes are waiting, building again", sys.stderr)
        elif delta is None:
            self._report_failure(what, took, previous.has_site)
        else:  # the terminal's line first: whoever gets the event can read the line too
            removed = f", {len(delta.removed)} removed" if delta.removed else ""
            _line(f"rebuilt ({what}): {delta.pages} pages, {len(delta.written)} files written{removed}, {took}")
            self.events.publish({"type": "built", "build": self.status.build, "urls": delta.reload_urls(),
                                 "css": delta.stylesheets(), "all": not previous.has_site})
        if self.state is not None:
            self.state.flush()  # the state's files, once the tabs are told (its manifest was forgotten before writing)

    def _build(self, changed: set[str]) -> tuple[Delta | None, tuple]:
        """One build as the CLI's, over the kept state and the paths the watcher saw change."""
        try:
            result = pipeline.build(self.options, self.state, None if changed == {"(start)"} else changed,
                                    before_write=self.gate.exclusive)
        except BuildFailed as failed:
            self._graph = None
            return None, tuple(failed.diagnostics)
        except Exception as exc:  # a file vanished mid-read, a full disk, or a bug of ours: report it, keep serving
            self._graph = None
            return None, (Diagnostic("conceptsite", 1, 1, "error", f"internal error: {type(exc).__name__}: {exc}"),)
        stats, whole = result.stats, result.site is not None
        self._print_warnings(result.warnings)
        if whole:
            self._graph = result.site.graph
        elif result.kind != "unchanged":  # edits re-rendered alone change bodies and cards the graph holds
            self._graph = None
        if whole:
            result = None
            memory.trim()  # what the whole build freed goes back to the system, not held between builds
        return Delta(stats.written, stats.removed, stats.restyled), ()

    def health_report(self) -> bytes:
        """The graph-health report of the last build, when it was good (computed on request: it is not cheap at scale)."""
        if not self.status.has_site or self.status.diagnostics:
            return b"graph health: no report, as the last build failed (or none has finished yet); fix it and save\n"
        graph, warnings = self._graph, self._warnings
        if graph is None:  # the last build re-rendered edits alone: the graph as the sources are now
            try:
                site = pipeline.gather(replace(self.options, out=None))
            except BuildFailed:
                return b"graph health: no report, as the sources changed and no longer build; save again\n"
            graph, warnings = site.graph, shown(site.warnings)
        return health.format_report(health.analyze(graph, warnings)).encode("utf-8")

    def _report_failure(self, what: str, took: str, had_site: bool) -> None:
        status = self.status
        errors = sum(1 for d in status.diagnostics if d.severity == "error")
        keep = "serving the last good site" if had_site else "serving an error page"
        _line(f"build failed ({what}): {errors} error(s), {keep}, {took}", sys.stderr)
        for diagnostic in status.diagnostics:
            print(diagnostic, file=sys.stderr, flush=True)
        self.events.publish({"type": "error", "build": status.build, "diagnostics": _jsonable(status.diagnostics)})

    def _print_warnings(self, warnings: tuple) -> None:
        if warnings != self._warnings:
            for warning in sorted(warnings):  # by file and position, as the CLI prints them
                print(warning, file=sys.stderr, flush=True)
        self._warnings = warnings


def describe(changed: set[str], content: Path, limit: int = 3) -> str:
    """A short account of which sources changed, relative to the project folder."""
    if changed == {"(start)"}:
        return "first build"
    project = content.resolve().parent
    names = sorted(Path(p).relative_to(project).as_posix() if Path(p).is_relative_to(project) else show_path(Path(p))
                   for p in changed)
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more changed" if len(names) > limit else f"{shown} changed"


def _next_build(build: str) -> str:
    token, number = build.rsplit("-", 1)
    return f"{token}-{int(number) + 1}"


def _jsonable(diagnostics: tuple) -> list[dict]:
    return [{"path": d.path, "line": d.line, "col": d.col, "severity": d.severity, "message": d.message}
            for d in diagnostics]


def _line(text: str, stream=None) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", file=stream or sys.stdout, flush=True)


def _distinct(folders: list[Path]) -> list[Path]:
    """Folders to watch, leaving out any inside another (one recursive watch covers both)."""
    keep = []
    for folder in sorted(set(folders), key=lambda p: len(p.parts)):
        if folder.is_dir() and not any(folder.is_relative_to(k) for k in keep):
            keep.append(folder)
    return keep


def _check_out(out: Path, sources: list[Path]) -> None:
    check_output(out, sources)
    for folder in sources:
        if out.is_relative_to(folder):
            raise UnsafeOutput(f"refusing to serve from {out}: it is inside {folder}, which is watched")


def run(args) -> int:
    """The serve command: run until Ctrl-C, then stop cleanly."""
    cache = getattr(args, "cache", None)
    settings = Settings(content=Path(args.content), out=Path(args.out) if args.out else None, host=args.host,
                        port=args.port, drafts=args.drafts, strict=args.strict, cache=Path(cache) if cache else None,
                        use_cache=not getattr(args, "no_cache", False))
    if not is_loopback(settings.host):
        print(f"warning: serving on {settings.host} exposes your drafts to other machines on the network; "
              "the default 127.0.0.1 keeps them on this one", file=sys.stderr, flush=True)
    preview = Preview(settings)
    try:
        url = preview.start()
    except OSError as exc:
        print(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}; "
              "choose another --port", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    # A shell starting us in the background of a script leaves SIGINT ignored, and Python keeps an
    # ignored SIGINT so: the banner promises that Ctrl-C (or kill -INT) stops the server, so it must.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _line(f"serving {show_path(settings.content)} at {url} from {show_path(preview.root)} (Ctrl-C stops)")
    if getattr(args, "open", False):
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        preview.stopping.wait()  # nothing sets it here: the wait ends with Ctrl-C's KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    preview.stop()
    _line("stopped")
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
