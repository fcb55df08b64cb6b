"""The search index readers download on first use: page fields plus each page's key body terms.

Shipping whole bodies would cost ~15 MB compressed at 10,000 concepts; keeping the most
distinctive terms of each body (by tf-idf) keeps body hits useful at a fraction of that."""
from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markup computes word counts with this module, so it cannot be imported here
    from .graph import Graph
    from .markup import Body

TERMS_PER_PAGE = 40
_TAG = re.compile(r"<(math|pre|code)\b.*?</\1>|<[^>]+>", re.S)
_WORD = re.compile(r"[^\W\d_][\w'-]{2,}", re.U)
_STOP = frozenset("""the and for with that this from are was were which when where what into than then
them they their there these those have has had not but can its our out you your about over under only
also more most such each other some any all one two may might will would should could been being does
did doing done how why who whom very just like use used uses using between through because while""".split())


def plain_words(html: str) -> list[str]:
    """Lower-cased words of a body, without markup, code or math."""
    text = _TAG.sub(" ", html)
    return [w.strip("'-").lower() for w in _WORD.findall(text) if w.lower() not in _STOP]


def word_counts(html: str) -> str:
    """A body's words and how often each occurs, one 'word count' per line.

    Worked out once per body in the Markdown stage (in parallel, and cached with the body), so an
    edit re-ranks terms without re-reading every other body; a string pickles and loads fast."""
    return "\n".join(f"{word} {n}" for word, n in Counter(plain_words(html)).items())


def _counts(words: str) -> dict[str, int]:
    return {word: int(n) for word, _, n in (line.partition(" ") for line in words.split("\n")) if word}


def search_index(graph: Graph, bodies: dict[str, Body]) -> bytes:
    """JSON with a row per page and a term -> page-number map of each page's key body terms."""
    return SearchTerms.of(graph, bodies).to_json(graph)


class SearchTerms:
    """Each searchable page's key terms, ranked by tf-idf over all of them; updatable page by page.

    The watch server keeps one across rebuilds, so a body edit re-ranks only the pages holding a
    word whose document frequency the edit changed, instead of every page."""

    def __init__(self, words: dict[str, str]):
        self.words = words  # url -> Body.words, in index order
        self.frequency = Counter(term for w in words.values() for term in _counts(w))
        self.top = {url: self._rank(w) for url, w in words.items()}

    @classmethod
    def of(cls, graph: Graph, bodies: dict[str, Body]) -> SearchTerms:
        """The terms of every page the search lists (every page but untitled 'page' kinds)."""
        return cls({u: bodies[u].words for u, p in graph.pages.items() if p.kind != "page" or p.summary})

    def replaced(self, url: str, words: str) -> SearchTerms:
        """A copy with one page's body words replaced; this one is left as it was."""
        if url not in self.words:
            return self  # a page the search does not list
        new = object.__new__(SearchTerms)
        new.words, new.frequency, new.top = {**self.words, url: words}, Counter(self.frequency), dict(self.top)
        before, after = _counts(self.words[url]).keys(), _counts(words).keys()
        new.frequency.subtract(before - after)
        new.frequency.update(after - before)
        moved = before ^ after
        for other, w in new.words.items():
            if other == url or any(_holds(w, term) for term in moved):
                new.top[other] = new._rank(w)
        return new

    def _rank(self, words: str) -> list[str]:
        total = len(self.words) or 1
        scored = [(-n * math.log(1 + total / self.frequency[t]), t) for t, n in _counts(words).items()]
        return [sys.intern(t) for _, t in sorted(scored)[:TERMS_PER_PAGE]]

    def to_json(self, graph: Graph) -> bytes:
        """The index readers download: a row per page and term -> page numbers."""
        terms: dict[str, list[int]] = {}
        for number, url in enumerate(self.words):
            for term in self.top[url]:
                terms.setdefault(term, []).append(number)
        pages = [_row(graph.pages[u]) for u in self.words]
        index = {"v": 1, "pages": pages, "terms": dict(sorted(terms.items()))}
        return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _holds(words: str, term: str) -> bool:
    return words.startswith(term + " ") or f"\n{term} " in words


def _row(page) -> dict:
    return {"t": page.title, "u": page.url, "s": page.summary, "g": list(page.tags), "k": page.kind}
