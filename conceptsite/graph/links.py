"""Name resolution and link checking: every reference in the site is resolved at build time."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from conceptsite.source.discover import make_slug, show_path
from conceptsite.urls import link_target
from conceptsite.source.fields import section_url
from conceptsite.diagnostics import BROKEN_LINK, Report, did_you_mean
from conceptsite.graph.closest_names import Suggester
from conceptsite.markdown.convert import Body
from conceptsite.source.page import Page

# Addresses the generator makes itself: a page there would be overwritten (or overwrite), so it is an error.
GENERATED_PAGES = {"": "the home page", "concepts/": "the concepts index", "writeups/": "the writeups index",
                   "projects/": "the projects index", "tags/": "the tag index"}
GENERATED_FILES = ("404.html", "feed.xml", "sitemap.xml", "robots.txt", "graph.json", "search.json",
                   "concepts.json")


class Index:
    """Finds any note by path, file name, title or alias, case-insensitively and Unicode-normalised; detects
    clashing URLs. A bare name finds a note in any folder, the shortest path winning ([[folder/note]] picks one)."""

    def __init__(self, pages: list[Page], report: Report, assets=()):
        self.by_url: dict[str, Page] = {}
        self.names: dict[str, Page] = {}
        self.aliases: dict[str, Page] = {}
        for page in pages:
            self._add_page(page, report)
        known = sorted((page for page in pages if self.by_url.get(_fold(page.url)) is page), key=_rank)
        for page in known:  # whole paths first: a path names one page, so it wins over another page's title
            self.names.setdefault(_fold(note_path(page)), page)
        for page in known:  # then the ends of paths ('adam' of 'optimizers/adam'), shortest path first
            for end in _path_ends(note_path(page)):
                self.names.setdefault(_fold(end), page)
        for page in known:
            self._add_names(page, report)
        _check_tags(pages, report)
        _check_assets(assets, self.by_url, report)
        # Did-you-mean compares names with their word separators alike ('learning-rate', 'learning rate'),
        # and shows a name as links write it
        spelled = {}
        for name in [note_path(page) for page in known] + list(self.aliases):
            spelled.setdefault(_spaced(name), name)
        self.suggester = Suggester(spelled, shown=spelled)
        self.files: dict[str, list[str]] = {}  # a file's name, folded -> the content files so named
        for asset in assets:
            self.files.setdefault(_fold(asset.rel.rpartition("/")[2]), []).append(asset.rel)

    def _add_page(self, page: Page, report: Report) -> None:
        key = _fold(page.url)
        if key in GENERATED_PAGES or key.startswith("tags/"):
            owner = GENERATED_PAGES.get(key, "the tag pages")
            report.error(page.source.shown, 1, 1,
                         f"'{page.source.shown}' would make the page /{page.url}, which is {owner}; rename or move the file")
            return
        other = self.by_url.get(key)
        if other is not None:
            same = _fold(page.source.shown) == _fold(other.source.shown)  # looks like one name on screen
            why = " (the names differ only in letter case or in how accented letters are encoded)" if same else ""
            report.error(page.source.shown, 1, 1,
                         f"'{page.source.shown}' and '{other.source.shown}' both make the page /{page.url}{why}; rename one")
            return
        self.by_url[key] = page

    def _add_names(self, page: Page, report: Report) -> None:
        title = _fold(page.title)
        other = self.names.setdefault(title, page)
        if other is not page and page.kind == other.kind == "concept":  # as before: two concepts, one name
            what = "slug" if _fold(other.slug) == title else "title"
            report.warn(page.source.shown, 1, 1, f"the title '{page.title}' is also the {what} of "
                        f"'{other.source.shown}', so [[{page.title}]] links there; link this page by its slug "
                        f"[[{page.slug}]], or change one of them")
        for ref in page.aliases:
            url = f"concepts/{ref.target}/"
            other = self.by_url.get(_fold(url)) or self.aliases.get(_fold(ref.target))
            if other is not None:
                what = "the URL" if _fold(url) in self.by_url else "an alias"
                report.error(page.source.shown, ref.line, ref.col,
                             f"alias '{ref.target}' is already {what} of '{other.source.shown}'; remove one of them")
                continue
            self.aliases[_fold(ref.target)] = page

    def find(self, name: str) -> Page | None:
        """The note a wikilink or relation names, by path, file name, title or alias."""
        key = _fold(name.strip().strip("/"))
        if key.endswith(".md"):
            key = key[:-3]
        if key.startswith("concepts/"):
            key = key[len("concepts/"):]
        found = self.names.get(key) or self.aliases.get(key)
        if found is None:
            key = make_slug(key)  # [[notes 2]] -> notes-2
            found = self.names.get(key) or self.aliases.get(key)
        return found

    def resolve(self, name: str):
        """Markup's resolver: (url, text to show) of the named note, or None. The text is what the author
        typed, but a name typed as a slug or path ([[learning-rate]], [[optimizers/adam]]) shows the title."""
        page = self.find(name)
        if page is None:
            return None
        typed = name.strip()
        return page.url, page.title if _typed_as_slug(typed) else typed

    def resolve_file(self, name: str, folder: str) -> str | None:
        """The content file an embed names (![[pic.png]], ![[img/pic.png]]), found anywhere by its name as
        Obsidian finds it; of several, the one nearest the note's folder, then the shortest path."""
        key = _fold(name.strip().strip("/"))
        found = [rel for rel in self.files.get(key.rpartition("/")[2], ())
                 if (folded := _fold(rel)) == key or folded.endswith("/" + key)]
        near = lambda rel: (-_shared(rel, folder), rel.count("/"), rel)  # noqa: E731
        return min(found, key=near) if found else None

    def hint(self, name: str) -> str:
        """A did-you-mean suffix for an unknown note name."""
        return self.suggester.hint(_spaced(_fold(name)))


