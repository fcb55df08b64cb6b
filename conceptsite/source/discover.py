"""Find the site's sources: config, pages by section, and assets to copy."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SECTIONS = {"concepts": "concept", "writeups": "writeup", "projects": "project"}
FOLDER_PAGES = ("index.md", "_index.md", "README.md")  # a note so named is the page of its folder
# Folders of note templates (Obsidian's, Hugo's archetypes) hold no notes, in a vault of loose notes.
VAULT_SKIPS = {"templates", "_templates", "archetypes"}
_JUNK_NAMES = {"4913", ".DS_Store", "Thumbs.db", "desktop.ini"}
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")


@dataclass(frozen=True)
class SourceFile:
    """One Markdown page on disk and where it belongs in the site."""

    path: Path  # absolute
    shown: str  # how diagnostics name it
    kind: str  # concept, writeup, project or page
    slug: str  # path inside its section, URL-safe, without .md
    base: str = ""  # the URL folder its section puts it under, when site.yml sets one ('terms'); else its kind's
    folder: str = ""  # the folder holding the file, under the content folder ('concepts/optim'): files beside it


@dataclass(frozen=True)
class Section:
    """A folder of notes that site.yml makes one kind of page, under a URL folder of its own ('' for the kind's)."""

    folder: str  # as written under the content folder, '/' between parts
    kind: str
    url: str = ""


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


_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


def make_slug(rel_path: str) -> str:
    """Turn a path inside a section (no .md) into a lower-case, URL-safe slug."""
    parts = []
    for part in rel_path.replace("\\", "/").split("/"):
        # NFC again after lowering: lowering a composed capital can leave a decomposed letter.
        text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", part).lower())
        text = _UNSAFE.sub("-", text).replace("_", "-")
        parts.append(_DASHES.sub("-", text).strip("-") or "page")
    return "/".join(parts)


def show_path(path: Path) -> str:
    """A path as diagnostics print it: relative to the working folder when inside it."""
    return _Shown()(Path(path))


class _Shown:
    """show_path for many paths: the working folder is looked up once, and compared as text."""

    def __init__(self):
        self.cwd = str(Path.cwd())
        self.prefix = self.cwd if self.cwd.endswith("/") else self.cwd + "/"

    def __call__(self, path: Path) -> str:
        text = str(path)
        if text == self.cwd:
            return "."
        return text[len(self.prefix):] if text.startswith(self.prefix) else text


def discover(content: Path, sections: tuple[Section, ...] = ()) -> Sources:
    """Walk the content folder in a stable order and classify every file.

    With sections from site.yml, notes in their folders are of their kinds and all others loose pages.
    Without, a folder with none of the section folders is a vault of notes: every note in it is a concept."""
    root = content.resolve()
    vault = is_vault(root)
    shown = _Shown()
    pages, assets = [], []
    ordered = sorted(sections, key=lambda s: -len(s.folder))  # the deepest folder that holds a note wins
    for path, rel in _walk(root, VAULT_SKIPS if vault else ()):
        if rel[-3:].lower() == ".md" and ordered:
            pages.append(_place(path, rel, shown(path), ordered))
        elif rel[-3:].lower() == ".md":
            pages.append(_classify(path, rel, shown(path), vault))
        elif rel != "site.yml":
            assets.append(Asset(path, rel))
    return Sources(root, root / "site.yml", tuple(pages), tuple(assets))


def work_folder(content: Path) -> Path:
    """Where builds of this content keep their cache and preview and look for templates/ and static/:
    beside content/ in a project; for a vault of loose notes, a folder of its own in the user's cache,
    as nothing may be written into or beside an author's vault (nor its parent's templates/ taken)."""
    root = content.resolve()
    if not is_vault(root):
        return root.parent
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    mark = hashlib.blake2b(str(root).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    return cache / "conceptsite" / f"{make_slug(root.name)}-{mark}"


def is_vault(root: Path) -> bool:
    """True for a folder of loose notes: it has notes but none of the section folders (concepts/, ...)."""
    return not any((root / folder).is_dir() for folder in SECTIONS) and next(root.rglob("*.md"), None) is not None


def _walk(root: Path, skips=()):
    """(path, path relative to root with '/') of every file that is not junk, in a stable order; top
    folders named in skips (compared case-insensitively) are left out."""
    base = str(root)
    for folder, dirs, files in os.walk(base):
        top = folder == base
        dirs[:] = sorted(d for d in dirs if not is_junk(d) and not (top and d.casefold() in skips))
        inside = folder[len(base) + 1:].replace(os.sep, "/")
        for name in sorted(files):
            if not is_junk(name):
                yield Path(folder, name), f"{inside}/{name}" if inside else name


def _classify(path: Path, rel: str, shown: str, vault: bool = False) -> SourceFile:
    first, _, rest = rel.partition("/")
    if first in SECTIONS and rest:
        return SourceFile(path, shown, SECTIONS[first], make_slug(_stem(rest)), "", rel.rpartition("/")[0])
    return SourceFile(path, shown, "concept" if vault else "page", make_slug(_stem(rel)), "", rel.rpartition("/")[0])


def _place(path: Path, rel: str, shown: str, sections: list[Section]) -> SourceFile:
    """A note under site.yml's sections: of the kind of the folder holding it, else a loose page."""
    for section in sections:
        if rel.startswith(section.folder + "/"):
            slug = make_slug(_stem(rel[len(section.folder) + 1:]))
            return SourceFile(path, shown, section.kind, slug, section.url, rel.rpartition("/")[0])
    return SourceFile(path, shown, "page", make_slug(_stem(rel)), "", rel.rpartition("/")[0])


def _stem(rel: str) -> str:
    """A note's path without .md; a folder's own page (folder/index.md, _index.md, README.md) is the folder."""
    folder, _, name = rel.rpartition("/")
    return folder if folder and name in FOLDER_PAGES else rel[:-3]
