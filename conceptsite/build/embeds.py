"""The embed stage (issue 25): each `![[note]]` slot a body left is filled with the text it names (the whole
note, the section under a heading, or one block), embeds inside that text too, once every body is made.
An embed cycle is an error naming every embed on it, by file and line."""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace


from conceptsite.diagnostics import Report
from conceptsite.graph.links import locate
from conceptsite.markdown.convert import Body
from conceptsite.markdown.embeds import anchor_of
from conceptsite.markdown.words import word_counts
from conceptsite.urls import relative_url

_SLOT = re.compile(r'<span data-embed="(\d+)"></span>')
_ADDRESS = re.compile(r'\b(href|src)="([^"]*)"')
_ANCHOR = re.compile(r'<a class="anchor" href="#[^"]*"[^>]*>#</a>')  # a heading's own permalink
_ID = re.compile(r' id="[^"]*"')
_HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]*)"')


def fill_embeds(pages, bodies: dict[str, Body], report: Report) -> dict[str, Body]:
    """Every body with its embeds filled in; bodies without embeds are returned as they were."""
    filler = _Filler({page.url: page for page in pages}, bodies, report)
    for url in filler.order():
        filler.fill(url)
    return {url: filler.done.get(url, body) for url, body in bodies.items()}


class _Filler:
    """Fills slots in an order where every embedded body is filled before the bodies embedding it; a chain
    of embeds may be as long as the vault, so the order is found with a stack, not by recursion."""

    def __init__(self, pages: dict, bodies: dict[str, Body], report: Report):
        self.pages, self.bodies, self.report, self.done = pages, bodies, report, {}

    def order(self) -> list[str]:
        """The pages with embeds, each after every page it embeds; each cycle reported once, left unfilled."""
        state, order = {}, []  # url -> "open" while its embeds are walked, "done" after
        for root in (url for url, body in self.bodies.items() if body.embeds):
            if root in state:
                continue
            state[root], stack = "open", [(root, iter(self.bodies[root].embeds))]
            while stack:
                url, embeds = stack[-1]
                target, _, written = next(embeds, (None, "", ""))
                if target is None:
                    stack.pop()
                    state[url] = "done"
                    order.append(url)
                elif state.get(target) == "open":
                    trail = [(frame_url, None) for frame_url, _ in stack]
                    self._cycle(_written(trail, self.bodies, written), target)
                elif target not in state and target in self.bodies:
                    state[target] = "open"
                    stack.append((target, iter(self.bodies[target].embeds)))
        return order

    def fill(self, url: str) -> None:
        """Fill one body's slots from bodies already filled; its search words gain the embedded text's."""
        body, parts, at, shown = self.bodies[url], [], 0, []
        html = body.html
        for m in _SLOT.finditer(html):  # a literal start: the scan skips to each slot
            alone = html.endswith("<p>", 0, m.start()) and html.startswith("</p>", m.end())
            start, end = (m.start() - 3, m.end() + 4) if alone else (m.start(), m.end())
            embed, text = self._slot(url, body, int(m.group(1)))
            inside = not alone and html.rfind("<p>", 0, start) > html.rfind("</p>", 0, start)
            parts += [html[at:start], f"</p>{embed}<p>" if inside else embed]
            shown.append(text)
            at = end
        html = ("".join(parts) + html[at:]).replace("<p></p>", "")
        # The embedded text's counts follow the body's own: words.from_lines adds up a word written twice.
        self.done[url] = replace(body, html=html, words=body.words + "".join(map(word_counts, shown)))

    def _slot(self, url: str, body: Body, number: int) -> tuple[str, str]:
        """The HTML an embed shows: the text it names, wrapped with a link to where it comes from (nothing
        on a cycle, which is reported)."""
        target, part, _ = body.embeds[number]
        if target in self.bodies and self.bodies[target].embeds and target not in self.done:
            return "", ""  # on a cycle
        inner = self.done[target].html if target in self.done else self.bodies[target].html if target in self.bodies else ""
        page = self.pages.get(target)
        title = (page.title if page else target) + (f" > {part}" if part and part[0] != "^" else "")  # a block: its note
        text = _moved(_part(inner, part), target, url)
        source = relative_url(url, target) + (f"#{anchor_of(part)}" if part else "")
        return (f'<div class="embed"><div class="embed-content">{text}</div>'
                f'<p class="embed-source"><a href="{source}">{_escape(title)}</a></p></div>'), text

    def _cycle(self, trail: tuple, target: str) -> None:
        """Report a cycle once, at its first embed: every embed on it, where it is written."""
        start = next(i for i, (seen, _) in enumerate(trail) if seen == target)
        places = [f"{self.pages[seen].source.shown}:{locate(self.pages[seen], written)[0]}" for seen, written in trail[start:]]
        first = self.pages[trail[start][0]]
        self.report.error(first.source.shown, *locate(first, trail[start][1]),
                          f"embed cycle: {' -> '.join(places)} -> back to the first; remove one of these embeds")


def _written(trail: list, bodies: dict, last: str) -> list:
    """A cycle's trail with how each page writes its embed of the next one."""
    out = []
    for (url, _), (following, _) in zip(trail, trail[1:] + [(None, None)]):
        written = last if following is None else next(w for t, _, w in bodies[url].embeds if t == following)
        out.append((url, written))
    return out


def _part(html: str, part: str) -> str:
    """The whole body, the section under a heading (to the next heading of its level or above), or one block."""
    if not part:
        return html
    anchor = anchor_of(part)
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