def note_path(page: Page) -> str:
    """Where a note is, as links name it: a concept's slug ('optimizers/adam'), another note's section and slug
    ('writeups/reading'), a loose page's slug ('about')."""
    section = section_url(page.source)
    return f"{section}/{page.slug}" if section and page.kind != "concept" else page.slug


def _shared(rel: str, folder: str) -> int:
    """How many leading folders a file's path shares with a note's folder."""
    count = 0
    for mine, theirs in zip(rel.split("/")[:-1], folder.split("/") if folder else ()):
        if mine != theirs:
            break
        count += 1
    return count


def _rank(page: Page):
    """Which of two notes a shared name means: the shorter path, then a concept, then the path's order."""
    path = note_path(page)
    return path.count("/"), page.kind != "concept", path


def _path_ends(path: str) -> list[str]:
    """The shorter paths that end a note's path: 'b/c' and 'c' of 'a/b/c'."""
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]


def _typed_as_slug(text: str) -> bool:
    """True for a name written as a slug or path (lower case, '-' or '/' between words), not as prose."""
    return ("-" in text or "/" in text) and make_slug(text) == text


def _check_tags(pages: list[Page], report: Report) -> None:
    """Tags spelled differently but with one tag page (ML and ml, Machine Learning and machine-learning): a
    warning, as Obsidian reads tags without case (--strict fails on it); the page shows one spelling."""
    first: dict[str, tuple[str, Page]] = {}
    for page in pages:
        for i, tag in enumerate(page.tags):
            name, other = first.setdefault(make_slug(tag), (tag, page))
            if name != tag:
                line, col = page.tag_places[i] if i < len(page.tag_places) else (1, 1)
                elsewhere = "" if other is page else f" (in '{other.source.shown}')"
                report.warn(page.source.shown, line, col, f"tag '{tag}' and tag '{name}'{elsewhere} share one page, "
                                                          f"/tags/{make_slug(tag)}/; spell them the same way")


def check_theme_clashes(assets, theme_files: dict, report: Report) -> None:
    """Files under content/ that would land where one of the theme's static files is copied (assets/<name>)."""
    for asset in assets:
        name = asset.rel[len("assets/"):] if asset.rel.startswith("assets/") else None
        if name in theme_files:
            report.error(show_path(asset.path), 1, 1, f"this file would be written to /{asset.rel}, where the theme's "
                         f"{show_path(theme_files[name])} goes; rename it, or change the theme's file instead")


def _check_assets(assets, by_url: dict, report: Report) -> None:
    """Files under content/ that would land where a page or a generated file is written."""
    for asset in assets:
        rel = _fold(asset.rel)
        folder = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else None
        if folder in by_url:
            owner = f"the page made from '{by_url[folder].source.shown}'"
        elif folder in GENERATED_PAGES or rel in GENERATED_FILES:
            owner = GENERATED_PAGES.get(folder, "a file the generator writes")
        else:
            continue
        report.error(show_path(asset.path), 1, 1, f"this file would be written to /{asset.rel}, where {owner} goes; "
                                                  "rename or move it")


def _spaced(name: str) -> str:
    """A name with '-' and '_' as spaces."""
    return name.replace("-", " ").replace("_", " ")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def locate(page: Page, needle: str, nth: int = 0) -> tuple[int, int]:
    """Line and column in the file of the nth occurrence of needle in the page body (else the first): the
    converter reports problems in the order of the text, so the second problem with the same text is
    at its second occurrence."""
    index = page.body.find(needle) if needle else -1
    for _ in range(nth):
        later = page.body.find(needle, index + 1) if index >= 0 else -1
        if later < 0:
            break
        index = later
    return page.place(index) if index >= 0 else (page.body_line, 1)


# What comes right before a link's address where it is written: inline, autolink, definition, raw HTML.
_ADDRESS_AFTER = ("](", "<", "]: ", "]:", '="')


def locate_link(page: Page, written: str) -> tuple[int, int]:
    """Where a link's address is written as a link (the same text earlier in prose is not it), else where the
    text first occurs."""
    for before in _ADDRESS_AFTER:
        index = page.body.find(before + written)
        if index >= 0:
            line, col = locate(page, before + written)
            return line, col + len(before)
    return locate(page, written)


def check_links(pages: list[Page], bodies: dict[str, Body], known: set[str], report: Report) -> None:
    """Report internal links whose page or #anchor does not exist: warnings, as dangling wikilinks are
    (--strict fails on them); the link is kept as written."""
    suggest = Suggester(known)  # one index of the URLs for every broken link of the site
    for page in pages:
        body = bodies[page.url]
        sources = dict(body.sources)  # a wikilink's anchor: named and placed as its wikilink is written
        for written in dict.fromkeys(body.links):
            problem = _link_problem(page, written, bodies, known, suggest, sources.get(written, written))
            if problem:
                place = locate(page, sources[written]) if written in sources else locate_link(page, written)
                report.warn(page.source.shown, *place, problem)


def _link_problem(page: Page, written: str, bodies: dict[str, Body], known: set[str],
                  suggest: Suggester, shown: str) -> str:
    path, _, fragment = written.partition("#")
    path = unquote(path.split("?", 1)[0])
    target = link_target(page.url, page.source.folder, path)
    if target not in known and target + "/" in known:
        target += "/"
    if target not in known:
        return f"{BROKEN_LINK} '{shown}': no page or file at /{target}{suggest.hint(target)}"
    ids = bodies[target].ids if target in bodies else None
    if fragment and ids is not None and unquote(fragment) not in ids:
        return f"{BROKEN_LINK} '{shown}': /{target} has no heading '#{fragment}'{did_you_mean(fragment, ids)}"
    return ""
