"""The watch server, against a real server on an ephemeral port over a scratch copy of the example site."""
from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from conceptsite.build import pipeline
from conceptsite.serve.server import Preview, Settings
from conceptsite.serve.http_server import Refused, request_path
from conceptsite.serve.sync import url_of

ROOT = Path(__file__).resolve().parent.parent
ALPHA = """---
title: Alpha Probe
summary: The alpha probe concept, written by the serve tests.
date: 2025-05-11
---
{body}
"""
BETA = """---
title: Beta Probe
summary: The beta probe concept links to the alpha probe.
date: 2025-05-12
related: [zz-alpha]
---
Beta relies on [[zz-alpha]].
"""
SOLO = "---\ntitle: {title}\nsummary: A concept that stands alone.\ndate: 2025-05-13\n---\nAlone.\n"
LONG_BODY = "\n\n".join(f"Paragraph {i} of the alpha probe, long enough to scroll." for i in range(120))


HANG = 120  # seconds: a guard against a hang, which fails the test; every wait below ends on an event


def wait_on(cond: threading.Condition, check, what: str):
    """Wait on cond until check() returns something truthy; fail only after HANG seconds (a hang)."""
    with cond:
        value = cond.wait_for(check, HANG)
    if not value:
        raise AssertionError(f"no {what} within {HANG} s (a hang guard: this should take a moment)")
    return value


@pytest.fixture(scope="session")
def example_builds() -> bool:
    """Whether the example content builds today (it is being written concurrently)."""
    try:
        pipeline.gather(pipeline.Options(content=ROOT / "content"))
    except Exception:
        return False
    return True


def make_project(root: Path, example: bool) -> Path:
    """A project folder with content/, templates/ and static/; returns its content folder."""
    source = ROOT / "content" if example else ROOT / "tests" / "sites" / "basic" / "content"
    shutil.copytree(source, root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "static", root / "static")
    concepts = root / "content" / "concepts"
    (concepts / "zz-alpha.md").write_text(ALPHA.format(body=LONG_BODY))
    (concepts / "zz-beta.md").write_text(BETA)
    return root / "content"


