"""Output sync for the preview server: write only the files whose bytes changed, delete the ones that went."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from conceptsite.build.output import MARKER, Spilled, Staging

_STAMP = re.compile(rb"(\.css)\?v=[0-9A-Za-z]+")


@dataclass(frozen=True)
class Delta:
    """What one rebuild changes in the output folder, by output path."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    restyled: tuple[str, ...] = ()  # HTML pages whose only change is a stylesheet's version stamp

    @property
    def pages(self) -> int:
        """How many HTML pages were written."""
        return sum(1 for rel in self.written if rel.endswith(".html"))

    def reload_urls(self) -> list[str]:
        """URLs of pages an open tab must reload: changed or removed, not merely restyled."""
        skip = set(self.restyled)
        return sorted({url_of(rel) for rel in (*self.written, *self.removed) if rel not in skip})

    def stylesheets(self) -> list[str]:
        """URLs of the stylesheets that changed, for a swap without reload."""
        return sorted(url_of(rel) for rel in self.written if rel.endswith(".css"))


@dataclass(frozen=True)
class _Stamp:
    mtime_ns: int
    size: int
    inode: int


class SourceReader:
    """Reads files the site copies as they are, re-reading one only when its stat changed."""

    def __init__(self):
        self._cache: dict[Path, tuple[_Stamp, bytes]] = {}

    def read(self, path: Path) -> bytes:
        """The bytes of one source file."""
        st = path.stat()
        stamp = _Stamp(st.st_mtime_ns, st.st_size, st.st_ino)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        data = path.read_bytes()
        self._cache[path] = (stamp, data)
        return data


@dataclass(frozen=True)
class Spooled(Spilled):
    """An output a whole build appended to a spool file: where it is, and a digest to compare it by."""

    path: str = ""
    offset: int = 0
    digest: bytes = b""

    def read(self) -> bytes:
        """The output's bytes, while its build's spool is there."""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            return handle.read(self.size)


class Spool(Staging):
    """Where a whole build puts each output as it is rendered (by forked workers too): appended to one
    file per process in a staging folder beside the output. Outputs are not held in memory (~330 MB at
    10,000 concepts), and only changed ones become files (making 10,000 files takes seconds)."""

    def put(self, rel: str, data: bytes, live: Path | None = None) -> Spooled:
        """Append one output (`live` is Staging's: the server compares outputs by digest instead)."""
        path = self.folder / f"spool-{os.getpid()}"
        with open(path, "ab") as handle:
            offset = handle.tell()
            handle.write(data)
        return Spooled(len(data), str(path), offset, _digest(data))


def site_files(files: dict, copies: dict, reader: SourceReader) -> dict:
    """Every output file of a gathered site: bytes or Spooled outputs, and the copied files read."""
    out = dict(files)
    for rel, source in copies.items():
        out[rel] = reader.read(Path(source))
    return out


def read_tree(out: Path) -> dict[str, Path]:
    """What an existing output folder holds (the marker left out), to sync the first build against.

    Each file is read only when plan() compares it, so the old site is never in memory whole."""
    found = {}
    if not out.is_dir():
        return found
    for folder, _, names in os.walk(out):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(out).as_posix()
            if rel != MARKER and not path.is_symlink():
                found[rel] = path
    return found


def settle(after: dict) -> dict:
    """A site's outputs once written: each held as bytes (a patched page, the feed, the data files)
    replaced by its size and digest, which is all the next comparison needs; an earlier build's file
    is read back from the output folder when it is needed whole (_served). A patched site is held
    between edits, and at 10,000 concepts its listings and data files are tens of MB."""
    return {rel: Spooled(len(data), "", 0, _digest(data)) if isinstance(data, bytes) else data
            for rel, data in after.items()}


def plan(before: dict, after: dict, root: Path) -> Delta:
    """Compare two sites file by file: bytes, Spooled outputs (by digest) or, before, files in root to read."""
    written = tuple(sorted(rel for rel, data in after.items() if not _same(before.get(rel), data)))
    removed = tuple(sorted(rel for rel in before if rel not in after))
    restyled = tuple(rel for rel in written if rel.endswith(".html") and rel in before
                     and _unstamped(_served(rel, before[rel], root)) == _unstamped(_bytes(after[rel])))
    return Delta(written, removed, restyled)


def _same(old, new) -> bool:
    if old is new:  # a patched site keeps every other file of the last one
        return True
    if old is None:
        return False
    if isinstance(old, bytes) and isinstance(new, bytes):
        return old == new
    return _key(old) == _key(new)


def _key(value) -> bytes:
    if isinstance(value, Spooled):
        return value.digest
    return _digest(value.read_bytes() if isinstance(value, Path) else value)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _served(rel: str, old, root: Path) -> bytes:
    """An earlier build's file: held, or as that build wrote it into root (its spool is gone)."""
    return old if isinstance(old, bytes) else (root / rel).read_bytes()


def _bytes(new) -> bytes:
    if isinstance(new, Spooled):
        return new.read()
    return new.read_bytes() if isinstance(new, Path) else new  # a kept output, as the folder holds it


def _unstamped(html: bytes) -> bytes:
    return _STAMP.sub(rb"\1", html)


def apply(out: Path, after: dict, delta: Delta) -> None:
    """Make the output folder match: delete what went, then write what changed, each file by rename."""
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("This folder is written by conceptsite's preview server and replaced freely.\n")
    for rel in delta.removed:
        path = out / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
        _prune(path.parent, out)
    for rel in delta.written:
        _write(out / rel, _bytes(after[rel]))


def _write(dest: Path, data: bytes) -> None:
    if dest.parent.exists() and not dest.parent.is_dir():
        dest.parent.unlink()  # a file that now has to be a folder
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_dir():
        _remove_tree(dest)
    temp = dest.with_name(f".{dest.name}.part-{os.getpid()}")
    temp.write_bytes(data)
    os.replace(temp, dest)


def _remove_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    folder.rmdir()


def _prune(folder: Path, root: Path) -> None:
    """Remove folders left empty, up to (not including) the root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def url_of(rel: str) -> str:
    """The URL a browser shows for an output file: folder URLs for index.html."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return "/" + quote(rel, safe="/~-._!$&'()*+,;=:@")
