"""Watching the sources: file system events become a set of changed paths, one rebuild per save or burst.

Editors save in odd ways (write a temporary file and rename it over, swap and backup files, vim's
4913 probe, emacs' .#locks); those are left out here, and a file made and gone within one round
(a rename-over save's temporary) is forgotten, so the terminal names only real sources."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEventHandler

from conceptsite.source.discover import is_junk

QUIET = 0.02  # seconds without a new event before a rebuild starts: one rebuild per save or burst
SETTLE_LIMIT = 0.5  # never hold a rebuild back longer than this while events keep coming
IGNORED_EVENTS = {"opened", "closed_no_write"}  # our own builds read the sources


class Pending:
    """Source paths changed since the last rebuild; a save during a rebuild waits here for the next one."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._paths: dict[str, str] = {}  # path -> its first event in this round
        self._last = 0.0

    def add(self, path: str, kind: str) -> None:
        """Record one changed path and wake the builder; a file made and gone in one round is forgotten."""
        with self._lock:
            first = self._paths.setdefault(path, kind)
            if kind == "gone" and first == "created":
                del self._paths[path]  # an editor's temporary file, renamed over the real one
            self._last = time.monotonic()
            self._ready.set()

    def wait(self, timeout: float) -> bool:
        """True once something changed."""
        return self._ready.wait(timeout)

    def wait_until_quiet(self) -> None:
        """Wait until events stop for QUIET seconds (at most SETTLE_LIMIT), so a burst is one rebuild."""
        started = time.monotonic()
        while True:
            with self._lock:
                idle = time.monotonic() - self._last
            if idle >= QUIET or time.monotonic() - started >= SETTLE_LIMIT:
                return
            time.sleep(QUIET - idle)

    def waiting(self) -> bool:
        """True when changes arrived that the next round will pick up."""
        return self._ready.is_set()

    def take(self) -> set[str]:
        """Everything recorded so far; later changes start a new round."""
        with self._lock:
            paths, self._paths = set(self._paths), {}
            self._ready.clear()
            return paths


class Watcher(FileSystemEventHandler):
    """Turns file system events into pending paths, leaving out editor junk and our own reads."""

    def __init__(self, roots: list[Path], pending: Pending, ignored: tuple[Path, ...] = (), git: Path | None = None):
        self.roots, self.pending, self.ignored = roots, pending, ignored  # ignored: folders we write ourselves
        self.git = git  # the content's git directory: a commit moves HEAD or a ref, and notes' dates with it

    def on_any_event(self, event) -> None:
        """Record the paths of one event that matter."""
        if event.event_type in IGNORED_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        kind = event.event_type
        if kind == "moved":
            self._note(event.src_path, "gone")
            self._note(event.dest_path, "created")
        else:
            self._note(event.src_path, "gone" if kind == "deleted" else kind)

    def _note(self, path: str | bytes, kind: str) -> None:
        path = path.decode() if isinstance(path, bytes) else path
        if path and self.relevant(path):
            self.pending.add(path, kind)

    def relevant(self, path: str) -> bool:
        """True for a source file or folder; False for swap, backup and hidden files."""
        path = Path(path)
        if any(path.is_relative_to(folder) for folder in self.ignored):
            return False
        if self.git is not None and path.is_relative_to(self.git):
            parts = path.relative_to(self.git).parts
            return bool(parts) and parts[0] in ("HEAD", "refs", "packed-refs") and path.suffix != ".lock"
        for root in self.roots:
            if path == root or path.is_relative_to(root):
                return not any(is_junk(part) for part in path.relative_to(root).parts)
        return False