class Events:
    """A live-reload event stream read on a thread."""

    def __init__(self, port: int, headers: dict | None = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
        self.conn.request("GET", "/__conceptsite/events", headers=headers or {})
        self.sock = self.conn.sock  # http.client lets go of it once the response says Connection: close
        self.response = self.conn.getresponse()
        self.messages: queue.Queue = queue.Queue()
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in iter(self.response.fp.readline, b""):
                if line.startswith(b"data: "):
                    self.messages.put(json.loads(line[6:]))
        except (OSError, ValueError):
            pass
        self.messages.put(None)  # the stream ended

    def until(self, match) -> list[dict]:
        """The messages up to and including the next one that matches."""
        seen = []
        while True:
            try:
                message = self.messages.get(timeout=HANG)
            except queue.Empty:
                raise AssertionError(f"no matching live-reload event within {HANG} s (a hang guard); "
                                     f"got {seen}") from None
            if message is None:
                raise AssertionError(f"the event stream ended; got {seen}")
            seen.append(message)
            if match(message):
                return seen

    def next(self, match=lambda m: True) -> dict:
        """The next message that matches, skipping others."""
        return self.until(match)[-1]

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.conn.close()


class Live:
    """A running preview over a scratch project, with helpers to edit sources and fetch pages.

    It watches the builder from outside, without changing what it does: `recorded` lists each
    (path, kind) the watcher hands the builder, in order; `caught_up()` waits until a rebuild that
    took a given change has finished; `held()` keeps the builder from taking a round until a block
    of edits is over, so the block is one round whatever the machine's speed (the debounce alone
    joins a burst only when the watcher keeps up)."""

    def __init__(self, content: Path):
        self.content = content
        self.preview = Preview(Settings(content=content, port=0))
        self.recorded: list[tuple[str, str]] = []
        self.taken = self.finished = 0  # how many of `recorded` the builder has taken, and built
        self.changes = threading.Condition()
        self.go_on = threading.Event()
        self.go_on.set()
        pending, preview = self.preview.pending, self.preview
        add, take, settle, rebuild = pending.add, pending.take, pending.wait_until_quiet, preview._rebuild

        def recording_add(path: str, kind: str) -> None:
            with self.changes:  # with the taking below: a change is recorded once it is pending
                add(path, kind)
                self.recorded.append((path, kind))
                self.changes.notify_all()

        def recording_take() -> set[str]:
            with self.changes:
                paths, self.taken = take(), len(self.recorded)
                if not paths:  # all made and gone within the round: no rebuild follows
                    self.finished = self.taken
                    self.changes.notify_all()
                return paths

        def held_settle() -> None:
            self.go_on.wait()  # set again by the end of held(), and by stop()
            settle()

        def recording_rebuild(changed: set[str]) -> None:
            with self.changes:
                upto = self.taken
            try:
                rebuild(changed)
            finally:
                with self.changes:
                    self.finished = upto
                    self.changes.notify_all()

        pending.add, pending.take, pending.wait_until_quiet, preview._rebuild = recording_add, recording_take, held_settle, \
            recording_rebuild
        self.preview.start()  # the sources are watched from here on (watchdog adds its watches in start())
        self.port = self.preview.port
        self.streams: list[Events] = []
        self.first_build()

    def first_build(self) -> dict:
        """Wait for the first build to end; its event (or the hello of a tab opened after it)."""
        stream = Events(self.port)
        try:
            hello = stream.next()
            if not hello["build"].endswith("-0"):  # the status is set before the event is sent
                return hello
            return stream.next(lambda m: m["type"] in ("built", "error"))
        finally:
            stream.close()

    def mark(self) -> int:
        """A point in `recorded`, to wait for what comes after it."""
        with self.changes:
            return len(self.recorded)

    def wait_recorded(self, path: Path, kind: str, since: int = 0) -> int:
        """Wait until the watcher has handed the builder this change (after `since`); its place in `recorded`."""
        key = (str(path.resolve()), kind)

        def found():
            return next((i + 1 for i in range(since, len(self.recorded)) if self.recorded[i] == key), None)

        return wait_on(self.changes, found, f"{kind} event for {path.name} from the watcher")

    def caught_up(self, upto: int) -> None:
        """Wait until a rebuild that took the first `upto` recorded changes has finished."""
        wait_on(self.changes, lambda: self.finished >= upto, f"rebuild taking change {upto}")

    @contextmanager
    def held(self):
        """No round starts inside the block; whatever its edits record, the builder takes at its end."""
        self.go_on.clear()
        try:
            yield
        finally:
            self.go_on.set()

    def request(self, method: str, target: str, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG)
        conn.request(method, target, headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def get(self, target: str, **headers) -> tuple[int, bytes]:
        status, _, body = self.request("GET", target, headers)
        return status, body

    def events(self, **headers) -> Events:
        stream = Events(self.port, headers)
        self.streams.append(stream)
        return stream

    def write(self, rel: str, text: str) -> Path:
        """Save a source as most editors do: a hidden temporary file renamed over it, one watcher event."""
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.saving")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
        return path

    def stop(self) -> None:
        """Stop the preview and wait for its threads (a build under way included), so none outlives the test."""
        self.go_on.set()
        for stream in self.streams:
            stream.close()
        self.preview.stop()
        for thread in self.preview._threads:
            thread.join(HANG)
            assert not thread.is_alive(), f"{thread.name} still running {HANG} s after stop()"


@pytest.fixture
def live(tmp_path, example_builds):
    server = Live(make_project(tmp_path, example_builds))  # its first build is over
    assert server.get("/")[0] == 200
    yield server
    server.stop()


def page_of(body: bytes) -> bytes:
    """A served page without the build id of its injected client."""
    return re.sub(rb"livereload\.js\?build=[^\"]*", b"livereload.js", body)


def built_with(url: str):
    return lambda m: m["type"] == "built" and url in m["urls"]


def test_edit_rewrites_only_changed_files_and_tells_tabs(live):
    cache = live.preview.root
    about = cache / "concepts" / "zz-beta" / "index.html"
    before = about.stat().st_mtime_ns
    stream = live.events()
    assert stream.next()["type"] == "hello"
    live.write("concepts/zz-alpha.md", ALPHA.format(body="A freshly edited alpha body."))
    event = stream.next(built_with("/concepts/zz-alpha/"))
    assert "/concepts/zz-beta/" not in event["urls"]  # beta shows alpha's title and summary only
    assert event["css"] == []
    status, body = live.get("/concepts/zz-alpha/")
    assert status == 200 and b"A freshly edited alpha body." in body
    build = live.preview.status.build
    assert f'<script src="/__conceptsite/livereload.js?build={build}" defer></script></head>'.encode() in body
    on_disk = (cache / "concepts" / "zz-alpha" / "index.html").read_bytes()
    assert b"A freshly edited alpha body." in on_disk and b"livereload" not in on_disk
    assert about.stat().st_mtime_ns == before  # unchanged outputs are not rewritten


def test_a_prose_edit_is_rerendered_alone_and_anything_else_builds_the_whole_site(live, monkeypatch):
    stream = live.events()
    live.write("concepts/zz-alpha.md", ALPHA.format(body="Settled body."))
    stream.next(built_with("/concepts/zz-alpha/"))
    whole = []
    real_gather = pipeline.gather
    monkeypatch.setattr(pipeline, "gather", lambda *a, **kw: whole.append(1) or real_gather(*a, **kw))
    live.write("concepts/zz-alpha.md", ALPHA.format(body="Settled body, edited."))
    event = stream.next(built_with("/concepts/zz-alpha/"))
    assert whole == [] and event["urls"] == ["/concepts/zz-alpha/", "/feed.xml", "/search.json"]
    assert b"Settled body, edited." in live.get("/concepts/zz-alpha/")[1]
    live.write("concepts/zz-alpha.md", ALPHA.format(body="Settled body.").replace("Alpha Probe", "Alpha Patched"))
    stream.next(built_with("/concepts/zz-beta/"))  # beta lists alpha's title, so only a whole build is right
    assert whole == [1] and b"Alpha Patched" in live.get("/concepts/zz-beta/")[1]


def test_create_delete_and_rename_a_concept(live):
    stream = live.events()
    status, body = live.get("/concepts/zz-solo/")
    assert status == 404 and b"livereload.js" in body  # the site's 404 page, with the client
    live.write("concepts/zz-solo.md", SOLO.format(title="Solo Probe"))
    stream.next(built_with("/concepts/zz-solo/"))
    status, body = live.get("/concepts/zz-solo/")
    assert status == 200 and b"Solo Probe" in body

    os.replace(live.content / "concepts" / "zz-solo.md", live.content / "concepts" / "zz-moved.md")
    event = stream.next(built_with("/concepts/zz-moved/"))
    assert "/concepts/zz-solo/" in event["urls"]
    assert live.get("/concepts/zz-solo/")[0] == 404
    assert live.get("/concepts/zz-moved/")[0] == 200

    (live.content / "concepts" / "zz-moved.md").unlink()
    stream.next(built_with("/concepts/zz-moved/"))
    assert live.get("/concepts/zz-moved/")[0] == 404
    assert not (live.preview.root / "concepts" / "zz-moved").exists()


def test_a_save_during_a_rebuild_is_not_lost_and_requests_wait(live):
    stream = live.events()
    paused, release, original = threading.Event(), threading.Event(), live.preview._build

    def build_then_pause(changed):  # the first rebuild has read and written its sources, then lingers
        result = original(changed)
        live.preview._build = original
        paused.set()
        release.wait()
        return result

    gate = live.preview.gate._cond  # seen from outside: a request that finds the gate closed waits on it
    held, gate_wait = threading.Event(), gate.wait_for

    def wait_for(predicate, timeout=None):
        if not predicate():
            held.set()
        return gate_wait(predicate, timeout)

    live.preview._build = build_then_pause
    answer: list = []
    waiting = threading.Thread(target=lambda: answer.append((live.get("/concepts/zz-alpha/"), release.is_set())))
    try:
        live.write("concepts/zz-alpha.md", ALPHA.format(body="First save."))
        assert paused.wait(HANG), "the first rebuild never reached its pause"
        live.write("concepts/zz-alpha.md", ALPHA.format(body="Second save."))
        gate.wait_for = wait_for
        waiting.start()
        assert held.wait(HANG), "the request was never held at the gate"
    finally:
        release.set()
    waiting.join(HANG)
    assert not waiting.is_alive() and answer, "the request was never answered"
    (status, body), answered_after_release = answer[0]
    assert answered_after_release  # a request during a build waits for it
    assert status == 200 and body.rstrip().endswith(b"</html>")
    assert b"First save." in body or b"Second save." in body  # a whole build's page, never a half-written one
    stream.next(built_with("/concepts/zz-alpha/"))
    stream.next(built_with("/concepts/zz-alpha/"))  # and the save made meanwhile gets its own rebuild
    assert b"Second save." in live.get("/concepts/zz-alpha/")[1]


def test_related_page_shows_the_new_title_of_a_concept_it_links_to(live):
    stream = live.events()
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace("Alpha Probe", "Alpha Renamed"))
    event = stream.next(built_with("/concepts/zz-beta/"))
    assert "/concepts/zz-alpha/" in event["urls"]
    assert b"Alpha Renamed" in live.get("/concepts/zz-beta/")[1]


def test_whole_builds_hold_no_page_and_move_in_only_changed_ones(live):
    cache = live.preview.root
    pages = {p: p.stat().st_mtime_ns for p in cache.rglob("index.html")}
    stream = live.events()
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace("Alpha Probe", "Alpha Moved"))
    event = stream.next(built_with("/concepts/zz-beta/"))
    moved = {p.relative_to(cache).as_posix() for p, mtime in pages.items() if p.stat().st_mtime_ns != mtime}
    assert "concepts/zz-beta/index.html" in moved and len(moved) < len(pages)
    assert {url_of(rel) for rel in moved} <= set(event["urls"])
    assert not list(cache.parent.glob(f".{cache.name}.staging-*"))
    pages = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    again = Live(live.content)  # a second server over the same folder syncs against what is there
    try:
        assert again.get("/")[0] == 200
        assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == pages
    finally:
        again.stop()


