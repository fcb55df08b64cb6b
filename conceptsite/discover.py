"""Find the site's sources: config, pages by section, and assets to copy."""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SECTIONS = {"concepts": "concept", "writeups": "writeup", "projects": "project"}
_JUNK_NAMES = {"4913", ".DS_Store", "Thumbs.db", "desktop.ini"}
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")


@dataclass(frozen=True)
class SourceFile:
    """One Markdown page on disk and where it belongs in the site."""

    path: Path  # absolute
    shown: str  # how diagnostics name it
    kind: str  # concept, writeup, project or page
    slug: str  # path inside its section, URL-safe, without .md


@dataclass(frozen=True)
class Asset:
    """A non-Markdown file under content/, copied as it is."""

    path: Path
    rel: str


@dataclass(frozen=True)
class Sources:
    """Everything discover found under the content folder."""

    root: Path
    config: Path
    pages: tuple[SourceFile, ...]
    assets: tuple[Asset, ...]


def is_junk(name: str) -> bool:
    """True for editor swap, backup and OS metadata files that are never content."""
    return (
        name.startswith(".")
        or name in _JUNK_NAMES
        or name.endswith(_JUNK_SUFFIXES)
        or name.startswith("#")
    )


def make_slug(rel_path: str) -> str:
    """Turn a path inside a section (no .md) into a lower-case, URL-safe slug."""
    parts = []
    for part in rel_path.replace("\\", "/").split("/"):
        text = unicodedata.normalize("NFC", part).lower()
        text = re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).replace("_", "-")
        text = re.sub(r"-{2,}", "-", text).strip("-")
        parts.append(text or "page")
    return "/".join(parts)


def show_path(path: Path) -> str:
    """A path as diagnostics print it: relative to the working folder when inside it."""
    cwd = Path.cwd()
    path = Path(path)
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)


def discover(content: Path) -> Sources:
    """Walk the content folder in a stable order and classify every file."""
    root = content.resolve()
    pages, assets = [], []
    for path in _walk(root):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".md":
            pages.append(_classify(path, rel))
        elif rel != "site.yml":
            assets.append(Asset(path, rel))
    return Sources(root, root / "site.yml", tuple(pages), tuple(assets))


def _walk(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_junk(d))
        for name in sorted(files):
            if not is_junk(name):
                yield Path(folder) / name


def _classify(path: Path, rel: str) -> SourceFile:
    first, _, rest = rel.partition("/")
    stem = rest[:-3] if rest else ""
    if first in SECTIONS and rest:
        return SourceFile(path, show_path(path), SECTIONS[first], make_slug(stem))
    return SourceFile(path, show_path(path), "page", make_slug(rel[:-3]))
