"""The one pass over a note's body that source/marks.py asks for: where code, math, links, comments and block
quote markers are, found as the converter finds them.

One pass: each line's start is read for code blocks, the text within lines for the tokens that open the rest;
each search is bounded by the next mark of its kind or its paragraph's end, so a page of unclosed marks stays
quick. tests/test_obsidian.py holds the tags found here to those the converter shows.
"""
from __future__ import annotations

import functools
import re

_MARKERS = r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*"  # block quote and list markers
FENCE = re.compile(_MARKERS + r"(`{3,}+(?=[^`\n]*$)|~{3,}+)", re.M)
_LINE_MARKERS = re.compile(_MARKERS)
_ITEM = re.compile(r"( {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]+)\S")  # (an item of no text and a blank line is over)
_BULLET = r" {0,3}(?:[-+*]|\d{1,9}[.)])"
_EMPTY_ITEM = re.compile(f"({_BULLET})[ \\t]*")
_CODE_ITEM = re.compile(rf"(?:{_BULLET} {{1,4}}(?=[-+*\d]))*{_BULLET} {{5}}")  # an item whose text is indented code
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")  # a rule, or under a paragraph a heading's line
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
_SPACES = re.compile(r"[ \t]*")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
QUOTES = re.compile(r"(?: {0,3}>[ \t]?)*")
_TOKEN = re.compile(r"\n|\\[^%\n]|`++|%%|\[\[?|\$\$?")  # a backslash escapes all but '%': Obsidian's %% has no escape
# convert.py's pattern, which meets backslash escapes as placeholders: an escaped bracket is none
_WIKILINK = re.compile(r"\[\[(?:\\.|[^\[\]|\n\\])+(?:\|(?:\\.|[^\[\]\n\\])+)?\]\]")
_EMBED = re.compile(r"\[\[(?:\\.|[^\[\]\n\\])+\]\]")  # after a '!': markdown/embeds.py's pattern
_LINK = re.compile(r"\[(?:\\.|[^\[\]\\])*\]\([^()]*\)")  # a link (or an image) written inline, and its text
_TICKS = re.compile(r"`++")
# A paragraph ends before a blank line, a fence, a heading, a list item or a rule, or with a heading's underline
# (in block quotes too), and before a line quoted more deeply than its first (one quoted less goes on it)
_BLANK_LINE = re.compile(r"\n(?:[ \t]*>)*[ \t]*(?:\n|\Z)")  # in block quotes too
_MATH_END = re.compile(_BLANK_LINE.pattern + r"|\n" + _MARKERS + r"(?:`{3,}+(?=[^`\n]*$)|~{3})", re.M)  # code is first
_PARAGRAPH_END = (_BLANK_LINE.pattern +
                  r"|\n(?: {0,3}>[ \t]?)* {0,3}(?:`{3,}+(?=[^`\n]*$)|~{3}|#{1,6}(?:[ \t]|$)|(?:[-+*]|1[.)])[ \t]+\S"
                  r"|(?:-+|=+|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})[ \t]*$)")
_NOT_BEFORE_MATH = re.compile(r"[\w$\\]")  # what may not stand before an opening '$'
_NOT_AFTER_MATH = re.compile(r"[\w$]")  # nor after a closing one


