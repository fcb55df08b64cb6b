"""The writer: a known output folder changes only here, where bytes changed: every change is staged
beside its target, then all are renamed in, so a failure while writing (a full disk, an exception)
leaves the old output as it was. An unknown folder is written whole and swapped in (build/output.py)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conceptsite.incremental.manifest import Manifest

MARKER = ".conceptsite-output"
SITE_WIDE = "*"  # the manifest key under which the site-wide outputs' shared key is kept
_CSS_STAMP = re.compile(rb"(\.css)\?v=[0-9A-Za-z]+")


@dataclass(frozen=True)
class WriteStats:
    """What a write did: how many files and bytes, and which outputs it wrote and removed."""

    files: int
    bytes: int
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    restyled: tuple[str, ...] = ()  # HTML pages written whose only change was a stylesheet's version stamp


@dataclass(frozen=True)
class Spilled:
    """Stands in a site's files for a page already written into the staging folder."""

    size: int


@dataclass(frozen=True)
class Same:
    """Stands in a site's files for a page whose file in the output folder already holds its bytes."""

    size: int


def same_bytes(target: Path, data: bytes) -> bool:
    """True when the file already holds exactly these bytes (then it is not rewritten)."""
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def write_changed(manifest: Manifest, files: dict[str, bytes], kept: set[str], copies: dict[str, Path],
                  keys: dict[str, str], staged: Path | None = None, notice_styles: bool = False) -> WriteStats:
    """Update the output folder: stage each changed file beside its target, then rename them all in."""
    out, old = manifest.out, manifest.entries
    entries = {SITE_WIDE: (keys[SITE_WIDE], None)} if SITE_WIDE in keys else {}
    for path in kept:
        entries[path] = old[path]
    staged, total = _stage_all(out, _changed(manifest, files, copies, staged))
    written = tuple(sorted(target.relative_to(out).as_posix() for _, target in staged))
    restyled = tuple(_restyled(out, staged)) if notice_styles else ()
    manifest.state.forget("outputs")  # a crash from here on leaves no manifest, so the next build rewrites all
    for temp, target in staged:
        os.replace(temp, target)
    removed = tuple(sorted(set(old) - set(entries) - set(files) - set(copies) - {SITE_WIDE}))
    for path in removed:
        _remove(out, path)
    record_full_write(manifest, files, copies, keys, entries)
    return WriteStats(len(staged), total, written, removed, restyled)


def _restyled(out: Path, staged: list[tuple[Path, Path]]):
    """The staged HTML pages that differ from the live ones only in a stylesheet's version stamp."""
    unstamped = lambda path: _CSS_STAMP.sub(rb"\1", path.read_bytes())  # noqa: E731
    return (target.relative_to(out).as_posix() for temp, target in staged
            if target.suffix == ".html" and target.is_file() and unstamped(temp) == unstamped(target))


def _changed(manifest: Manifest, files: dict, copies: dict[str, Path], staged: Path | None):
    """(path, bytes or the staged file) of each output whose bytes on disk differ, one at a time."""
    for path, data in files.items():
        if isinstance(data, Spilled):
            yield path, staged / path
        elif not isinstance(data, Same) and not same_bytes(manifest.out / path, data):
            yield path, data
    for path, source in copies.items():
        if not manifest.intact(path, ("copy", _stat(source))):
            yield path, Path(source).read_bytes()


def _stage_all(out: Path, changes) -> tuple[list[tuple[Path, Path]], int]:
    """Write each change to a hidden sibling; on any failure remove them all and re-raise."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    total = 0
    try:
        for path, data in changes:
            target = out / path
            _make_parents(target.parent, out, made)
            if isinstance(data, Path):  # already written into the staging folder
                staged.append((data, target))
                total += data.stat().st_size
            else:
                staged.append((stage_file(target, data), target))
                total += len(data)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged, total


def stage_file(target: Path, data: bytes) -> Path:
    """Write data to a temporary file beside target and return its path."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _make_parents(folder: Path, out: Path, made: list[Path]) -> None:
    missing = []
    while folder != out and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir()
        made.append(folder)


def record_full_write(manifest: Manifest, files: dict, copies: dict[str, Path], keys: dict[str, str],
                      entries: dict | None = None) -> None:
    """Remember every output as now written, so the next build can keep what is unchanged."""
    if entries is None:
        entries = {SITE_WIDE: (keys[SITE_WIDE], None)} if SITE_WIDE in keys else {}
    for path in files:
        entries[path] = (keys.get(path, keys.get(SITE_WIDE, "")), _stat(manifest.out / path))
    for path, source in copies.items():
        entries[path] = (("copy", _stat(source)), _stat(manifest.out / path))
    manifest.state.save("outputs", entries)  # a Manifest made from here on reads these


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _remove(out: Path, path: str) -> None:
    """Delete a stale output and any folders it leaves empty."""
    target = out / path
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
    else:
        target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