def test_editor_saves_and_junk_files(live, capsys):
    stream = live.events()
    assert stream.next()["type"] == "hello"
    concepts = live.content / "concepts"
    since = live.mark()
    with live.held():  # one round for all of it, as the debounce means a save to be
        for junk in (".zz-alpha.md.swp", "zz-alpha.md~", "4913", ".#zz-alpha.md"):
            (concepts / junk).write_text("junk")
        temp = concepts / "sedXy12Q9"  # an atomic save (as sed -i does): write a temporary file, rename it over
        temp.write_text(ALPHA.format(body="Saved atomically."))
        os.replace(temp, concepts / "zz-alpha.md")
        live.wait_recorded(concepts / "zz-alpha.md", "created", since)  # the last event of all that
    assert {Path(path).name for path, _ in live.recorded[since:]} == {"sedXy12Q9", "zz-alpha.md"}  # no junk
    assert len(stream.until(built_with("/concepts/zz-alpha/"))) == 1  # the first build after hello is that save's
    assert b"Saved atomically." in live.get("/concepts/zz-alpha/")[1]
    lines = [line for line in capsys.readouterr().out.splitlines() if "rebuilt" in line and "first" not in line]
    assert len(lines) == 1 and "rebuilt (content/concepts/zz-alpha.md changed)" in lines[0], lines  # not the temp
    assert " pages, " in lines[0] and lines[0].endswith(" ms")
    assert live.get("/concepts/4913")[0] == 404


