"""Incremental output: which outputs can stay as they are, and writing only the files that changed.

Each page's output is keyed by its whole view (what the template is given) plus the generator,
templates, static files and config. Site-wide outputs come in two groups: listings (indexes, tags,
home, map, sitemap and the data files) read page fields and the graph, and share one key of those;
body outputs (the feed and the search index) also read bodies, so their key covers every page's
file too. Each page also gets an input stamp, so its view is made only when a stamp moved. A manifest in the
cache records each output's key and how it sat on disk; an output whose file was changed or
removed by hand no longer counts as kept."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from conceptsite.incremental.cache import Store, digest
from conceptsite.build.output import MARKER, Same, Spilled, WriteStats, same_bytes

SITE_WIDE = "*"  # the manifest key under which the site-wide outputs' shared key is kept


class ViewKeys:
    """The renderer's hook: keys a page's output by its whole view, and says whether the file on disk has it.

    Keying by the view itself (not by a guess at what the view reads) stays right whatever the
    views grow: two-hop neighbourhoods, learning paths, anything computed from the graph. Making
    every view to hash it is the expensive part, so each page also gets a stamp of its inputs (its
    own file and links, and every page's fields): a page whose stamp is as last time has the view
    key it had then, and its view is never made."""

    def __init__(self, base: str, keys: dict, manifest: "Manifest | None", known: dict | None = None):
        self.base, self.keys, self.manifest, self.kept = base, keys, manifest, set()
        self.known = known or {}  # path -> (stamp, key) from the last good build
        self.stamps: dict = {}  # the same, for this build
        self.inputs = None  # keys.Keys this build's stamps came from, for quick.py's record

    def stale(self, path: str, stamp: str | None) -> bool:
        """True when this output's view has to be made to know its key (its stamp is new)."""
        known = self.known.get(path)
        return stamp is None or known is None or known[0] != stamp

    def check(self, path: str, make_view, stamp: str | None = None) -> tuple[bool, object, tuple]:
        """(kept, view or None, note): kept when the file on disk was written from the same view.

        Changes nothing, so forked render workers can call it; pass the note to record()."""
        view = None
        if self.stale(path, stamp):
            view = make_view()
            key = view_key(self.base, view)
        else:
            key = self.known[path][1]
            if os.environ.get("CONCEPTSITE_CHECK_STAMPS"):  # the test suite sets it
                _check_stamp(path, key, view_key(self.base, make_view()))
        return self.manifest is not None and self.manifest.intact(path, key), view, (key, stamp)

    def record(self, path: str, note: tuple, kept: bool) -> None:
        """Remember an output's key (and stamp) for the manifest, and whether it was kept."""
        key, stamp = note
        self.keys[path] = key
        if stamp is not None:
            self.stamps[path] = (stamp, key)
        if kept:
            self.kept.add(path)


def view_key(base: str, view) -> str:
    """A page output's key: its whole view, after the base every key starts from."""
    return digest(base, repr(view))


def _check_stamp(path: str, recorded: str, made: str) -> None:
    """Fail loudly when a page's stamp said its view was unchanged but it was not: a read of
    views.page_view that views.view_inputs does not name (a bug of ours, which would leave a stale page)."""
    if recorded != made:
        raise AssertionError(f"{path}: its input stamp is unchanged but its view is not; "
                             "views.view_inputs misses something page_view reads")


class NoKeys:
    """The renderer's hook when there is no cache: nothing is ever kept."""

    def stale(self, path: str, stamp: str | None) -> bool:
        """Every view has to be made."""
        return True

    def check(self, path: str, make_view, stamp: str | None = None) -> tuple[bool, object, tuple]:
        """Never kept."""
        return False, None, (None, stamp)

    def record(self, path: str, note: tuple, kept: bool) -> None:
        """Nothing to remember."""


def site_key(digests: dict[str, str], base: str) -> str:
    """One key over every page, for outputs that list or aggregate pages."""
    return digest(base, *(f"{url}:{d}" for url, d in digests.items()))


class Manifest:
    """What the last build wrote into one output folder: path -> (key, (mtime_ns, size))."""

    def __init__(self, store: Store, out: Path):
        self.store, self.out = store, out.resolve()
        self.root = str(self.out)
        self.name = "out-" + digest(str(self.out))[:16]
        self.entries: dict = store.load(self.name) if (self.out / MARKER).exists() else {}

    def site_wide_intact(self, key: str) -> bool:
        """True when the site-wide key is unchanged and every site-wide output is untouched."""
        recorded = self.entries.get(SITE_WIDE)
        if recorded is None or recorded[0] != key:
            return False
        return all(self.intact(path, entry[0]) for path, entry in self.entries.items()
                   if path != SITE_WIDE and entry[0] == key)

    def all_intact(self) -> bool:
        """True when every recorded output is still exactly as written."""
        return all(self.intact(path, entry[0]) for path, entry in self.entries.items() if path != SITE_WIDE)

    def intact(self, path: str, key) -> bool:
        """True when the output was written with this key and is still exactly as written."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != key:
            return False
        try:
            st = os.stat(os.path.join(self.root, path))  # a string join: ~10,000 of these per build
        except OSError:
            return False
        return (st.st_mtime_ns, st.st_size) == entry[1]


def write_changed(manifest: Manifest, files: dict[str, bytes], kept: set[str], copies: dict[str, Path],
                  keys: dict[str, str], staged: Path | None = None) -> WriteStats:
    """Update the output folder: stage every changed file beside its target, then rename them all in.

    Staging first means a failure while writing (a full disk, an exception) leaves the old output
    exactly as it was; only the renames, which allocate nothing, touch the live files. Pages the
    render already wrote into the staging folder `staged` (output.Spilled) are renamed from there;
    those it found unchanged on disk (output.Same) are left alone."""
    out, old = manifest.out, manifest.entries
    entries = {SITE_WIDE: (keys[SITE_WIDE], None)} if SITE_WIDE in keys else {}
    for path in kept:
        entries[path] = old[path]
    staged, total = _stage_all(out, _changed(out, old, files, copies, staged))
    manifest.store.forget(manifest.name)  # a crash from here on leaves no manifest, so the next build rewrites all
    for temp, target in staged:
        os.replace(temp, target)
    for path in files:
        entries[path] = (keys.get(path, keys.get(SITE_WIDE, "")), _stat(out / path))
    for path, source in copies.items():
        entries[path] = (("copy", _stat(source)), _stat(out / path))
    for path in set(old) - set(entries) - {SITE_WIDE}:
        _remove(out, path)
    manifest.entries = entries
    manifest.store.save(manifest.name, entries)
    return WriteStats(len(staged), total)


def _changed(out: Path, old: dict, files: dict, copies: dict[str, Path], staged: Path | None):
    """(path, bytes or the staged file) of each output whose bytes on disk differ from what this build
    produced, one at a time."""
    for path, data in files.items():
        if isinstance(data, Same):
            continue
        if isinstance(data, Spilled):
            yield path, staged / path
            continue
        if not same_bytes(out / path, data):
            yield path, data
    for path, source in copies.items():
        stamp = ("copy", _stat(source))
        if old.get(path, (None,))[0] != stamp or not _intact_copy(out / path, old[path][1]):
            yield path, Path(source).read_bytes()


def _stage_all(out: Path, changes) -> tuple[list[tuple[Path, Path]], int]:
    """Write each change to a hidden temporary sibling (with the bytes written); on any failure
    remove them all and re-raise."""
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


def record_full_write(manifest: Manifest, files: dict[str, bytes], copies: dict[str, Path], keys: dict[str, str]) -> None:
    """After a whole-folder write, remember every output so the next build can keep what is unchanged."""
    entries = {SITE_WIDE: (keys[SITE_WIDE], None)} if SITE_WIDE in keys else {}
    for path in files:
        entries[path] = (keys.get(path, keys.get(SITE_WIDE, "")), _stat(manifest.out / path))
    for path, source in copies.items():
        entries[path] = (("copy", _stat(source)), _stat(manifest.out / path))
    manifest.entries = entries
    manifest.store.save(manifest.name, entries)


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _intact_copy(target: Path, recorded) -> bool:
    try:
        return _stat(target) == recorded
    except OSError:
        return False


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
