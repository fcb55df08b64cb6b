"""The embed stage (issue 25): each `![[note]]` slot a body left is filled with the text it names (the whole
note, the section under a heading, or one block), embeds inside that text too, once every body is made.
An embed cycle is an error naming every embed on it, by file and line."""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from markdown.extensions.toc import slugify_unicode

from conceptsite.diagnostics import Report
from conceptsite.graph.links import locate
from conceptsite.markdown.convert import Body
from conceptsite.markdown.words import word_counts
from conceptsite.urls import relative_url

_SLOT = re.compile(r'(<p>)?<span data-embed="(\d+)"></span>(</p>)?')
_ADDRESS = re.compile(r'\b(href|src)="([^"]*)"')
_ANCHOR = re.compile(r'<a class="anchor" href="#[^"]*"[^>]*>#</a>')  # a heading's own permalink
_ID = re.compile(r' id="[^"]*"')
_HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]*)"')


def fill_embeds(pages, bodies: dict[str, Body], report: Report) -> dict[str, Body]:
    """Every body with its embeds filled in; bodies without embeds are returned as they were."""
    filler = _Filler({page.url: page for page in pages}, bodies, report)
    return {url: filler.filled(url, ()) if body.embeds else body for url, body in bodies.items()}


class _Filler:
    """Fills slots depth first, each body once; the trail of embeds being filled finds cycles."""

    def __init__(self, pages: dict, bodies: dict[str, Body], report: Report):
        self.pages, self.bodies, self.report, self.done = pages, bodies, report, {}

    def filled(self, url: str, trail: tuple) -> Body:
        """The body at url with its slots filled (as it is, on a cycle, which is reported once)."""
        if url in self.done:
            return self.done[url]
        body = self.bodies[url]
        html = _SLOT.sub(lambda m: self._placed(m, url, body, trail), body.html).replace("<p></p>", "")
        self.done[url] = replace(body, html=html, words=word_counts(html))
        return self.done[url]

    def _placed(self, m: re.Match, url: str, body: Body, trail: tuple) -> str:
        """An embed where its slot is: a block of its own; inside a paragraph, the paragraph is closed
        around it (a block may not sit in a <p>)."""
        embed = self._slot(url, body, int(m.group(2)), trail)
        if m.group(1) and m.group(3):
            return embed
        html, at = body.html, m.start()
        inside = html.rfind("<p>", 0, at) > html.rfind("</p>", 0, at)
        return f"{m.group(1) or ''}{'</p>' if inside else ''}{embed}{'<p>' if inside else ''}{m.group(3) or ''}"

    def _slot(self, url: str, body: Body, number: int, trail: tuple) -> str:
        """The HTML an embed shows: the text it names, wrapped with a link to where it comes from."""
        target, part, written = body.embeds[number]
        step = (url, written)
        if any(seen == target for seen, _ in trail + (step,)):
            self._cycle(trail + (step,), target)
            return ""
        inner = self.filled(target, trail + (step,)).html if target in self.bodies else ""
        page = self.pages.get(target)
        title = (page.title if page else target) + (f" > {part.lstrip('^')}" if part else "")
        text = _moved(_part(inner, part), target, url)
        source = relative_url(url, target) + (f"#{_anchor(part)}" if part else "")
        return (f'<div class="embed"><div class="embed-content">{text}</div>'
                f'<p class="embed-source"><a href="{source}">{_escape(title)}</a></p></div>')

    def _cycle(self, trail: tuple, target: str) -> None:
        """Report a cycle once, at its first embed: every embed on it, where it is written."""
        start = next(i for i, (seen, _) in enumerate(trail) if seen == target)
        places = [f"{self.pages[seen].source.shown}:{locate(self.pages[seen], written)[0]}" for seen, written in trail[start:]]
        first = self.pages[trail[start][0]]
        self.report.error(first.source.shown, *locate(first, trail[start][1]),
                          f"embed cycle: {' -> '.join(places)} -> back to the first; remove one of these embeds")


def _anchor(part: str) -> str:
    """The id a heading or block part names."""
    return part[1:] if part.startswith("^") else slugify_unicode(part, "-")


def _part(html: str, part: str) -> str:
    """The whole body, the section under a heading (to the next heading of its level or above), or one block."""
    if not part:
        return html
    anchor = _anchor(part)
    if part.startswith("^"):
        found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(anchor)}"', html)
        return _element(html, found.start(), found.group(1)) if found else ""
    for heading in _HEADING.finditer(html):
        if heading.group(2) == anchor:
            level = int(heading.group(1))
            end = re.compile(rf"<h[1-{level}][ >]").search(html, heading.end())
            return html[heading.start():end.start() if end else len(html)]
    return ""


def _element(html: str, start: int, tag: str) -> str:
    """The element starting at start, to its own closing tag (same-named ones inside it counted)."""
    depth, token = 0, re.compile(rf"<(/?){tag}\b[^>]*>")
    for found in token.finditer(html, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return html[start:found.end()]
    return html[start:]


def _moved(html: str, source: str, page: str) -> str:
    """Embedded HTML as the embedding page shows it: its relative addresses made from that page, its anchors
    pointing back to the source page, and its ids and heading permalinks left out (the page has its own)."""
    base = source if source.endswith("/") else posixpath.dirname(source) + "/"

    def address(m: re.Match) -> str:
        value = m.group(2)
        if value.startswith("#"):
            return f'{m.group(1)}="{relative_url(page, source)}{value}"'
        if re.match(r"[a-z][a-z0-9+.\-]*:|/", value):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(base, value)) + ("/" if value.endswith("/") else "")
        return f'{m.group(1)}="{relative_url(page, target.lstrip("/"))}"'
    return _ADDRESS.sub(address, _ID.sub("", _ANCHOR.sub("", html)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