def test_broken_file_shows_overlay_event_and_recovers(live, capsys):
    stream = live.events()
    good = page_of(live.get("/concepts/zz-alpha/")[1])
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace("date: 2025", "read_time: no-such-x\ndate: 2025"))
    event = stream.next(lambda m: m["type"] == "error")
    problem = next(d for d in event["diagnostics"] if d["severity"] == "error")
    assert problem["path"].endswith("zz-alpha.md") and problem["line"] == 4 and problem["col"] >= 1
    assert "no-such-x" in problem["message"]
    assert page_of(live.get("/concepts/zz-alpha/")[1]) == good  # the last good site stays up
    late = live.events()  # a tab opened now sees the error at once
    assert late.next()["diagnostics"][0]["message"] == event["diagnostics"][0]["message"]
    assert f"zz-alpha.md:4:{problem['col']}: error:" in capsys.readouterr().err
    live.write("concepts/zz-alpha.md", ALPHA.format(body="Fixed again."))
    stream.next(built_with("/concepts/zz-alpha/"))
    assert b"Fixed again." in live.get("/concepts/zz-alpha/")[1]
    assert live.events().next()["diagnostics"] is None


def test_a_failing_first_build_serves_an_error_page(tmp_path, example_builds):
    content = make_project(tmp_path, example_builds)
    (content / "concepts" / "zz-beta.md").write_text(BETA.replace("related: [zz-alpha]", "read_time: zz-missing"))
    server = Live(content)
    try:
        status, body = server.get("/concepts/zz-alpha/")
        assert status == 500 and b"Build failed" in body and b"data-conceptsite-error" in body
        assert b"zz-beta.md:5:" in body and b"livereload.js" in body
        stream = server.events()
        assert stream.next()["diagnostics"]
        (content / "concepts" / "zz-beta.md").write_text(BETA)
        assert stream.next(lambda m: m["type"] == "built")["all"] is True
        assert server.get("/concepts/zz-alpha/")[0] == 200
    finally:
        server.stop()


