"""`new`: write a page file with every front-matter key, ready to fill in."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from conceptsite.source.discover import make_slug

FOLDERS = {"concept": "concepts", "writeup": "writeups", "project": "projects"}


class ScaffoldError(Exception):
    """The page could not be created."""


def front_matter(kind: str, title: str, today: dt.date) -> str:
    """The front-matter block for a new page of one kind."""
    lines = [
        "---",
        f"title: {_quote(title)}",
        "summary: One sentence that says what this is.",
        "tags: []",
        f"date: {today.isoformat()}",
        "related: []",
    ]
    if kind == "concept":
        lines += ["definition: A one-line gist of the idea.", "prerequisites: []", "contrasts: []",
                  "examples: []", "part_of: []", "aliases: []"]
    if kind == "project":
        lines += ["link: https://example.org/", "status: active", "stack: []"]
    lines += ["draft: true", "---", "", "Write the idea here. Link other concepts with `[[their-slug]]`.", ""]
    return "\n".join(lines)


def new_page(content: Path, kind: str, title: str) -> Path:
    """Create content/<section>/<slug>.md; refuse to overwrite an existing file."""
    slug = make_slug(title)
    path = content / FOLDERS[kind] / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; pick another title or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(kind, title, dt.date.today()), encoding="utf-8")
    return path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
