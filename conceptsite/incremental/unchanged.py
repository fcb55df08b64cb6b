"""The no-change fast path: a build whose inputs all sit exactly as they did for the last good
build into the same folder, which is itself exactly as that build left it, is already done.

The inputs are every file under content/ and the theme's folders (by path, mtime and size, the
same trust the page cache places in stat), the generator's own version, the options that shape
the output and the build date. The last build's warnings are kept with the stamp and shown again,
so a fast build says what a full one would."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from conceptsite.incremental.cache import digest, generator_version
from conceptsite.diagnostics import Diagnostic
from conceptsite.incremental.manifest import Manifest
from conceptsite.render.theme import build_date


@dataclass(frozen=True)
class Fresh:
    """What the last good build into a folder read and reported."""

    stamp: str
    pages: int
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Scan:
    """Every file a build reads, by absolute path, with (mtime_ns, size); and one hash over them."""

    stamp: str
    context: str  # the generator, the options and the day: what is not a file but shapes the output
    files: dict


def scan(content: Path, theme: tuple[Path, ...], drafts: bool) -> Scan:
    """Stat everything a build reads; any edit, added or removed file changes the stamp."""
    roots = [str(folder.resolve()) for folder in (content, *theme)]
    context = digest(generator_version(), build_date().isoformat(), f"drafts={drafts}", *roots)
    files: dict = {}
    for root in roots:
        files.update(_listing(root))
    return Scan(digest(context, *(f"{path} {stat}" for path, stat in files.items())), context, files)


def _listing(root: str):
    """(path, (mtime_ns, size)) for each file under root, in a stable order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:  # vanished mid-walk: the stamp must still differ from a complete one
                yield path, None
                continue
            yield path, (st.st_mtime_ns, st.st_size)


def recall(manifest: Manifest, stamp: str) -> Fresh | None:
    """The last build's record when its stamp matches and every output it wrote is untouched."""
    saved = manifest.store.load(_name(manifest)).get("fresh")
    if not isinstance(saved, Fresh) or saved.stamp != stamp or not manifest.entries:
        return None
    return saved if manifest.all_intact() else None


def remember(manifest: Manifest, fresh: Fresh) -> None:
    """Keep the record of a good build, beside the manifest it describes."""
    manifest.store.save(_name(manifest), {"fresh": fresh})


def forget(manifest: Manifest) -> None:
    """Drop the record before a write, so a write cut short can never look fresh."""
    manifest.store.forget(_name(manifest))


def _name(manifest: Manifest) -> str:
    return manifest.name + "-fresh"
