"""What a build reads, by stat: every file under content/ and the theme's folders, with the
generator, the options and the day, so an edit, an added or a removed file is seen at once."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from conceptsite.incremental.keys import generator_version
from conceptsite.render.theme import build_date
from conceptsite.source.discover import is_junk
from conceptsite.source.history import find_repository, read_head
from conceptsite.store import digest


@dataclass(frozen=True)
class Scan:
    """Every file a build reads, by absolute path, with (mtime_ns, size)."""

    context: str  # the generator, the options, the day and the folders: what is not a file but shapes the output
    files: dict
    roots: tuple[str, ...] = ()

    def updated(self, paths: set[str]) -> Scan:
        """This scan with some paths stat'ed again; a folder among them (made, moved or gone) means a whole scan."""
        files = dict(self.files)
        for path in paths:
            if not path.startswith(tuple(root + os.sep for root in self.roots)) or os.path.isdir(path):
                return scan_folders(self.roots, self.context)
            root = next(root for root in self.roots if path.startswith(root + os.sep))
            if any(is_junk(part) for part in path[len(root) + 1:].split(os.sep)):  # as _listing: .git/HEAD is no input
                continue
            stat = _stat(path)
            if stat is not None:
                files[path] = stat
            elif files.pop(path, False) is False:  # neither a file now nor before: a folder that went
                return scan_folders(self.roots, self.context)
        return replace(self, files=files)


def scan(content: Path, theme: tuple[Path, ...], drafts: bool, last: Scan | None = None,
         changed: set[str] | None = None) -> Scan:
    """Stat everything a build reads; given the last scan and a watcher's changed paths, only those."""
    roots = tuple(str(folder.resolve()) for folder in (content, *theme))
    # HEAD too: a commit can change the dates of notes (history.py) without touching a file here.
    context = digest(generator_version(), build_date().isoformat(), f"drafts={drafts}", _head(content), *roots)
    if last is not None and changed is not None and last.roots == roots:
        return replace(last.updated(changed), context=context)
    return scan_folders(roots, context)


def scan_folders(roots: tuple[str, ...], context: str) -> Scan:
    """A whole scan of some folders."""
    files: dict = {}
    for root in roots:
        files.update(_listing(root))
    return Scan(context, files, roots)


def _head(content: Path) -> str:
    """The commit HEAD names in the repository holding content ('' outside git), read without running git."""
    root = find_repository(content)
    return (read_head(root) if root is not None else None) or ""


def _listing(root: str):
    """(path, (mtime_ns, size)) for each file under root that discover reads, in a stable order."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_junk(d))  # .git/ above all: a vault's history is not read
        for name in sorted(files):
            path = os.path.join(folder, name)
            yield path, _stat(path)  # None: vanished mid-walk, so the scan differs from a complete one


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