class Regions:
    """One pass over a body, as marks.marked_regions says."""

    def __init__(self, text: str):
        self.text, self.found = text, []
        self.blank, self.listed, self.coded = True, False, False  # after a blank line, in a list, in indented code
        self.depth, self.item, self.empty = 0, 0, None  # of block quotes; the last list item's text column, if empty
        self.no_ticks_before = 0  # where backticks may open a code span again
        self.line_span = (0, -1)  # a span of a line, and where that line ends
        self.math_rest, self.math_end = -1, (0, -1)  # after display math on its line; the span a search covered
        self.paragraph = (0, -1)  # the span searched last for a paragraph's end, and that end

    def run(self) -> list[tuple[int, int, str]]:
        """Every region, in order."""
        pos = self.line(0)
        while (m := _TOKEN.search(self.text, pos)) is not None:
            pos = self.token(m.group(), m.start(), m.end())
        return self.found

    def add(self, start: int, end: int, kind: str) -> int:
        """Note a region; where to read on from."""
        self.found.append((start, end, kind))
        if self.text.find("\n", start, end) >= 0:
            self.line_at = self.text.rfind("\n", start, end) + 1  # the line it ends on started there
        return end

    def line(self, pos: int) -> int:
        """Where to read on from, at a line's start: past the line or block if it is code."""
        stop = self.line_end(pos)
        self.state, self.line_at = (self.blank, self.listed, self.coded), pos  # for a comment opening the line
        if pos == stop or self.text[pos].isalpha():  # most lines: what any_line makes of them, with no pattern tried
            return self.plain_line(pos, pos == stop)
        return self.any_line(pos, stop)

    def any_line(self, pos: int, stop: int) -> int:
        """line() for any line, text[pos:stop]."""
        text = self.text
        inside = self.quotes(pos, stop)
        first = _SPACES.match(text, inside, stop).end()
        indent = len(text[pos:first].expandtabs(4)) - len(text[pos:inside].expandtabs(4))  # tabs stop by the line
        if first == stop:
            self.blank, self.listed = True, self.listed and not self.empty  # an empty item and a blank line: over
            return pos
        code_item = _CODE_ITEM.match(text, inside, stop)
        inner = indent - self.item if self.listed and indent >= self.item else indent  # in its list item's text
        if inner >= 4 and (self.coded or self.blank) or code_item:
            self.coded, self.blank = not code_item, False  # indented code interrupts no paragraph
            return self.add(inside, stop, "code")
        fence = FENCE.match(text, pos) if inner < 4 else None  # indented more, it goes on a paragraph
        self.text_line(inside, stop, indent, fence)
        return self.add(inside, self.fence_end(stop, fence, inside), "code") if fence else pos

    def plain_line(self, pos: int, empty: bool) -> int:
        """What any_line() makes of an empty line or one starting with a letter (no quote, list, code or heading),
        in fewer steps; where to read on from."""
        if empty:  # a blank line ends an empty item, and a block quote with the list and code in it
            self.coded = self.coded and not self.depth
            self.blank, self.listed = True, self.listed and not self.empty and not self.depth
        else:  # text after a blank line ends a list
            self.coded, self.empty = False, None
            self.listed, self.blank = self.listed and not self.blank, False
        self.depth = 0
        return pos

    def line_end(self, pos: int) -> int:
        """Where the line holding pos ends, found once for each line however often it is asked."""
        if not self.line_span[0] <= pos <= self.line_span[1]:
            self.line_span = (pos, self.text.find("\n", pos) % (len(self.text) + 1))  # the last line (-1): the end
        return self.line_span[1]

    def quotes(self, pos: int, stop: int) -> int:
        """Reads a line's block quote markers (a quote that starts or ends starts a block); where they end."""
        text = self.text
        quotes = QUOTES.match(text, pos, stop)
        depth = quotes.group().count(">")
        blank = _SPACES.match(text, quotes.end(), stop).end() == stop
        if depth > self.depth or (depth < self.depth and (self.blank or blank)):
            self.blank, self.listed, self.coded = True, False, False
        self.depth = depth  # (quoted less after text, a line goes on its paragraph)
        markers = _LINE_MARKERS.match(text, pos, stop).end()
        lead = text[pos:markers].expandtabs(4)
        if ">" in lead and (self.listed or len(lead) - len(lead.lstrip(" ")) < 4):  # what follows a '>' starts a line
            self.add(pos, markers, "quote")
        return quotes.end()

    def text_line(self, start: int, stop: int, indent: int, fence: re.Match | None) -> None:
        """Notes what a line (text[start:stop], past quote markers) that is not indented code starts: a list item,
        or a block after which no paragraph goes on (fence, heading, rule, empty item): indented code may start."""
        text = self.text
        self.coded, self.empty = False, _EMPTY_ITEM.fullmatch(text, start, stop)
        item = _ITEM.match(text, start, stop) or self.empty  # (an empty item's text may start on the next line)
        self.listed = bool(item) or (self.listed and not (self.blank and indent == 0))
        if item:  # where the last item's text starts: past its marker and up to four spaces
            marker = len(item.group(1).rstrip())
            spaces = len(item.group(1)) - marker if item is not self.empty else 1
            self.item = marker + (spaces if spaces <= 4 else 1)
        self.blank = bool(fence or _HEADING.match(text, start, stop) or _RULE.fullmatch(text, start, stop) or self.empty
                          or (not self.blank and _SETEXT.fullmatch(text, start, stop)))

    def fence_end(self, stop: int, fence: re.Match, inside: int) -> int:
        """Where the block of a fence opened on the line ending at stop ends: at its closing fence, before the
        first line outside its container (a quote's line without its '>'s, a list item's indented less than its
        text), or at the end. inside: where the opening line's text starts, past its quote markers."""
        text, mark = self.text, fence.group(1)
        depth, lead = fence.group().count(">"), text[inside:fence.start(1)].expandtabs(4)
        need = self.item if self.listed and len(lead) >= self.item else 0  # an item's lines: indented past its marker
        closing = closing_fence(mark[0], len(mark))
        while stop < len(text):
            start = stop + 1
            stop = text.find("\n", start) % (len(text) + 1)
            inner, quoted = start, 0
            while quoted < depth and (quote := _QUOTE.match(text, inner, stop)):  # its quote markers, no more
                inner, quoted = quote.end(), quoted + 1
            row = text[inner:stop].expandtabs(4)
            if quoted < depth or (row.strip() and len(row) - len(row.lstrip(" ")) < need):
                return start - 1
            if closing.fullmatch(row):
                return stop
        return len(text)

    def token(self, token: str, start: int, end: int) -> int:
        """Where to read on from after a token of _TOKEN."""
        if token == "\n":
            return self.line(end)
        if token[0] == "\\":
            return end
        if token == "%%":
            return self.comment(start, end)
        if token[0] == "[":
            embed = token == "[[" and self.text[start - 1:start] == "!"
            link = (_EMBED if embed else _WIKILINK if token == "[[" else _LINK).match(self.text, start)
            return self.add(start, link.end(), "link") if link else start + 1  # '[' may open a link after all
        if token[0] == "`":
            return self.code_span(start, end)
        return self.display_math(start, end) if token == "$$" else self.inline_math(start, end)

    def comment(self, start: int, end: int) -> int:
        """A comment runs to the next '%%', whatever is between; with none, to the end."""
        text = self.text
        close = text.find("%%", end)
        stop = self.add(start, len(text) if close < 0 else close + 2, "comment" if close >= 0 else "unclosed")
        breaks = "\n" in text[start:stop]
        opens = _LINE_MARKERS.fullmatch(text, self.line_at, start)
        if not breaks and not opens:
            return stop
        # One of many lines or opening its line leaves the rest of its last line to start a line (markdown/
        # obsidian.py), after the blank lines it leaves or as its line would have started.
        self.blank, self.listed, self.coded = (bool(opens), self.listed, False) if breaks else self.state
        return self.line(stop)

    def paragraph_end(self, pos: int) -> int:
        """Where the paragraph holding pos ends (_PARAGRAPH_END), or the end."""
        start, end = self.paragraph
        if not start <= pos < end:
            text = self.text
            quotes = QUOTES.match(text, text.rfind("\n", 0, pos) + 1)
            found = _paragraph_end(quotes.group().count(">"), self.listed).search(text, pos)
            end = found.start() if found else len(text)
            if _HEADING.match(text, quotes.end()):  # a heading is a line
                end = text.find("\n", pos) % (len(text) + 1)
            self.paragraph = (pos, end)
        return self.paragraph[1]

    def code_span(self, start: int, end: int) -> int:
        """A code span from the backticks at text[start:end], if they open one (span_end)."""
        start = max(start, min(self.no_ticks_before, end))
        close = self.span_end(start, end) if start < end else 0
        if not close:  # Python-Markdown 3.11 looks for the next opening past twice the run: so do we
            self.no_ticks_before = min(start + 2 * (end - start), self.paragraph_end(start))
        return self.add(start, close, "code") if close else end

    def span_end(self, start: int, end: int) -> int:
        """Where the code span opened by the backticks at text[start:end] ends, as Python-Markdown 3.11 reads it:
        at the next run of as many in the paragraph; with none, the first of the longest later run if that is
        shorter (the opening run's rest is code). 0 for none."""
        size, longest, close = end - start, 0, 0
        for m in _TICKS.finditer(self.text, end, self.paragraph_end(start)):  # as many scans as the library's
            if m.end() - m.start() == size:
                return m.end()
            if m.end() - m.start() > longest:
                longest, close = m.end() - m.start(), m.end()
        return close if 0 < longest < size else 0

    def display_math(self, start: int, end: int) -> int:
        """'$$' starting a line (past quote and list markers) to the next '$$' in its paragraph, as math.py
        reads it; elsewhere '$$' opens nothing."""
        text = self.text
        if self.line_at == self.math_rest or not _LINE_MARKERS.fullmatch(text, self.line_at, start):
            return end  # (math.py reads what follows display math on its line as text)
        close = _unescaped(text, "$$", end)
        if not self.math_end[0] <= end < self.math_end[1]:  # the blank line or code that ends it, once for many
            found = _MATH_END.search(text, end)
            self.math_end = (end, found.start() if found else len(text))
        found = 0 <= close < self.math_end[1] and text[end:close].strip()  # and not empty
        if not found:
            return end
        self.add(start, close + 2, "math")
        self.math_rest = _SPACES.match(text, close + 2).end()
        return self.line(self.math_rest)  # what follows it starts a line, stripped

    def inline_math(self, start: int, end: int) -> int:
        """'$…$' as math.py reads it: the '$'s hug the formula, the first after no word character, the last
        before none; no code span inside."""
        text = self.text
        if (start and _NOT_BEFORE_MATH.match(text, start - 1)) or not text[end:end + 1].strip():
            return end
        close = text.find("$", end)
        while close >= 0 and not (text[close - 1].isspace() or _NOT_AFTER_MATH.match(text, close + 1)):
            if not _escaped(text, close):  # a closing '$'; an escaped one is passed over to the next
                found = close < self.paragraph_end(start) and not self.holds_code(start, close)
                return self.add(start, close + 1, "math") if found else end
            close = _unescaped(text, "$", close + 1)
        return end

    def holds_code(self, start: int, end: int) -> bool:
        """Whether a code span opens in text[start:end] (the converter finds code spans first)."""
        runs = ((m.start() + _escaped(self.text, m.start()), m.end()) for m in _TICKS.finditer(self.text, start, end))
        return any(self.span_end(*run) for run in runs if run[0] < run[1])  # an escaped backtick opens none


def _unescaped(text: str, mark: str, pos: int) -> int:
    """The next mark from pos not after an odd number of backslashes, or -1."""
    while (at := text.find(mark, pos)) >= 0 and _escaped(text, at):
        pos = at + 1
    return at


def _escaped(text: str, at: int) -> bool:
    """Whether text[at] is after an odd number of backslashes."""
    before = at
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (at - before) % 2 == 1



@functools.lru_cache(maxsize=16)
def _paragraph_end(depth: int, listed: bool) -> re.Pattern:
    """_PARAGRAPH_END for a paragraph in depth block quotes, in a list item (where a list nests, indented) or not."""
    nested = r"|\n(?: {0,3}>[ \t]?)*[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])[ \t]+\S)" if listed else ""
    return re.compile(_PARAGRAPH_END + nested + rf"|\n(?: {{0,3}}>[ \t]?){{{depth + 1}}}", re.M)


@functools.lru_cache(maxsize=64)
def closing_fence(char: str, size: int) -> re.Pattern:
    """A line closing a fence of size chars (past its quote markers): as many or more, alone."""
    return re.compile(rf"[ \t]*{re.escape(char)}{{{size},}}[ \t]*")

