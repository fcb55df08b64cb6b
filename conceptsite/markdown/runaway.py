"""Refuse the Markdown shapes on which Python-Markdown runs away, by counting them before converting.

Python-Markdown is quadratic or worse on some inputs, so one page could hold a build for minutes, and
a wall-clock limit would make the outcome depend on the machine. These checks count instead: every
threshold is a number of characters, a depth or a product of counts, set far above real pages and far
below where conversion takes noticeable time (docs/ERRORS.md, case 22), so the same sources give the
same result everywhere. Each check first looks at the page's length or a character count (all counted
in one pass), and looks closer only when those allow a refusal: an ordinary page of 4,500 characters
costs that pass and one regex search: 10 to 20 µs, against about 1 ms for Markdown.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from conceptsite.markdown.runaway_regions import Regions, block_end, code_spans

RUN = 500  # '[', '(', '*' or '_' in a row (quadratic in Python-Markdown before 3.11)
LINK_SCAN = 500_000  # characters read again for link destinations '](' that never close
TICK_SCAN = 2_000_000  # characters searched for backtick runs that never close
FENCE_SCAN = 5_000_000  # characters searched for code fences that never close
INLINE = 250_000_000  # a paragraph's length times its markup characters
EMPHASIS = 100  # emphasis openers in a row that a later marker closes
DEPTH = 20  # levels of lists and block quotes on one line
DEPTH_SCAN = 2_000_000  # levels times the characters of their block
FOOTNOTES = 1_000  # footnote definitions on a page

_RUNS = [c * (RUN + 1) for c in "[(*_"]
_RUN = re.compile("|".join(re.escape(c) + "{%d,}" % (RUN + 1) for c in "[(*_"))
_WHAT = {"[": "link brackets", "(": "parentheses", "*": "emphasis markers", "_": "emphasis markers"}
_MARKUP = "`*_[<&\\$"  # the characters that start Python-Markdown's inline patterns
_PARENS = re.compile(r"[()]")
_OPENER = r"(?<!\S)[*_]++(?=[^\s*_])"
_OPENERS = re.compile(r"(?:%s(?:[^*_\n]|\n(?![ \t]*\n))*+){%d,}" % (_OPENER, EMPHASIS + 1))
_CLOSER = re.compile(r"(?<=\S)[*_]")
_LEVEL = r"(?:[ ]{0,3}(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))|[ ]{4}|\t)"
_HR = re.compile(r"[ ]{0,3}([-*_])(?:[ ]*\1){2,}[ ]*$", re.M)
_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]\n]+\]:", re.M)
_NEEDLE_CAP = 4096


@dataclass(frozen=True)
class Runaway:
    """A refused shape: where it starts in the body, what to tell the author, and text that finds it."""

    start: int
    message: str
    needle: str


def find_runaways(text: str) -> list[Runaway]:
    """The refused shapes of a Markdown body, the first of each kind, one per place, in source order."""
    page = Regions(text)
    hits = [hit for check in _CHECKS if (hit := check(page)) is not None]
    found = dict(reversed(hits))  # where two checks refuse the same place, the first one's message
    return [Runaway(start, message, needle_at(text, start)) for start, message in sorted(found.items())]


def needle_at(text: str, start: int) -> str:
    """The shortest text from start (doubling) whose first occurrence in text is at start, for links.locate."""
    size = 16
    while start + size < len(text) and size < _NEEDLE_CAP and text.find(text[start:start + size]) != start:
        size *= 2
    needle = text[start:start + size]
    if text.find(needle) != start:
        # The rest of the page repeats earlier text: from the start of the line it may be unique,
        # which places the diagnostic on the right line, at its first column.
        line = text.rfind("\n", 0, start) + 1
        needle = needle if text.find(text[line:start + size]) != line else text[line:start + size]
    return needle


def _runs(page: Regions):
    text = page.text
    if not any(page.counts[run[0]] > RUN and run in text for run in _RUNS):
        return None
    for m in _RUN.finditer(text):
        if not page.literal(m.start()):
            c, n = text[m.start()], m.end() - m.start()
            return m.start(), (f"a run of {n:,} '{c}' in a row: Python-Markdown slows down badly on long runs of "
                               f"{_WHAT[c]} (the limit is {RUN:,}); escape them as \\{c} or put them in a "
                               "code block")
    return None


def _unclosed_links(page: Regions):
    text = page.text
    if page.counts["]"] * len(text) <= LINK_SCAN:  # even if every '](' stayed open
        return None
    found = [(p, b) for a, b in page.units for p in _open_destinations(text, a, b)]
    scan = sum(b - p for p, b in found)
    if scan <= LINK_SCAN:
        return None
    return found[0][0], (f"{len(found):,} link destinations opened with '](' never close with ')' in their "
                         f"paragraph, and Markdown reads the rest of the paragraph for each ({scan:,} characters; "
                         f"the limit is {LINK_SCAN:,}); this is the first: close it with ')', or write \\( where no "
                         "link is meant")


def _open_destinations(text: str, a: int, b: int) -> list[int]:
    """Positions of the '(' after each '](' between a and b that no ')' closes before b."""
    if text.find("](", a, b) < 0:
        return []
    parens = [(m.start(), m.group()) for m in _PARENS.finditer(text, a, b)]
    levels, level = [], 0
    for _, c in parens:
        level += 1 if c == "(" else -1
        levels.append(level)
    lowest, floor = [0] * len(parens), len(parens) + 1
    for i in range(len(parens) - 1, -1, -1):
        lowest[i] = floor  # the lowest level after paren i: below this '(' means a ')' closed it
        floor = min(floor, levels[i])
    return [p for i, (p, c) in enumerate(parens) if c == "(" and text[p - 1] == "]" and lowest[i] >= levels[i]]


def _unclosed_ticks(page: Regions):
    text = page.text
    if page.counts["`"] * len(text) <= TICK_SCAN:
        return None
    found = [(p, b) for a, b in page.units for p in code_spans(text, a, b)[1]]
    scan = sum(b - p for p, b in found)
    if scan <= TICK_SCAN:
        return None
    return found[0][0], (f"{len(found):,} backtick runs have no closing run of the same length in their paragraph, "
                         f"and Markdown searches the rest of the paragraph for each ({scan:,} characters; the limit "
                         f"is {TICK_SCAN:,}); this is the first: close each code span, or write a lone backtick as \\`")


def _unclosed_fences(page: Regions):
    text = page.text
    # An opening fence takes four characters or more: three '`' or '~' and a newline.
    if len(text) ** 2 <= 4 * FENCE_SCAN or (page.counts["`"] + page.counts["~"]) // 3 * len(text) <= FENCE_SCAN:
        return None
    unclosed = page.fences[1]
    scan = sum(len(text) - p for p in unclosed)
    if scan <= FENCE_SCAN:
        return None
    return unclosed[0], (f"{len(unclosed):,} opening code fences have no closing fence (the same line again), and "
                         f"Markdown searches the rest of the page for each ({scan:,} characters; the limit is "
                         f"{FENCE_SCAN:,}); this is the first: close each fence, or escape its first character as \\`")


def _dense_paragraphs(page: Regions):
    text = page.text
    if len(text) ** 2 <= INLINE:  # a paragraph holds no more markup than characters
        return None
    marks = sum(map(text.count, _MARKUP))
    for a, b in page.units if marks * len(text) > INLINE else ():
        if (b - a) * marks > INLINE and (n := sum(text.count(c, a, b) for c in _MARKUP)) * (b - a) > INLINE:
            return a, (f"a paragraph of {b - a:,} characters holding {n:,} markup characters ({' '.join(_MARKUP)}): "
                       f"Markdown's inline pass takes time that grows with the two multiplied ({n * (b - a):,}; the "
                       f"limit is {INLINE:,}); break it up with blank lines, or escape markup meant literally")
    return None


def _nested_emphasis(page: Regions):
    text = page.text
    if len(text) <= 2 * EMPHASIS or page.counts["*"] + page.counts["_"] <= EMPHASIS:
        return None
    for m in _OPENERS.finditer(text):
        if _CLOSER.search(text, m.end(), block_end(text, m.end())) and not page.literal(m.start()):
            n = len(re.findall(_OPENER, m.group()))
            return m.start(), (f"{n:,} '*' or '_' open emphasis in a row and a later one closes: Markdown nests "
                               f"them {n:,} deep, which is slow and can crash its table of contents (the limit is "
                               f"{EMPHASIS:,}); escape the markers meant literally as \\* or \\_")
    return None


def _deep_nesting(page: Regions):
    text = page.text
    least = min(DEPTH + 1, max(2, DEPTH_SCAN // max(len(text), 1) + 1))  # no shallower line can be refused
    block = (0, -1)
    if not _nesting(least, "[ \t>*+\\-\\d.)]").search("\n" + text):  # each level takes one of these or more
        return None
    for m in _nesting(least, _LEVEL).finditer("\n" + text):  # a literal "\n" first: far faster than "^"
        start, depth = m.start(), _depth(m.group()[1:])
        if depth < least or _HR.match(text, start) or page.literal(start, spans=False):
            continue
        if start >= block[1]:  # one search per block, not one per line
            blank = text.rfind("\n\n", 0, start)
            block = (0 if blank < 0 else blank + 2, block_end(text, start))
        size = block[1] - block[0]
        if depth > DEPTH:
            return start, (f"lists or block quotes nested {depth:,} deep (the limit is {DEPTH}): Markdown parses the "
                           "nested text again at every level; nest less deeply, or escape markers meant literally "
                           "as \\- or \\>")
        if depth * size > DEPTH_SCAN:
            return start, (f"lists or block quotes nested {depth:,} deep around a block of {size:,} characters: "
                           f"Markdown parses it again at every level ({depth * size:,}; the limit is {DEPTH_SCAN:,}); "
                           "split the block with blank lines, or nest less deeply")
    return None


@functools.lru_cache(maxsize=32)
def _nesting(least: int, level: str) -> re.Pattern:
    return re.compile(r"\n%s{%d,}" % (level, least))


def _depth(opening: str) -> int:
    """Levels up to the last list marker or '>' of a line's opening; indentation after it is content."""
    last = max(opening.rfind(c) for c in ">-*+.)")
    return len(re.findall(_LEVEL, opening[:last + 1] + " ")) if last >= 0 else 0


def _footnotes(page: Regions):
    text = page.text
    if len(text) < 6 * FOOTNOTES or page.counts["^"] <= FOOTNOTES:  # a definition takes six characters or more
        return None
    found = [m.start() for m in _FOOTNOTE.finditer(text) if not page.literal(m.start(), spans=False)]
    if len(found) <= FOOTNOTES:
        return None
    return found[FOOTNOTES], (f"{len(found):,} footnote definitions on one page, and Markdown's footnotes slow down "
                              f"with their number squared (the limit is {FOOTNOTES:,}; this is the first past it): "
                              "split the page, or merge footnotes")


_CHECKS = (_runs, _unclosed_links, _unclosed_ticks, _unclosed_fences, _dense_paragraphs, _nested_emphasis,
           _deep_nesting, _footnotes)
