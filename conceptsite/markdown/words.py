"""A body's plain words for search: text outside tags, code and math, without stop words."""
from __future__ import annotations

import re
from collections import Counter

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


# Worked out once per body in the Markdown stage (in parallel, and cached with the body), so an
# edit re-ranks terms without re-reading every other body; a string pickles and loads fast.
# Matches are counted before the stop-word test and trimming, which then run once per distinct match.
def word_counts(html: str) -> str:
    """A body's words and how often each occurs, as '\nword count' for each word, in order of first use."""
    return as_lines(count_words(html))


def count_words(html: str, counts: dict[str, int] | None = None) -> dict[str, int]:
    """How often each of a body's words occurs, in order of first use; added to counts when given."""
    counts = {} if counts is None else counts
    for word, n in _match_counts(html).items():
        if word not in _STOP:
            word = word.strip("'-")
            counts[word] = counts.get(word, 0) + n
    return counts


def as_lines(counts: dict[str, int]) -> str:
    """Word counts as word_counts writes them."""
    return "".join(f"\n{word} {n}" for word, n in counts.items())


def from_lines(words: str) -> dict[str, int]:
    """The word counts that word_counts wrote; a word written twice (a body, then the text it embeds, each
    counted apart: build/embeds.py) counts both times."""
    counts: dict[str, int] = {}
    for line in words.split("\n")[1:]:  # each line starts with '\n'
        word, _, n = line.partition(" ")
        counts[word] = counts.get(word, 0) + int(n)
    return counts
