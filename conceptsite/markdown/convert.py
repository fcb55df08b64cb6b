"""Markdown to HTML: fenced code with Pygments, tables, footnotes, anchors, wikilinks and math."""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from pygments.formatters import HtmlFormatter

from conceptsite.diagnostics import BROKEN_LINK, NO_NOTE
from conceptsite.markdown import blocks, math, speedups
from conceptsite.markdown.callouts import CalloutPass
from conceptsite.markdown.embeds import EmbedPattern, anchor_of, broken
from conceptsite.markdown.obsidian import Highlight, InlineTag, ObsidianExtension, Strike
from conceptsite.markdown.deadline import TimeUp, within
from conceptsite.markdown.runaway import find_runaways
from conceptsite.markdown.words import word_counts
from conceptsite.urls import beside_file, link_target, relative_url


_InlineMath = math.InlineMath  # the name tests/test_speedups_markdown_inline.py reads its pattern by


class Resolver(Protocol):
    """Finds wikilink targets: (site-relative url, title), or None with a did-you-mean hint."""

    def resolve(self, name: str) -> tuple[str, str] | None: ...

    def hint(self, name: str) -> str: ...

SAFE_SCHEMES = ("http", "https", "mailto")
# A last resort only: pages with the shapes that make Python-Markdown run away are refused by counting
# before it runs (runaway.py), the same on every machine. This stops what the counting does not know,
# and is generous so that no page the counting lets through meets it on a slow or busy machine.
TIME_LIMIT = 120.0


@dataclass(frozen=True)
class Problem:
    """Something wrong in a body; `needle` is text to locate it in the source."""

    severity: str
    message: str
    needle: str


@dataclass(frozen=True)
class Body:
    """A rendered body and what the graph and link checker need from it."""

    html: str
    toc: str
    ids: frozenset[str]  # every id in the body, for #anchor checks
    links: tuple[str, ...]  # internal link targets as written, e.g. '/concepts/relu/#x'
    wikilinks: tuple[str, ...]  # resolved site-relative URLs
    problems: tuple[Problem, ...]
    words: str = ""  # words.word_counts of the html
    sources: tuple[tuple[str, str], ...] = ()  # (link, its source text) for links not written as links: [[x#h]]
    embeds: tuple[tuple[str, str, str], ...] = ()  # (url, heading or ^block, source text) of each ![[note]]


@dataclass
class _State:
    """Per-page scratch space shared by this module's Markdown extensions."""

    resolver: Resolver
    page_url: str = ""
    folder: str = ""  # the source file's folder under content/, which files beside it are relative to
    links: list = field(default_factory=list)
    wikilinks: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    sources: list = field(default_factory=list)
    embeds: list = field(default_factory=list)


