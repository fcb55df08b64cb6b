"""The search index readers download on first use: page fields plus each page's key body terms.

Shipping whole bodies would cost ~15 MB compressed at 10,000 concepts; keeping the most
distinctive terms of each body (by tf-idf) keeps body hits useful at a fraction of that."""
from __future__ import annotations

import bisect
import copy
import json
import math
import sys
from collections import Counter

from conceptsite.markdown.convert import Body
from conceptsite.markdown.words import from_lines

TERMS_PER_PAGE = 40
MAX_REPLACED = 50  # beyond this many changed bodies, ranking every page afresh is quicker


class SearchTerms:
    """Each searchable page's key terms, ranked by tf-idf over all of them; updatable page by page.

    The watch server keeps one across rebuilds, and the build cache keeps the last build's, so a
    body edit re-ranks only the pages holding a word whose document frequency the edit changed,
    instead of every page."""

    def __init__(self, words: dict[str, str], rows: str):
        self.words = words  # url -> Body.words, in index order
        self.rows = rows  # the pages' rows as JSON: they read page fields only
        self.number = {url: n for n, url in enumerate(words)}
        counts = [from_lines(w) for w in words.values()]
        self.frequency = Counter()
        for found in counts:
            self.frequency.update(found.keys())
        weight = self._weights()
        self.top = {url: _top(found, weight) for url, found in zip(words, counts)}
        self.postings: dict[str, list[int]] = {}  # term -> numbers of the pages it is a key term of, ascending
        for number, url in enumerate(words):
            for term in self.top[url]:
                self.postings.setdefault(term, []).append(number)
        # Each term's part of the JSON, so an edit re-encodes only the terms it moved.
        self.fragments = {term: _fragment(term, numbers) for term, numbers in self.postings.items()}
        self.order = sorted(self.fragments)

    @classmethod
    def of(cls, pages: dict, bodies: dict[str, Body], previous: SearchTerms | None = None) -> SearchTerms:
        """The terms of every page the search lists (every page but untitled 'page' kinds); pages:
        url -> Page, in the graph's order (Graph.pages).

        With the last build's terms (from the cache) over the same pages, only the bodies that
        changed are replaced, when they are few; fields (the rows) never move a term's rank."""
        urls = [u for u, p in pages.items() if p.kind != "page" or p.summary]
        rows = _rows_json([_row(pages[u]) for u in urls])
        if previous is not None and list(previous.words) == urls:
            if previous.rows != rows:
                previous = copy.copy(previous)
                previous.rows = rows
            changed = [u for u in urls if bodies[u].words != previous.words[u]]
            if len(changed) <= MAX_REPLACED:
                for url in changed:
                    previous = previous.replaced(url, bodies[url].words)
                return previous
        return cls({u: bodies[u].words for u in urls}, rows)

    def replaced(self, url: str, words: str) -> SearchTerms:
        """A copy with one page's body words replaced (its fields unchanged); this one is left as it was."""
        if url not in self.words:
            return self  # a page the search does not list
        new = copy.copy(self)
        new.words, new.frequency, new.top = {**self.words, url: words}, Counter(self.frequency), dict(self.top)
        new.postings, new.fragments = dict(self.postings), dict(self.fragments)
        before, after = from_lines(self.words[url]).keys(), from_lines(words).keys()
        new.frequency.subtract(before - after)
        new.frequency.update(after - before)
        # Only pages holding a word whose frequency moved can rank differently; each line starts with '\n'.
        needles = [f"\n{term} " for term in before ^ after]
        for other in {url} | {u for needle in needles for u, w in new.words.items() if needle in w}:
            new._rerank(other)
        return new

    def with_rows(self, pages: list) -> SearchTerms:
        """A copy with some pages' rows made again from their fields (which never move a term's rank)."""
        listed = [page for page in pages if page.url in self.number]
        if not listed:
            return self
        rows = json.loads(self.rows)
        for page in listed:
            rows[self.number[page.url]] = _row(page)
        new = copy.copy(self)
        new.rows = _rows_json(rows)
        return new

    def _rerank(self, url: str) -> None:
        old, top = set(self.top[url]), self._rank(self.words[url])
        self.top[url], number = top, self.number[url]
        for term in old.symmetric_difference(top):
            numbers = [n for n in self.postings.get(term, ()) if n != number]
            if term not in old:
                bisect.insort(numbers, number)
            if term not in self.postings:
                self.order = list(self.order)
                bisect.insort(self.order, term)
            if numbers:
                self.postings[term], self.fragments[term] = numbers, _fragment(term, numbers)
            else:
                del self.postings[term], self.fragments[term]
                self.order = list(self.order)
                del self.order[bisect.bisect_left(self.order, term)]

    def _rank(self, words: str) -> list[str]:
        counts = from_lines(words)
        return _top(counts, self._weights(counts))

    def _weights(self, terms=None) -> dict[str, float]:
        """The inverse document frequency of these terms (of every term: worked out once for all pages)."""
        total = len(self.words) or 1
        return {term: math.log(1 + total / self.frequency[term]) for term in (self.frequency if terms is None else terms)}

    def to_json(self) -> bytes:
        """The index readers download: {"v": 1, "pages": [row, ...], "terms": {term: [page number, ...]}}."""
        terms = ",".join(self.fragments[term] for term in self.order)
        return ('{"v":1,"pages":' + self.rows + ',"terms":{' + terms + "}}").encode("utf-8")


def _top(counts: dict[str, int], weight: dict[str, float]) -> list[str]:
    """A body's key terms: the highest tf-idf first, ties A-Z."""
    scored = [(-n * weight[t], t) for t, n in counts.items()]
    return [sys.intern(t) for _, t in sorted(scored)[:TERMS_PER_PAGE]]


def _fragment(term: str, numbers: list[int]) -> str:
    return json.dumps(term, ensure_ascii=False) + ":[" + ",".join(map(str, numbers)) + "]"


def _rows_json(rows: list) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _row(page) -> dict:
    return {"t": page.title, "u": page.url, "s": page.summary, "g": list(page.tags), "k": page.kind}
