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
from conceptsite.parallel import map_chunks, worker_count
from conceptsite.urls import relative_url

_SLOT = re.compile(r'<span data-embed="(\d+)"></span>')
_ADDRESS = re.compile(r'\b(href|src)="([^"]*)"')
_ANCHOR = re.compile(r'<a class="anchor" href="#[^"]*"[^>]*>#</a>')  # a heading's own permalink
_ID = re.compile(r' id="[^"]*"')
_HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]*)"')


def fill_embeds(pages, bodies: dict[str, Body], report: Report, workers: int = 1) -> dict[str, Body]:
    """Every body with its embeds filled in; bodies without embeds are returned as they were. Many are
    filled across processes (parallel.worker_count)."""
    filler = _Filler({page.url: page for page in pages}, bodies, report)
    order = filler.order()
    filled = dict(bodies)
    for part in map_chunks(filler.fill_chunk, order, worker_count(workers, len(order))):
        filled.update((url, _filled(bodies[url], *fill)) for url, fill in part.items())  # as each share comes
    return filled


class _Filler:
    """Fills slots in an order where every embedded body is filled before the bodies embedding it; a chain
    of embeds may be as long as the vault, so the order is found with a stack, not by recursion."""

    def __init__(self, pages: dict, bodies: dict[str, Body], report: Report):
        self.pages, self.bodies, self.report = pages, bodies, report
        self.done: dict[str, list[str]] = {}  # url -> the embeds that fill its slots, once filled
        self.spliced: dict[str, str] = {}  # url -> its filled HTML, made the first time a part with a slot is asked
        self.place: dict[str, int] = {}  # url -> where order() put it

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
        self.place = {url: n for n, url in enumerate(order)}
        return order

    def fill_chunk(self, urls: list[str]) -> dict[str, tuple]:
        """What fills some pages of the order (_filled's arguments but the body: the embeds are a fraction of
        the page to send back), found after the bodies they need filled first: those whose embedded part
        holds an embed itself (a part without one reads the same unfilled)."""
        needed, stack = set(urls), list(urls)
        while stack:
            url = stack.pop()
            for target, part, _ in self.bodies[url].embeds:
                if target not in needed and self._before(target, url) and _SLOT.search(_part(self.bodies[target].html, part)):
                    needed.add(target)
                    stack.append(target)
        fills = {url: self.fill(url) for url in sorted(needed, key=self.place.__getitem__)}
        return {url: fills[url] for url in urls}

    def _before(self, target: str, url: str) -> bool:
        """Whether target has embeds and is filled before url (after it, url's embed of it is on a cycle)."""
        return target in self.place and self.place[target] < self.place[url]

    def fill(self, url: str) -> tuple[list[str], str]:
        """Fill one body's slots from bodies already filled; what filled them (_filled's arguments)."""
        body = self.bodies[url]
        slots = [self._slot(url, body, int(m.group(1))) for m in _SLOT.finditer(body.html)]
        # The embedded text's counts follow the body's own: words.from_lines adds up a word written twice.
        fill = [embed for embed, _ in slots], "".join(word_counts(text) for _, text in slots)
        self.done[url] = fill[0]
        return fill

    def _part_of(self, target: str, part: str) -> str:
        """The part of target an embed names, from target's filled body when that part holds a slot (a part
        without one reads the same unfilled, and most embedded parts have none: no splice is made for them)."""
        html = self.bodies[target].html if target in self.bodies else ""
        found = _part(html, part)
        if target in self.done and _SLOT.search(found):
            if target not in self.spliced:
                self.spliced[target] = _spliced(html, self.done[target])
            found = _part(self.spliced[target], part)
        return found

    def _slot(self, url: str, body: Body, number: int) -> tuple[str, str]:
        """The HTML an embed shows: the text it names, wrapped with a link to where it comes from (nothing
        on a cycle, which is reported)."""
        target, part, _ = body.embeds[number]
        if target in self.place and not self._before(target, url):
            return "", ""  # on a cycle
        page = self.pages.get(target)
        title = (page.title if page else target) + (f" > {part}" if part and part[0] != "^" else "")  # a block: its note
        text = _moved(self._part_of(target, part), target, url)
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


def _filled(body: Body, embeds: list[str], words: str) -> Body:
    """The body with its slots replaced by the embeds' HTML, in order, and the embedded text's words added."""
    return replace(body, html=_spliced(body.html, embeds), words=body.words + words)


def _spliced(html: str, embeds: list[str]) -> str:
    """The HTML with its slots replaced by the embeds' HTML, in order."""
    parts, at = [], 0
    for m, embed in zip(_SLOT.finditer(html), embeds):  # a literal start: the scan skips to each slot
        start, end = m.start(), m.end()
        # In a paragraph, the embed ends it and starts the rest anew; a side left empty goes.
        if html.rfind("<p>", 0, start) > html.rfind("</p>", 0, start):
            opened, closes = html.endswith("<p>", at, start), html.startswith("</p>", end)
            start, end = start - 3 * opened, end + 4 * closes
            embed = ("" if opened else "</p>") + embed + ("" if closes else "<p>")
        parts += [html[at:start], embed]
        at = end
    return "".join(parts) + html[at:]


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