class Markup:
    """One reusable Markdown converter; reuse is ~20% faster than a new one per page."""

    def __init__(self, resolver: Resolver, allow_html: bool = False):
        self.state = _State(resolver)
        self.allow_html = allow_html
        self.md = self._markdown()

    def _warn(self, message: str, needle: str) -> None:
        """Record a warning about the page being converted."""
        self.state.problems.append(Problem("warning", message, needle))

    def _markdown(self) -> markdown.Markdown:
        md = markdown.Markdown(
            extensions=[*blocks.extensions(self._warn), "codehilite", "tables", "footnotes", "toc",
                        _ConceptExtension(self.state, self._warn), ObsidianExtension(self.state, self._warn)],
            extension_configs={
                "codehilite": {"css_class": "highlight", "guess_lang": False, "pygments_formatter": _formatter},
                "toc": {"permalink": "#", "permalink_class": "anchor", "slugify": slugify_unicode,
                        "permalink_title": "Link to this section", "toc_depth": "2-4"},
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
            },
            output_format="html",
        )
        if not self.allow_html:
            # Raw HTML is escaped by default: authors opt in with `allow_html: true` in site.yml.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        # What every match of ours holds
        speedups.install(md, {"inline_math": _InlineMath.NEEDS, "wikilink": ("[[",), "embed": ("![[",),
                              "highlight": Highlight.NEEDS, "strike": Strike.NEEDS, "inline_tag": InlineTag.NEEDS})
        self.toc_pass = md.treeprocessors["toc"]
        self.toc_marker = self.toc_pass.marker  # the text a paragraph must be to become the table of contents
        return md

    def convert(self, text: str, page_url: str, folder: str | None = None) -> Body:
        """Render one page body that will be published at page_url, from a file in folder (by default, the
        folder of the page's URL)."""
        state = self.state
        state.page_url = page_url
        state.folder = page_url.rstrip("/") if folder is None else folder
        state.links, state.wikilinks, state.problems, state.ids, state.sources = [], [], [], set(), []
        state.embeds = []
        self.md.reset()
        # A '[TOC]' paragraph can only come from those very characters in the source (escaped or
        # entity-written brackets are still placeholders when the toc pass looks), so most pages
        # skip the pass's walk over the whole document looking for one.
        self.toc_pass.marker = self.toc_marker if self.toc_marker and self.toc_marker in text else ""
        runaways = find_runaways(text)
        if runaways:
            return Body("", "", frozenset(), (), (), tuple(Problem("error", r.message, r.needle) for r in runaways))
        try:
            html = within(TIME_LIMIT, self.md.convert, text)
        except TimeUp:
            self.md = self._markdown()  # the interrupted converter may be left half-way; start afresh
            message = (f"Markdown gave up on this page after {TIME_LIMIT:g} s, on syntax that the checks for "
                       "runaway shapes do not know; split the page to find the part it is stuck on, and report it")
            return Body("", "", frozenset(), (), (), (Problem("error", message, ""),))
        toc = self.md.toc if len(self.md.toc_tokens) and _count(self.md.toc_tokens) >= 2 else ""
        return Body(html, toc, frozenset(state.ids), tuple(state.links),
                    tuple(state.wikilinks), tuple(state.problems), word_counts(html), tuple(state.sources),
                    tuple(state.embeds))


def _formatter(lang_str: str = "", **options) -> HtmlFormatter:
    """Pygments' HTML formatter for these options, made once: making one builds its whole style table
    (~0.5 ms, about a tenth of a typical page's Markdown time), and formatting leaves it unchanged."""
    key = repr(sorted(options.items()))
    found = _FORMATTERS.get(key)
    if found is None:
        found = _FORMATTERS[key] = HtmlFormatter(**options)
    return found


_FORMATTERS: dict[str, HtmlFormatter] = {}


def _count(tokens) -> int:
    return sum(1 + _count(t["children"]) for t in tokens)


class _ConceptExtension(Extension):
    def __init__(self, state: _State, warn):
        super().__init__()
        self.state, self.warn = state, warn  # warn(message, needle): Markup._warn

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        math.register(md, self.warn)
        md.inlinePatterns.register(_WikiLink(md, self.state), "wikilink", 175)
        md.inlinePatterns.register(EmbedPattern(md, self.state, self.warn), "embed", 176)  # before '[[' is a wikilink
        md.treeprocessors.register(CalloutPass(md), "callouts", 15)  # after the inline pass (20): titles hold markup
        md.treeprocessors.register(_LinkPass(md, self.state), "concept_links", 1)


_NOTE_FILE = re.compile(r"[^?#]*\.md(?:#|$)", re.IGNORECASE)  # a link to a note's file, not to a page
_ESCAPE = re.compile(f"{util.STX}([0-9]+){util.ETX}")  # what a backslash escape leaves until the end


