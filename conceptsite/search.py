"""The search index readers download on first use: page fields plus each page's key body terms.

Shipping whole bodies would cost ~15 MB compressed at 10,000 concepts; keeping the most
distinctive terms of each body (by tf-idf) keeps body hits useful at a fraction of that."""
from __future__ import annotations

import json
import math
import re
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
    urls = [u for u, p in graph.pages.items() if p.kind != "page" or p.summary]
    counts = {u: _counts(bodies[u].words) for u in urls}
    document_frequency = Counter(term for c in counts.values() for term in c)
    total = len(urls) or 1
    terms: dict[str, list[int]] = {}
    for number, url in enumerate(urls):
        for term in _top_terms(counts[url], document_frequency, total):
            terms.setdefault(term, []).append(number)
    pages = [_row(graph.pages[u]) for u in urls]
    index = {"v": 1, "pages": pages, "terms": dict(sorted(terms.items()))}
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _top_terms(counts: dict, document_frequency: Counter, total: int) -> list[str]:
    scored = [(-n * math.log(1 + total / document_frequency[t]), t) for t, n in counts.items()]
    return [t for _, t in sorted(scored)[:TERMS_PER_PAGE]]


def _row(page) -> dict:
    return {"t": page.title, "u": page.url, "s": page.summary, "g": list(page.tags), "k": page.kind}
