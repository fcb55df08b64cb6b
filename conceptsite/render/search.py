"""The search index readers download on first use: page fields plus each page's key body terms.

Shipping whole bodies would cost ~15 MB compressed at 10,000 concepts; keeping the most
distinctive terms of each body (by tf-idf) keeps body hits useful at a fraction of that."""
from __future__ import annotations

import bisect
import copy
import json
import math
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markup computes word counts with this module, so it cannot be imported here
    from conceptsite.markdown.convert import Body

TERMS_PER_PAGE = 40
MAX_REPLACED = 50  # beyond this many changed bodies, ranking every page afresh is quicker
_TAG = re.compile(r"<(math|pre|code)\b.*?</\1>|<[^>]+>", re.S)
_WORD = re.compile(r"[^\W\d_][\w'-]{2,}", re.U)
_STOP = frozenset("""the and for with that this from are was were which when where what into than then
them they their there these those have has had not but can its our out you your about over under only
also more most such each other some any all one two may might will would should could been being does
did doing done how why who whom very just like use used uses using between through because while""".split())


def plain_words(html: str) -> list[str]:
    """Lower-cased words of a body, without markup, code or math."""
    return [w.strip("'-") for w in _lowered(html) if w not in _STOP]


def _lowered(html: str) -> list[str]:
    """The body's word matches, lower-cased (text outside tags, code and math)."""
    return [w.lower() for w in _WORD.findall(_TAG.sub(" ", html))]


# ASCII text (most bodies) is split on every character a word cannot hold, by str.translate and
# str.split, instead of matched word by word. Each piece is a run of [a-z0-9_'-]; _WORD's match in
# it starts at its first letter and takes the rest, so it is the piece without its leading
# digits, '_', "'" and '-', when that leaves at least three characters (else there is none).
_APART = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'-")})
_NOT_FIRST = "0123456789_'-"


def _match_counts(html: str) -> dict[str, int]:
    """How often each word match occurs, lower-cased, in order of first use."""
    text = _TAG.sub(" ", html)
    if not text.isascii():
        return Counter(w.lower() for w in _WORD.findall(text))
    counts: dict[str, int] = {}
    for piece, n in Counter(text.lower().translate(_APART).split()).items():
        match = piece.lstrip(_NOT_FIRST)
        if len(match) >= 3:
            counts[match] = counts.get(match, 0) + n
    return counts


def word_counts(html: str) -> str:
    """A body's words and how often each occurs, as '\nword count' for each word, in order of first use.

    Worked out once per body in the Markdown stage (in parallel, and cached with the body), so an
    edit re-ranks terms without re-reading every other body; a string pickles and loads fast.
    Matches are counted before the stop-word test and trimming, which then run once per distinct match."""
    counts: dict[str, int] = {}
    for word, n in _match_counts(html).items():
        if word not in _STOP:
            word = word.strip("'-")
            counts[word] = counts.get(word, 0) + n
    return "".join(f"\n{word} {n}" for word, n in counts.items())


def _counts(words: str) -> dict[str, int]:
    return {word: int(n) for word, _, n in (line.partition(" ") for line in words.split("\n")) if word}


class SearchTerms:
    """Each searchable page's key terms, ranked by tf-idf over all of them; updatable page by page.

    The watch server keeps one across rebuilds, and the build cache keeps the last build's, so a
    body edit re-ranks only the pages holding a word whose document frequency the edit changed,
    instead of every page."""

    def __init__(self, words: dict[str, str], rows: str):
        self.words = words  # url -> Body.words, in index order
        self.rows = rows  # the pages' rows as JSON: they read page fields only
        self.number = {url: n for n, url in enumerate(words)}
        counts = [_counts(w) for w in words.values()]
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
        before, after = _counts(self.words[url]).keys(), _counts(words).keys()
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
        counts = _counts(words)
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