def burst(live) -> Path:
    """300 new concepts in a new folder, one deleted (with beta's link to it); beta's save is the last event."""
    folder = live.content / "concepts" / "burst"
    folder.mkdir()
    for i in range(300):
        (folder / f"b{i:03d}.md").write_text(SOLO.format(title=f"Burst {i:03d}"))
    (live.content / "concepts" / "zz-alpha.md").unlink()
    return live.write("concepts/zz-beta.md", BETA.replace("related: [zz-alpha]\n", "").replace("[[zz-alpha]]", "alpha"))


def burst_built(live) -> None:
    cache = live.preview.root
    assert live.preview.status.diagnostics == ()
    assert len(list((cache / "concepts" / "burst").glob("*/index.html"))) == 300
    assert not (cache / "concepts" / "zz-alpha").exists()
    assert b"Burst 299" in live.get("/concepts/burst/b299/")[1]
    assert b"Burst 000" in live.get("/concepts/")[1]


def test_a_burst_of_300_files_taken_in_one_round_is_one_rebuild(live):
    stream = live.events()
    assert stream.next()["type"] == "hello"
    since = live.mark()
    with live.held():
        live.wait_recorded(burst(live), "created", since)
    builds = stream.until(lambda m: m["type"] in ("built", "error"))
    assert [m["type"] for m in builds] == ["built"]  # one rebuild for the whole burst
    assert not live.preview.pending.waiting()  # which took every change the burst made
    burst_built(live)


def test_a_burst_of_300_files_ends_in_a_correct_site_however_the_rounds_fall(live):
    since = live.mark()
    beta = burst(live)  # the builder takes rounds as it likes meanwhile; some fail half-way, and that is fine
    live.caught_up(live.wait_recorded(beta, "created", since))
    burst_built(live)


TRAVERSALS = ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
              "/concepts%5c..%5c..%5cetc%5cpasswd", "/concepts\\..\\..\\etc\\passwd", "/index.html%00.css",
              "//etc/passwd", "http://evil.example/", "/C:/Windows/win.ini", "/c%3a/windows/win.ini",
              "/%2e%2e%5c%2e%2e%5cetc", "/.%2e/.%2e/etc/passwd", "/%252e%252e/etc/passwd", "/concepts/%2e%2e",
              "/%2f%2fetc/passwd", "/%ff%fe"]


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    root = tmp_path_factory.mktemp("secure")
    content = make_project(root, example=False)
    (root / "secret.txt").write_text("root:x:0:0 outside the site")
    server = Live(content)
    assert server.get("/")[0] == 200
    cache = server.preview.root
    (cache / ".env").write_text("SECRET=1")
    (cache / "leak.txt").symlink_to(root / "secret.txt")
    (cache / "up").symlink_to(root)
    (cache / "empty").mkdir()
    yield server
    server.stop()


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_is_refused(secure, target):
    status, body = secure.get(target)
    assert status in (400, 404), (target, status)
    assert b"root:" not in body and b"SECRET" not in body


def test_request_path_decodes_once():
    assert request_path("/concepts/a%20b/?q=1") == "concepts/a b/"
    assert request_path("/%252e%252e/") == "%2e%2e/"
    for target in ("/a/../b", "/a%2f..%2fb", "/a%5cb", "/a%00", "http://x/", "//x", "*", "/D:/x", "/a//b"):
        with pytest.raises(Refused):
            request_path(target)


