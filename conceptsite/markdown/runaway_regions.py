"""Where a Markdown body is code and where it is prose, found by counting as Python-Markdown parses.

For runaway.py, which must tell a run that Markdown would parse from one it shows as written, and
which measures the stretches Markdown's inline pass takes one at a time. Close to Python-Markdown's
own rules (fenced_code's regex, indented code after a paragraph, backtick pairing), but linear.
"""
from __future__ import annotations

import bisect
import functools
import re

Span = tuple[int, int]

BLANK = re.compile(r"\n[ \t]*\n")
_FENCE = re.compile(r"^(`{3,}|~{3,})[ ]*(.*)$", re.M)
_INFO = re.compile(r"\{.*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=([\"']).*?\1[ ]*)?")  # fenced_code's info string
_LEADING = re.compile(r"(?:[ \t]*\n)*")
_LIST = re.compile(r"[ ]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
_ITEM = re.compile(r"\n(?=[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]|\||#))")  # lines Markdown parses apart
_NEWLINE = re.compile("\n")
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_TICKS = re.compile(r"`+")
COUNTED = "[]()*_`~^"
_NOT_COUNTED = bytes(b for b in range(256) if chr(b) not in COUNTED)


class Regions:
    """A body's fenced code, indented code and inline units, each worked out on first use."""

    def __init__(self, text: str):
        self.text = text

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """How often each of COUNTED occurs: one pass keeps just those characters, a third of the time of
        counting each in the whole text."""
        marks = self.text.encode().translate(None, _NOT_COUNTED)  # UTF-8 keeps ASCII as it is
        return {c: marks.count(b) for c, b in zip(COUNTED, COUNTED.encode())}

    @functools.cached_property
    def fences(self) -> tuple[list[Span], list[int]]:
        """Fenced code blocks as fenced_code finds them, and the openings that no fence closes."""
        text, lines = self.text, list(_FENCE.finditer(self.text))
        closings: dict[str, list[int]] = {}
        for m in lines:
            if not m.group(2):
                closings.setdefault(m.group(1), []).append(m.start())
        blocks, unclosed, after = [], [], 0
        for m in lines:
            if m.start() < after or m.end() == len(text) or not _INFO.fullmatch(m.group(2)):
                continue
            ends = closings.get(m.group(1), [])
            i = bisect.bisect_right(ends, m.start())  # the closing must be exactly the same fence
            if i == len(ends):
                unclosed.append(m.start())
                continue
            after = line_end(text, ends[i], len(text))
            blocks.append((m.start(), after))
        return blocks, unclosed

    @functools.cached_property
    def blocks(self) -> tuple[list[Span], list[Span]]:
        """(prose blocks, indented code blocks): the text between blank lines, around fenced code."""
        text, prose, code, kind, at = self.text, [], [], "para", 0
        for fence_start, fence_end in [*self.fences[0], (len(text), len(text))]:
            for end in [*(m.start() for m in BLANK.finditer(text, at, fence_start)), fence_start]:
                at = _LEADING.match(text, at, end).end()
                if at < end:
                    # Indented text is code after a paragraph, but goes on with a list item after one.
                    if text.startswith(("    ", "\t"), at):
                        kind = "code" if kind in ("para", "code") else "continued"
                    else:
                        kind = "list" if _LIST.match(text, at) else "para"
                    (code if kind == "code" else prose).append((at, end))
                at = end + 1
            at, kind = fence_end, "para"
        return prose, code

    @functools.cached_property
    def units(self) -> list[Span]:
        """Stretches Markdown's inline pass takes as one string: paragraphs, list items, table rows."""
        text, units = self.text, []
        for a, b in self.blocks[0]:
            second = line_end(text, a, b) + 1
            table = second < b and _TABLE_RULE.fullmatch(text, second, line_end(text, second, b))
            cuts = [m.start() for m in (_NEWLINE if table else _ITEM).finditer(text, a, b)]
            units += [(x, y) for x, y in zip([a, *(c + 1 for c in cuts)], [*cuts, b]) if x < y]
        return units

    def literal(self, pos: int, spans: bool = True) -> bool:
        """Whether Markdown shows the text at pos as written: fenced or indented code, or (spans) a code span."""
        if around(self.fences[0], pos) or around(self.blocks[1], pos):
            return True
        unit = around(self.units, pos) if spans else None
        return unit is not None and around(code_spans(self.text, *unit)[0], pos) is not None


def code_spans(text: str, a: int, b: int) -> tuple[list[Span], list[int]]:
    """Code spans between a and b, paired as Markdown's backtick pattern does, and the runs left open."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text, a, b)]
    following: list[int | None] = [None] * len(runs)
    seen: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):  # the next run of the same length, which closes a span
        length = runs[i][1] - runs[i][0]
        following[i], seen[length] = seen.get(length), i
    spans, lone, i = [], [], 0
    while i < len(runs):
        j = following[i]
        if j is None:
            lone.append(runs[i][0])
            i += 1
        else:
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
    return spans, lone


def around(spans: list[Span], pos: int) -> Span | None:
    """The span of the sorted, disjoint spans that holds pos."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else None


def line_end(text: str, pos: int, end: int) -> int:
    """Where the line at pos ends, at most end."""
    found = text.find("\n", pos, end)
    return end if found < 0 else found


def block_end(text: str, pos: int) -> int:
    """Where the block at pos ends: its last line's newline before a blank line, or the end."""
    found = BLANK.search(text, pos)
    return len(text) if found is None else found.start()
