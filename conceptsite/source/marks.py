"""Where Obsidian's marks ('#tag', '==', '%%') are read in a note's body, found as the converter finds its code
and math: code blocks and spans, math and links hold them as written, and a %% comment hides all it holds, to
the next '%%' or, unclosed, to the end. fields.read_marks reads a page's tags outside these regions and takes its
comments out (without_comments) when the page is read: nothing after sees them.

The one pass itself is source/regions.py.
"""
from __future__ import annotations

import functools
import re

from conceptsite.source.regions import FENCE, QUOTES, Regions, closing_fence

HIDDEN = ("comment", "unclosed")
BLOCK_ID = r"[A-Za-z0-9-]+"  # the name in Obsidian's '^block-id' (markdown/obsidian.py, summary.py)
_QUOTED = re.compile(r"[ \t]*>")  # a line in a block quote


def marked_regions(body: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the parts of a body where Obsidian's marks are not read, in order: "code" (fenced,
    indented, spans), "math", "link" ([[wikilinks]], ![[embeds]], [links](…)), "comment" (%%…%%), "unclosed"
    (a %% to the end) and "quote" (a line's block quote markers)."""
    return Regions(body).run()


# A [link](…) whose text or address holds a line break: read as one region, it may run past any line
# (regions.py's _LINK with its two parts unrolled, one of them holding a '\n'). Each run is possessive ('*+'):
# what follows it cannot start with a character it takes, so giving one back never matches, and a '[' that
# opens no such link fails without trying each shorter run (5x quicker over the bench vault's bodies).
_LINK_OVER_LINES = re.compile(r"\[[^\[\]\\\n]*+(?:\\.[^\[\]\\\n]*+)*+\n[^\[\]\\]*+(?:\\.[^\[\]\\]*+)*+\]\([^()]*+\)"
                              r"|\[[^\[\]\\]*+(?:\\.[^\[\]\\]*+)*+\]\([^()\n]*+\n[^()]*+\)")


def restart(body: str, limit: int) -> int:
    """A line's start at or before limit (and any '%%') where marked_regions, begun there, goes on as it does over
    the whole body (0 when that is not sure): after a blank line, a line starting unindented (a list's text or
    code may be), all before it clear of fenced code (opened at a line's start and closed) and of links that span
    lines. No region before it runs on then (code spans and math end with their paragraph; the blank line ends a
    block quote), and its line starts as the first does."""
    comment = body.find("%%", 0, limit)  # a comment may run on past any line
    at = body.rfind("\n\n", 0, limit if comment < 0 else comment)
    while at >= 0 and (body[at + 2:at + 3].isspace() or at + 2 == len(body)):
        at = body.rfind("\n\n", 0, at + 1)
    start = at + 2 if at >= 0 else 0
    if start == 0 or ((link := _LINK_OVER_LINES.search(body)) and link.start() < start):
        return 0
    pos = 0
    while (mark := _next_fence_mark(body, pos, start)) >= 0:
        fence = FENCE.match(body, body.rfind("\n", 0, mark) + 1)  # (str.find is quicker than a regex's scan)
        if fence is None or fence.start(1) != mark:
            pos = mark + 3  # no fence: the marks are text
            continue
        line_end = body.find("\n", mark)
        close = _closing_line(fence.group(1)[0], len(fence.group(1))).search(body, line_end + 1) if line_end >= 0 else None
        if fence.start() != mark or close is None or close.end() >= start - 1:
            return 0  # in a container, or open at start
        pos = close.end()
    return start


def _next_fence_mark(body: str, pos: int, end: int) -> int:
    """Where the next '```' or '~~~' in body[pos:end] is, or -1."""
    found = [at for at in (body.find("```", pos, end), body.find("~~~", pos, end)) if at >= 0]
    return min(found, default=-1)


def without_comments(text: str, regions: list | None = None) -> tuple[str, int, list[tuple[int, int]]]:
    """The text with its %% comments taken out: their line breaks stay (the lines after keep their numbers), and
    in a block quote, the quote markers of their later lines (the quote goes on); where an unclosed one opens, or
    -1; and the cuts: (offset in the text shown, how many characters of its line were taken out before it), for
    finding a column of the text shown in the file. regions: marked_regions(text), when it is at hand."""
    if regions is None:
        regions = marked_regions(text) if "%%" in text else ()
    pieces, done, line, unclosed, shown, cuts = [], 0, 0, -1, 0, []
    for start, end, kind in regions:
        if kind in HIDDEN:
            line = text.rfind("\n", done, start) + 1 or line  # where the comment's first line starts
            quoted, rows = _QUOTED.match(text, line, start), text[start:end].split("\n")
            kept = "\n".join(["", *(QUOTES.match(row).group() if quoted else "" for row in rows[1:])])
            pieces += [text[done:start], kept]
            shown += start - done + len(kept)
            # What follows the comment on its last line stood further right in the file: by the comment's part of
            # that line, less the quote markers kept of it
            cuts.append((shown, end - start if len(rows) == 1 else len(rows[-1]) - len(kept) + kept.rfind("\n") + 1))
            done, unclosed = end, start if kind == "unclosed" else unclosed
    return "".join(pieces + [text[done:]]), unclosed, cuts


@functools.lru_cache(maxsize=64)
def _closing_line(char: str, size: int) -> re.Pattern:
    """A line of the body closing a fence (closing_fence), found by a search."""
    return re.compile(rf"^{closing_fence(char, size).pattern}$", re.M)