def test_dotfiles_symlinks_and_folders_are_not_served(secure):
    for target in ("/.env", "/.conceptsite-output", "/leak.txt", "/up/secret.txt", "/up/", "/empty/",
                   "/assets/", "/concepts/.zz-alpha"):
        status, body = secure.get(target)
        assert status == 404 and b"SECRET" not in body and b"root:" not in body, target
    status, headers, _ = secure.request("GET", "/concepts")
    assert status == 301 and headers["location"] == "/concepts/"


def test_foreign_host_and_other_methods_are_refused(secure):
    port = secure.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "127.0.0.1:1"):
        assert secure.get("/", Host=host)[0] == 403, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert secure.get("/", Host=host)[0] == 200, host
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", "/", skip_host=True)
    conn.endheaders()
    assert conn.getresponse().status == 403
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE"):
        status, headers, _ = secure.request(method, "/")
        assert status == 405 and headers["allow"] == "GET, HEAD", method


def test_event_stream_requires_same_origin(secure):
    assert secure.events(Origin="http://evil.example").response.status == 403
    assert secure.events(Origin=f"http://localhost:{secure.port}").response.status == 403
    ok = secure.events(Origin=f"http://127.0.0.1:{secure.port}")
    assert ok.response.status == 200 and ok.next()["type"] == "hello"
    assert secure.events().response.status == 200  # no Origin: a same-origin EventSource may omit it


def test_headers_and_content_types(secure):
    expected = {"/": "text/html; charset=utf-8", "/feed.xml": "application/xml",
                "/search.json": "application/json", "/__conceptsite/livereload.js": "text/javascript; charset=utf-8",
                "/__conceptsite/livereload.css": "text/css; charset=utf-8", "/robots.txt": "text/plain; charset=utf-8"}
    assets = secure.preview.root / "assets"
    expected.update({f"/assets/{p.name}": "text/css; charset=utf-8" for p in assets.glob("*.css")})
    expected.update({f"/assets/{p.name}": "text/javascript; charset=utf-8" for p in assets.glob("*.js")})
    for target, ctype in expected.items():
        status, headers, _ = secure.request("GET", target)
        assert status == 200 and headers["content-type"] == ctype, target
        assert headers["x-content-type-options"] == "nosniff"
        assert "access-control-allow-origin" not in headers
    status, headers, body = secure.request("GET", "/no/such/page/")
    assert status == 404 and body.startswith((secure.preview.root / "404.html").read_bytes()[:200])
    status, headers, body = secure.request("HEAD", "/")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_binds_loopback_and_never_writes_site(secure):
    assert secure.preview._server.server_address[0] == "127.0.0.1"
    project = secure.content.parent
    assert secure.preview.root == (project / ".serve-cache").resolve()
    assert not (project / "site").exists()


def test_non_loopback_host_warns(tmp_path):
    content = make_project(tmp_path, example=False)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                           "--host", "192.0.2.1", "--port", "0"], capture_output=True, text=True, timeout=HANG)
    assert "warning: serving on 192.0.2.1" in proc.stderr
    assert proc.returncode == 1 and "Traceback" not in proc.stderr  # TEST-NET address: cannot bind


@pytest.mark.parametrize("inherited", ["default", "ignored"])  # a shell script's background job ignores SIGINT
def test_ctrl_c_stops_the_server_without_traceback(tmp_path, inherited):
    """How soon it stops is measured in benchmarks/serve_latency.py, not here: a test's outcome must not
    depend on the machine's speed."""
    content = make_project(tmp_path, example=False)
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if inherited == "ignored" else None
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=ignore)
    watchdog = threading.Timer(HANG, proc.kill)  # a server that never prints its lines fails the test, never hangs it
    watchdog.start()
    try:
        line = proc.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        assert "first build" in proc.stdout.readline()
        host, port = url[len("http://"):].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=HANG)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate()  # the watchdog above ends a server that never stops
    finally:
        watchdog.cancel()
        proc.kill()
    assert proc.returncode == 0, f"exit status {proc.returncode} (-9: killed by the {HANG} s hang guard): {err[-800:]}"
    assert "Traceback" not in err and "stopped" in out


