"""Write a rendered site: refuse unsafe folders, build beside the old output, swap by rename."""
from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from conceptsite.incremental.write import MARKER, Same, Spilled, WriteStats, same_bytes
from conceptsite.source.discover import show_path

MARKER_TEXT = "This folder is written by conceptsite and replaced on every build.\n"


class UnsafeOutput(Exception):
    """The output folder is one the tool must not replace."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Raise UnsafeOutput unless out is empty, new, or a folder this tool made.

    Runs before anything is read or written; it also puts back an output folder that a run killed
    between its two renames left aside (see _swap), so that folder is checked as the old output."""
    target = out.resolve()
    refuse = f"refusing to write the site into {out}"
    own = "choose a folder of its own, such as ./site"
    if target == Path(target.anchor):
        raise UnsafeOutput(f"{refuse}: it is the root of the file system; {own}")
    for folder in protected:
        folder = folder.resolve()
        shown = show_path(folder)
        if target == folder:
            raise UnsafeOutput(f"{refuse}: it is the source folder {shown}; {own}")
        if target in folder.parents:
            raise UnsafeOutput(f"{refuse}: it contains the source folder {shown}; {own}")
        if folder in target.parents:
            raise UnsafeOutput(f"{refuse}: it is inside the source folder {shown}; {own}")
    if target == Path.home().resolve() or target in Path.home().resolve().parents:
        raise UnsafeOutput(f"{refuse}: it is your home folder or holds it; {own}")
    _recover(target)
    if not target.exists():
        return
    if not target.is_dir():
        raise UnsafeOutput(f"{refuse}: it is a file, not a folder; {own}")
    if (target / ".git").exists():
        raise UnsafeOutput(f"{refuse}: it holds a .git folder, so it may be a repository; {own}")
    if any(target.iterdir()) and not (target / MARKER).exists():
        raise UnsafeOutput(f"{refuse}: it is not empty and was not made by conceptsite (it has no {MARKER} file); "
                           "empty it or choose another folder")


def _recover(target: Path) -> None:
    """Undo what a killed run left: the old output renamed aside, staging folders. Only our own folders."""
    leftovers = sorted(target.parent.glob(f".{glob.escape(target.name)}.*-*")) if target.parent.is_dir() else []
    for folder in leftovers:
        kind, _, pid = folder.name[len(target.name) + 2:].partition("-")
        if kind not in ("old", "staging") or not (folder / MARKER).is_file() or folder.is_symlink() or _alive(pid):
            continue
        if kind == "old" and not target.exists():
            os.rename(folder, target)  # the swap was cut between its renames: the old site goes back
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: str) -> bool:
    """True when pid names a running process (another build still at work): its folders are left alone."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


class Staging:
    """The folder beside the output that a whole-site write fills before swapping it in.

    It can be made before rendering, so pages are written as they are rendered (by forked
    workers too) instead of all being held in memory; a failed build discards it, and the old
    output is never touched."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        (self.folder / MARKER).write_text(MARKER_TEXT)  # first, so a folder left by a killed run is known to be ours
        self.root = str(self.folder)

    def put(self, rel: str, data: bytes, live: Path | None = None) -> Spilled | Same:
        """Write one file now; with the live output folder given (a build that updates it in place),
        only when its file there does not already hold these bytes."""
        if live is not None and same_bytes(live / rel, data):
            return Same(len(data))
        write_file(os.path.join(self.root, rel), data)
        return Spilled(len(data))

    def discard(self) -> None:
        """Remove the folder and all in it."""
        shutil.rmtree(self.folder, ignore_errors=True)


def write_file(path: str, data: bytes) -> None:
    """Path(path).write_bytes(data), making its folder first, in plain os calls: every page of a whole
    build goes through here, and pathlib's object work cost as much as the system calls."""
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)  # a page's own folder is new: one call where mkdir(parents=True) makes two
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def write_site(out: Path, files: dict, copies: dict[str, Path], staging: Staging | None = None) -> WriteStats:
    """Write every file into a staging folder (some may be there already), then swap it in place of the old output."""
    staging = staging or Staging(out)
    try:
        stats = _fill(staging.folder, files, copies)
        _swap(staging.folder, staging.out)
    finally:
        staging.discard()
    return stats


def _fill(staging: Path, files: dict, copies: dict[str, Path]) -> WriteStats:
    made: set[Path] = {staging}
    total = 0
    for rel, data in files.items():
        if isinstance(data, Spilled):
            total += data.size
            continue
        dest = staging / rel
        _ensure_dir(dest.parent, made)
        dest.write_bytes(data)
        total += len(data)
    for rel, source in copies.items():
        dest = staging / rel
        _ensure_dir(dest.parent, made)
        shutil.copyfile(source, dest)
        total += dest.stat().st_size
    return WriteStats(len(files) + len(copies), total, tuple(sorted({*files, *copies})))


def _ensure_dir(folder: Path, made: set[Path]) -> None:
    if folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        made.add(folder)


def _swap(staging: Path, out: Path) -> None:
    """Two renames; if the second fails the old output is put back."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    had_old = out.exists()
    if had_old:
        os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        if had_old:
            os.rename(old, out)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