class _WikiLink(InlineProcessor):
    """`[[target]]` or `[[target|label]]`, resolved by slug, title or alias; `[[target#Heading]]`,
    `[[target#^block]]` and `[[#Heading]]` (this page) link to an anchor, which the link checker checks."""

    PATTERN = r"\[\[([^\[\]\|\n]+)(?:\|([^\[\]\n]+))?\]\]"  # no '[' inside: linear on '[[[['

    def __init__(self, md, state):
        super().__init__(self.PATTERN, md)
        self.state = state

    def handleMatch(self, m, data):  # noqa: N802
        # Backslash escapes are stashed before this pattern runs: their characters come back here, and in a
        # table '\\|' separates the label as '|' does elsewhere (Obsidian writes [[note\\|label]] there).
        escaped = lambda p: chr(int(p.group(1)))  # noqa: E731 - an escape's stash holds its character's code
        target, _, label = _ESCAPE.sub(escaped, self.unescape(m.group(0)))[2:-2].partition("|")
        target, part, label = target.strip(), "", label.strip()
        if "#" in target and self.state.resolver.resolve(target) is None:  # a title may hold '#' ('C# notes')
            target, _, part = (text.strip() for text in target.partition("#"))
        written = util.INLINE_PLACEHOLDER_RE.sub(lambda p: "\\" + _ESCAPE.sub(escaped, self.unescape(p.group())),
                                                 m.group(0))
        found = self.state.resolver.resolve(target) if target else (self.state.page_url, "")
        if found is None:
            # A dangling link is a warning (--strict fails on it): notes link ahead to notes not written yet.
            hint = self.state.resolver.hint(target)
            self.state.problems.append(Problem("warning", f"{NO_NOTE} '{target}'{hint}", written))
            return broken(label or target, f"{NO_NOTE} '{target}' yet"), m.start(0), m.end(0)
        url, shown = found
        if target:
            self.state.wikilinks.append(url)
        href = relative_url(self.state.page_url, url) if target else ""
        if part:
            anchor = anchor_of(part)
            link = f"/{url}#{anchor}" if target else f"#{anchor}"
            self.state.links.append(link)
            self.state.sources.append((link, written))
            href += f"#{anchor}"
        el = etree.Element("a", {"class": "wikilink", "href": href})
        el.text = label or (f"{shown} > {part}" if shown and part else shown or part)
        return el, m.start(0), m.end(0)


class _LinkPass(Treeprocessor):
    """Collect ids and internal links, make site-absolute links relative, defuse unsafe schemes."""

    def __init__(self, md, state):
        super().__init__(md)
        self.state = state

    def run(self, root):
        ids = self.state.ids
        for el in root.iter():
            attrib = el.attrib
            if not attrib:  # most elements: nothing to note or check
                continue
            if "id" in attrib:
                ids.add(attrib["id"])
            for attr in ("href", "src"):
                if attr in attrib and "wikilink" not in attrib.get("class", ""):
                    self._check(el, attr)

    def _check(self, el, attr: str) -> None:
        # A backslash escape in an address ('/bar\\*') is still its stash marker here: the character itself.
        value = el.attrib[attr] = _ESCAPE.sub(lambda p: chr(int(p.group(1))), el.attrib[attr])
        scheme = re.match(r"([a-z][a-z0-9+.\-]*):", re.sub(r"[\x00-\x20]", "", value).lower())
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            del el.attrib[attr]
            el.set("class", "unsafe-link")
            self.state.problems.append(Problem("warning", f"removed link with unsafe scheme '{scheme.group(1)}:'; "
                                                          "links may use http:, https:, mailto: or a site path", value))
        elif not scheme and not value.startswith("//") and _NOTE_FILE.match(value):
            self._note_link(el, attr, value)
        elif not scheme and not value.startswith("//"):
            self.state.links.append(value)
            if value.startswith("/"):
                el.attrib[attr] = relative_url(self.state.page_url, value[1:])
            elif beside_file(value):  # 'pic.png', 'img/pic.png': beside the note's file, wherever its page is
                cut = min((i for i in (value.find("#"), value.find("?")) if i >= 0), default=len(value))
                target = link_target(self.state.page_url, self.state.folder, value[:cut])
                el.attrib[attr] = relative_url(self.state.page_url, target) + value[cut:]

    def _note_link(self, el, attr: str, value: str) -> None:
        """A link to a note's file ('Other%20Note.md', '../dir/note.md#part'), from the note's own folder (or
        the content folder, with a leading '/'): it leads to that note's page."""
        path, _, part = value.partition("#")
        name = posixpath.normpath(posixpath.join("/" + self.state.folder, unquote(path)))[1:-3]
        found = self.state.resolver.resolve(name)
        if found is None:
            self.state.problems.append(Problem("warning", f"{BROKEN_LINK} '{value}': no note at {name}.md", value))
            return
        self.state.wikilinks.append(found[0])
        el.attrib[attr] = relative_url(self.state.page_url, found[0]) + (f"#{part}" if part else "")
        if part:
            self.state.links.append(f"/{found[0]}#{part}")
            self.state.sources.append((f"/{found[0]}#{part}", value))