def test_production_build_has_no_live_reload_code(tmp_path, example_builds):
    content = make_project(tmp_path, example_builds)
    out = tmp_path / "site"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)],
                          capture_output=True, text=True, timeout=HANG, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        assert b"livereload" not in data and b"__conceptsite" not in data and b"EventSource" not in data, path


@pytest.fixture
def page(chromium):
    """A tab in the session's shared Chromium (one Playwright driver per process), recording errors."""
    context = chromium.new_context(viewport={"width": 1000, "height": 700})
    context.set_default_timeout(HANG * 1000)  # Playwright's waits end on their event; this only guards a hang
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    yield tab
    context.close()


# Functions, not bare expressions: Playwright evals an expression, which the pages' CSP forbids.
CONNECTED = "() => window.conceptsiteLive && window.conceptsiteLive.source.readyState === 1"  # and subscribed


@pytest.mark.browser
def test_open_tab_reloads_after_edit_keeps_scroll_and_shows_overlay(live, page):
    page.goto(f"http://127.0.0.1:{live.port}/concepts/zz-alpha/")
    page.wait_for_function(CONNECTED)
    page.evaluate("window.scrollTo(0, 1500); window.__marker = 1")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 500
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY + "\n\nThe browser saw this edit."))
    page.wait_for_function("() => document.body && document.body.textContent.includes('The browser saw this edit.')")
    assert page.evaluate("window.__marker") is None  # the tab reloaded itself
    page.wait_for_function(f"() => Math.abs(window.scrollY - {scrolled}) < 50")
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace("date: 2025", "read_time: nope-x\ndate: 2025"))
    overlay = page.wait_for_selector(".conceptsite-overlay")
    assert "zz-alpha.md:4:" in overlay.text_content() and "nope-x" in overlay.text_content()
    assert page.evaluate("getComputedStyle(document.querySelector('.conceptsite-overlay')).position") == "fixed"
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY))
    page.wait_for_selector(".conceptsite-overlay", state="detached")
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


@pytest.mark.browser
def test_css_change_applies_without_reload(live, page):
    page.goto(f"http://127.0.0.1:{live.port}/concepts/zz-beta/")
    page.wait_for_function(CONNECTED)
    page.evaluate("window.__marker = 1")
    style = live.content.parent / "static" / "style.css"
    # Saved in place, as some editors do: the watcher may see it as more than one change, in more than
    # one round; whichever round builds last, the tab ends with the new rule and no reload.
    style.write_text(style.read_text() + "\nhtml body { border-top: 7px solid rgb(1, 2, 3) !important; }\n")
    page.wait_for_function("() => getComputedStyle(document.body).borderTopColor === 'rgb(1, 2, 3)'")
    assert page.evaluate("window.__marker") == 1  # swapped in place, no reload
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def test_health_report_has_a_page_of_its_own(live):
    status, body = live.get("/__conceptsite/health")
    assert status == 200
    text = body.decode()
    assert text.startswith("graph health: ") and "orphans (no links in or out):" in text and "most linked:" in text


def test_health_report_follows_a_prose_edit_re_rendered_alone(live):
    stream = live.events()
    before = live.get("/__conceptsite/health")[1].decode()
    assert "mentions Beta Probe" not in before
    live.write("concepts/zz-alpha.md", ALPHA.format(body="The alpha probe body, which mentions Beta Probe in passing."))
    assert stream.next(built_with("/concepts/zz-alpha/"))["urls"] == ["/concepts/zz-alpha/", "/feed.xml", "/search.json"]
    after = live.get("/__conceptsite/health")[1].decode()
    assert after != before and "Beta Probe" in after.split("unlinked mentions")[1]


