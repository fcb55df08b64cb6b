"""Name resolution and link checking: every reference in the site is resolved at build time."""
from __future__ import annotations

import posixpath
import unicodedata
from urllib.parse import unquote

from .errors import Report, did_you_mean
from .markup import Body
from .parse import Page


class Index:
    """Finds concepts by slug, title or alias, case-insensitively; detects clashing URLs."""

    def __init__(self, pages: list[Page], report: Report):
        self.by_url: dict[str, Page] = {}
        self.names: dict[str, Page] = {}
        self.aliases: dict[str, Page] = {}
        for page in pages:
            self._add_page(page, report)
        for page in pages:
            if page.kind == "concept":
                self._add_names(page, report)

    def _add_page(self, page: Page, report: Report) -> None:
        key = _fold(page.url)
        other = self.by_url.get(key)
        if other is not None:
            report.error(page.source.shown, 1, 1,
                         f"'{page.source.shown}' and '{other.source.shown}' both make the page /{page.url}; rename one")
            return
        self.by_url[key] = page

    def _add_names(self, page: Page, report: Report) -> None:
        self.names.setdefault(_fold(page.slug), page)
        self.names.setdefault(_fold(page.title), page)
        for ref in page.aliases:
            url = f"concepts/{ref.target}/"
            if _fold(url) in self.by_url or _fold(ref.target) in self.aliases:
                report.error(page.source.shown, ref.line, ref.col, f"alias '{ref.target}' is already the URL of another page")
                continue
            self.aliases[_fold(ref.target)] = page

    def find(self, name: str) -> Page | None:
        """The concept a wikilink or relation names, by slug, title or alias."""
        key = _fold(name.strip().strip("/"))
        if key.startswith("concepts/"):
            key = key[len("concepts/"):]
        return self.names.get(key) or self.aliases.get(key)

    def resolve(self, name: str):
        """Markup's resolver: (url, title) of the named concept, or None."""
        page = self.find(name)
        return (page.url, page.title) if page else None

    def hint(self, name: str) -> str:
        """A did-you-mean suffix for an unknown concept name."""
        candidates = [p.slug for p in self.names.values()] + list(self.aliases)
        return did_you_mean(_fold(name), sorted(set(candidates)))


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def locate(page: Page, needle: str) -> tuple[int, int]:
    """Line and column in the file of the first occurrence of needle in the page body."""
    index = page.body.find(needle) if needle else -1
    if index < 0:
        return page.body_line, 1
    before = page.body[:index]
    return page.body_line + before.count("\n"), index - (before.rfind("\n") + 1) + 1


def check_links(pages: list[Page], bodies: dict[str, Body], known: set[str], report: Report) -> None:
    """Report internal links whose page or #anchor does not exist."""
    for page in pages:
        body = bodies[page.url]
        for written in dict.fromkeys(body.links):
            problem = _link_problem(page.url, written, bodies, known)
            if problem:
                report.error(page.source.shown, *locate(page, written), problem)


def _link_problem(from_url: str, written: str, bodies: dict[str, Body], known: set[str]) -> str:
    path, _, fragment = written.partition("#")
    path = unquote(path.split("?", 1)[0])
    target = _target_url(from_url, path)
    if target not in known and target + "/" in known:
        target += "/"
    if target not in known:
        return f"broken link '{written}': no page or file at /{target}{did_you_mean(target, known)}"
    ids = bodies[target].ids if target in bodies else None
    if fragment and ids is not None and unquote(fragment) not in ids:
        return f"broken link '{written}': /{target} has no heading '#{fragment}'{did_you_mean(fragment, ids)}"
    return ""


def _target_url(from_url: str, path: str) -> str:
    if not path:
        return from_url
    if path.startswith("/"):
        joined = path[1:]
    else:
        base = from_url.rstrip("/") if from_url.endswith("/") else posixpath.dirname(from_url)
        joined = posixpath.join(base, path)
    normal = posixpath.normpath(joined) if joined else ""
    normal = "" if normal == "." else normal
    return normal + "/" if (path.endswith("/") and normal) else normal
