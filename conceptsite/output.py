"""Write a rendered site: refuse unsafe folders, build beside the old output, swap by rename."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".conceptsite-output"


class UnsafeOutput(Exception):
    """The output folder is one the tool must not replace."""


@dataclass(frozen=True)
class WriteStats:
    """What a write did."""

    files: int
    bytes: int


def check_output(out: Path, protected: list[Path]) -> None:
    """Raise UnsafeOutput unless out is empty, new, or a folder this tool made."""
    target = out.resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise UnsafeOutput(f"refusing to write the site into {target}: choose a folder of its own, such as ./site")
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target in folder.parents:
            raise UnsafeOutput(f"refusing to write the site into {out}: it contains {folder}; choose a folder of its own, such as ./site")
    if not target.exists():
        return
    if not target.is_dir():
        raise UnsafeOutput(f"refusing to write the site into {out}: it is a file, not a folder")
    if (target / ".git").exists():
        raise UnsafeOutput(f"refusing to write the site into {out}: it holds a .git folder")
    if any(target.iterdir()) and not (target / MARKER).exists():
        raise UnsafeOutput(f"refusing to write the site into {out}: it is not empty and was not made by conceptsite; "
                           "empty it or choose another folder")


def write_site(out: Path, files: dict[str, bytes], copies: dict[str, Path]) -> WriteStats:
    """Write every file into a staging folder, then swap it in place of the old output."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        stats = _fill(staging, files, copies)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return stats


def _fill(staging: Path, files: dict[str, bytes], copies: dict[str, Path]) -> WriteStats:
    made: set[Path] = set()
    total = 0
    for rel, data in files.items():
        dest = staging / rel
        _ensure_dir(dest.parent, made)
        dest.write_bytes(data)
        total += len(data)
    for rel, source in copies.items():
        dest = staging / rel
        _ensure_dir(dest.parent, made)
        shutil.copyfile(source, dest)
        total += dest.stat().st_size
    (staging / MARKER).write_text("This folder is written by conceptsite and replaced on every build.\n")
    return WriteStats(len(files) + len(copies), total)


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