def test_a_whole_rebuild_renders_only_the_pages_that_changed(live, monkeypatch):
    from conceptsite.render.pages import Renderer

    rendered = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, template, url, **k: rendered.append(url) or real(
        self, template, url, **k))
    stream = live.events()
    live.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace("Alpha Probe", "Alpha Renamed"))
    stream.next(built_with("/concepts/zz-beta/"))  # a title: the graph changes, so a whole build
    pages = [url for url in rendered if url.startswith("concepts/") and url.count("/") == 2]
    concepts = len(list((live.content / "concepts").glob("*.md")))
    assert "concepts/zz-beta/" in pages and len(pages) < concepts  # the others were kept as they were
    assert b"Alpha Renamed" in live.get("/concepts/zz-beta/")[1]
    rendered.clear()
    again = Live(live.content)  # a new server over the same folder and cache: the first build keeps every page
    try:
        assert again.get("/")[0] == 200
        assert not [url for url in rendered if url.startswith("concepts/") and url.count("/") == 2]
        assert again.get("/concepts/zz-beta/")[1] == live.get("/concepts/zz-beta/")[1].replace(
            live.preview.status.build.encode(), again.preview.status.build.encode())
        live.stop()  # one server watching the folder from here on
        whole = []
        real_gather = pipeline.gather
        monkeypatch.setattr(pipeline, "gather", lambda *a, **kw: whole.append(1) or real_gather(*a, **kw))
        stream = again.events()
        again.write("concepts/zz-alpha.md", ALPHA.format(body=LONG_BODY).replace(
            "Alpha Probe", "Alpha Renamed").replace("The alpha probe concept", "The renamed probe"))
        stream.next(built_with("/concepts/zz-beta/"))  # a summary edit is patched in, listings and all,
        assert whole == [] and b"The renamed probe" in again.get("/concepts/")[1]  # from the kept contexts
    finally:
        again.stop()


def test_serve_previews_a_vault_of_loose_notes_and_writes_nothing_beside_it(tmp_path):
    vault = tmp_path / "Field Notes"
    vault.mkdir()
    (vault / "Learning Rate.md").write_text("---\ntitle: Learning Rate\ndate: 2025-01-02\n---\nHow far a step goes.\n")
    live = Live(vault)
    try:
        status, body = live.get("/concepts/learning-rate/")
        assert status == 200 and b"How far a step goes." in body and b"Field Notes" in body
        stream = live.events()
        live.write("Learning Rate.md", "---\ntitle: Learning Rate\ndate: 2025-01-02\n---\nA longer step now.\n")
        stream.next(built_with("/concepts/learning-rate/"))
        assert b"A longer step now." in live.get("/concepts/learning-rate/")[1]
    finally:
        live.stop()
    assert [p.name for p in tmp_path.iterdir()] == ["Field Notes"]  # its cache and preview live elsewhere


def test_a_commit_moves_a_vaults_dates_in_the_preview(tmp_path, monkeypatch):
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    vault = tmp_path / "Notes"
    vault.mkdir()

    def git(*args, when):
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "A",
               "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
        subprocess.run(["git", *args], cwd=vault, env=env, check=True, capture_output=True)

    git("-c", "init.defaultBranch=main", "init", "-q", when="2020-01-01T12:00:00Z")
    (vault / "Step Size.md").write_text("How far a step goes.\n")
    git("add", "-A", when="2021-02-03T12:00:00Z")
    git("commit", "-q", "-m", "first", when="2021-02-03T12:00:00Z")
    (vault / "Step Size.md").write_text("How far a step goes, edited.\n")
    live = Live(vault)
    try:
        page = live.get("/concepts/step-size/")[1].decode()
        assert 'Updated <time datetime="2021-02-03">' in page
        stream = live.events()
        git("commit", "-q", "-am", "second", when="2024-05-06T12:00:00Z")  # no note changes; HEAD does
        stream.next(built_with("/concepts/step-size/"))
        assert 'Updated <time datetime="2024-05-06">' in live.get("/concepts/step-size/")[1].decode()
    finally:
        live.stop()


def test_editing_an_embedded_note_reloads_the_pages_embedding_it(tmp_path):
    vault = tmp_path / "Notes"
    vault.mkdir()
    (vault / "Source.md").write_text("Original words.\n\nSecond paragraph.\n")
    (vault / "Host.md").write_text("Host text.\n\n![[Source]]\n")
    (vault / "Other.md").write_text("Unrelated.\n")
    live = Live(vault)
    try:
        assert b"Second paragraph." in live.get("/concepts/host/")[1]
        stream = live.events()
        live.write("Source.md", "Original words.\n\nSecond paragraph, edited.\n")
        message = stream.next(built_with("/concepts/host/"))
        assert "/concepts/source/" in message["urls"] and "/concepts/other/" not in message["urls"]
        assert b"Second paragraph, edited." in live.get("/concepts/host/")[1]
    finally:
        live.stop()
