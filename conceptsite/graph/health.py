"""Graph health for authors: orphans, one-way `related`, unlinked mentions, missing definitions, link counts."""
from __future__ import annotations

import re
from dataclasses import dataclass

from conceptsite.diagnostics import about_dangling_link
from conceptsite.graph.model import Graph
from conceptsite.source.page import Page
from conceptsite.source.summary import derive_summary

TOP = 5  # how many most- and least-linked concepts the report lists
MIN_NAME = 3  # names shorter than this ("AI") match too much prose to be worth reporting

# Spans where a concept's name is not a mention a reader could follow: code, math, links, HTML.
# One alternation, scanned once per body; earlier alternatives win where spans overlap.
_SKIP = re.compile(
    r"^[ \t]*(`{3,}|~{3,}).*?(?:^[ \t]*\1[ \t]*$|\Z)"  # fenced code
    r"|\$\$.*?\$\$"  # display math
    r"|(`+).+?\2"  # inline code
    r"|(?<![\\$\w])\$(?=\S)[^$\n]+?\$"  # inline math
    r"|\[\[[^\]\n]*\]\]"  # wikilinks
    r"|!?\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])"  # inline and reference links, images
    r"|^[ \t]*\[[^\]\n]+\]:.*$"  # link definitions
    r"|<[^>\n]+>",  # raw HTML and autolinks
    re.M | re.S,
)
_WORD = re.compile(r"[^\W_]+")
_GAP = re.compile(r"[ \t\-]*\n?[ \t\-]*")  # words of a name may be split by spaces, hyphens or one line break
_END = object()  # trie key marking a complete name


@dataclass(frozen=True)
class Finding:
    """One thing an author may want to fix, at a place in a file."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Health:
    """The whole report; every list is sorted, so the output is the same on every run."""

    concepts: int
    edges: int
    orphans: tuple[Finding, ...]
    one_way: tuple[Finding, ...]
    mentions: tuple[Finding, ...]
    missing: tuple[Finding, ...]
    dangling: tuple[Finding, ...]  # links that lead nowhere: the build's warnings about them
    most_linked: tuple[tuple[int, str, str], ...]  # (links in, title, path)
    least_linked: tuple[tuple[int, str, str], ...]


def analyze(graph: Graph, warnings=()) -> Health:
    """Compute every finding from a built graph, and the build's warnings about links that lead nowhere."""
    concepts = [graph.pages[url] for url in graph.concepts]
    counts = sorted((len(graph.backlinks.get(p.url, ())), p.title.casefold(), p.title, p.source.shown) for p in concepts)
    most = sorted(counts, key=lambda c: (-c[0], c[1], c[3]))[:TOP]
    return Health(
        concepts=len(concepts),
        edges=len(graph.edges),
        orphans=tuple(sorted(_orphans(graph, concepts), key=_order)),
        one_way=tuple(sorted(_one_way(graph, concepts), key=_order)),
        mentions=tuple(sorted(unlinked_mentions(graph), key=_order)),
        missing=tuple(sorted(_missing(concepts), key=_order)),
        dangling=tuple(sorted({Finding(d.path, d.line, d.col, d.message) for d in warnings if about_dangling_link(d)},
                              key=_order)),
        most_linked=tuple((n, title, path) for n, _, title, path in most),
        least_linked=tuple((n, title, path) for n, _, title, path in counts[:TOP]),
    )


def _order(finding: Finding) -> tuple:
    return finding.path, finding.line, finding.col, finding.message


def _orphans(graph: Graph, concepts: list[Page]):
    for page in concepts:
        if not graph.outgoing.get(page.url) and not graph.backlinks.get(page.url):
            yield Finding(page.source.shown, 1, 1, f"orphan: {page.title} links nowhere and nothing links to it")


def _one_way(graph: Graph, concepts: list[Page]):
    for page in concepts:
        for target in graph.targets(page.url, "related"):
            if page.url not in graph.targets(target, "related"):
                other = graph.pages[target]
                line, col = graph.positions.get((page.url, target, "related"), (1, 1))
                yield Finding(page.source.shown, line, col,
                              f"one-way related: {page.slug} lists {other.slug}, but {other.slug} does not list {page.slug}")


def _missing(concepts: list[Page]):
    for page in concepts:
        # A summary equal to the body's first sentence was derived, not written (parse falls back to it).
        lacks = [name for name, absent in (("definition", not page.definition),
                                           ("summary", not page.summary or page.summary == derive_summary(page.body)))
                 if absent]
        if lacks:
            yield Finding(page.source.shown, 1, 1, f"no {' or '.join(lacks)} in the front matter")


def unlinked_mentions(graph: Graph):
    """Every page's first unlinked mention of each other concept's title or alias, in one pass per body."""
    names = _trie(graph)
    for page in graph.pages.values():
        linked = set(graph.targets(page.url, "link"))
        yield from _mentions(page, names, linked)


def _trie(graph: Graph) -> dict:
    """Concept names as a trie of words; a body is then scanned once, whatever the number of concepts."""
    root: dict = {}
    for url in graph.concepts:
        page = graph.pages[url]
        for name in (page.title, *(ref.target.replace("-", " ") for ref in page.aliases)):
            words = _WORD.findall(name.casefold())
            if not words or len(name) < MIN_NAME:
                continue
            node = root
            for word in words:
                node = node.setdefault(word, {})
            node.setdefault(_END, (url, page.title, page.slug))  # the first concept to claim a name keeps it
    return root


def _mentions(page: Page, names: dict, linked: set):
    text = _SKIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), page.body)
    words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
    seen = {page.url} | linked
    i = 0
    while i < len(words):
        found, length = _longest(names, words, i, text)
        if found is None:
            i += 1
            continue
        url, title, slug = found
        if url not in seen:
            seen.add(url)
            start, end = words[i][0], words[i + length - 1][1]
            line, col = page.place(start)  # (text keeps the body's offsets)
            yield Finding(page.source.shown, line, col,
                          f"mentions {title} without a link: '{page.body[start:end]}'; write [[{slug}]]")
        i += length


def _longest(names: dict, words: list, i: int, text: str) -> tuple:
    """The longest name starting at word i, and how many words it spans."""
    node, best, j = names, (None, 0), i
    while j < len(words) and words[j][2] in node:
        if j > i and not _GAP.fullmatch(text, words[j - 1][1], words[j][0]):
            break
        node = node[words[j][2]]
        j += 1
        if _END in node:
            best = (node[_END], j - i)
    return best


def format_report(health: Health) -> str:
    """The report as plain text, one finding per line as path:line:col."""
    out = [f"graph health: {health.concepts} concepts, {health.edges} edges"]
    for title, findings in (("orphans (no links in or out)", health.orphans),
                            ("related declared one way only", health.one_way),
                            ("unlinked mentions", health.mentions),
                            ("concepts without a definition or summary", health.missing),
                            ("links to no note, page or heading", health.dangling)):
        out.append(f"{title}: {len(findings)}")
        out.extend(f"  {finding}" for finding in findings)
    for title, rows in (("most linked", health.most_linked), ("least linked", health.least_linked)):
        out.append(f"{title}:")
        width = max((len(str(n)) for n, _, _ in rows), default=1)
        out.extend(f"  {n:>{width}} in  {name}  ({path})" for n, name, path in rows)
    return "\n".join(out) + "\n"
