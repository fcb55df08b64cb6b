"""The pieces of CommonMark's block structure that blockparse.py reads into: the kinds of block, the
patterns that start them, the Block itself, and two questions asked of finished blocks."""
from __future__ import annotations

import re

from markdown import util

QUOTE, LIST, ITEM, NOTE, DOC = "quote", "list", "item", "note", "doc"
PARA, HEADING, HR, FENCE, ICODE, STASH = "para", "heading", "hr", "fence", "icode", "stash"
FILLER = util.STX + "cm-filler" + util.ETX  # one line of stashed code, after the line holding its placeholder

SPACES_RE = re.compile(" *")
WHOLE = 1 << 30  # past the end of any line
QUOTE_RE = re.compile(" {0,3}>")
ATX_RE = re.compile(r"(#{1,6})(?:[ \t]+|$)")
ATX_CLOSE_RE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
FENCE_OPEN_RE = re.compile(r"(`{3,})([^`]*)$|(~{3,})(.*)$")
FENCE_CLOSE_RE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")
SETEXT_RE = re.compile(r"(?:=+|-+)[ \t]*$")
HR_RE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
ITEM_RE = re.compile(r"(?:([-+*])|([0-9]{1,9})([.)]))(?=[ \t]|$)")
NOTE_RE = re.compile(r"\[\^([^\]]*)\]:[ \t]*")
DEFINITION_RE = re.compile(r" {0,3}\[[^\[\]]+\]:[ \t]*\n?[ \t]*(?:<[^<>\n]*>|[^\s<]\S*)"
                         r"(?:(?:[ \t]+\n?|[ \t]*\n)[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*(?:\n|$)")
STASHED_RE = re.compile(re.escape(util.HTML_PLACEHOLDER).replace("%s", "[0-9]+") + "[ \t]*$")
STARTS = frozenset(">#`~-*_+=0123456789[" + util.STX)


class Block:
    """A block of the tree; which fields mean something depends on its kind (see the parser)."""

    __slots__ = ("kind", "start", "end", "children", "lines", "text", "level", "width", "marker", "number",
                 "tight", "fence", "indent", "prefix", "path")

    def __init__(self, kind: str, start: int):
        self.kind = kind
        self.start = self.end = start  # first and last line holding its content
        self.children: list[Block] = []
        # paragraph: its lines (str); code: (line, column inside the containers, column of the content or None)
        self.lines: list = []
        self.text = ""  # heading: its text; fence: its info string; stash: the placeholder; note: its label
        self.level = 0  # heading: 1 to 6
        self.width = 0  # item and note: columns a line must be indented by to continue it
        self.marker = ""  # list: '-', '+', '*', '.' or ')'; item: '' if its first line was blank
        self.number = 0  # list: the start number of an ordered list, -1 for a bullet list
        self.tight = True  # list
        self.fence = ""  # fence: the opening fence; '' once closed
        self.indent = 0  # fence: its indentation, removed from its lines
        self.prefix = 0  # code and stash: the column where the block starts on its first line
        self.path: list[Block] = []  # code: the containers around it, outermost first

    def __repr__(self) -> str:  # for test failures
        inside = f" {self.children!r}" if self.children else f" {self.lines or self.text!r}"
        return f"<{self.kind} {self.start}-{self.end}{inside}>"


def definitions(lines: list[str]) -> int:
    """How many of a paragraph's first lines are link reference definitions."""
    text, at = "\n".join(lines), 0
    while (m := DEFINITION_RE.match(text, at)) is not None and m.end() > at:
        at = m.end()
    return text.count("\n", 0, at) + (0 < at == len(text))


def tight(lst: Block) -> bool:
    """CommonMark's tight list: no blank line between its items, nor between two blocks of one item."""
    items = lst.children
    for i, item in enumerate(items):
        if i + 1 < len(items) and items[i + 1].start > item.end + 1:
            return False
        inner = item.children
        for j in range(len(inner) - 1):
            if inner[j + 1].start > inner[j].end + 1:
                return False
    return True


def underline(para: Block, siblings: list, n: int, c: str) -> bool:
    """Make an open paragraph a heading, underlined on line n; False if it is link reference definitions
    only (they stay a paragraph, for the library's reference processor to read)."""
    defined = definitions(para.lines) if para.lines[0].startswith("[") else 0
    if defined == len(para.lines):
        return False
    if defined:  # the definitions before the heading's text stay a paragraph of their own
        head = Block(PARA, para.start)
        head.lines, head.end = para.lines[:defined], para.start + defined - 1
        siblings.insert(len(siblings) - 1, head)
        para.lines, para.start = para.lines[defined:], para.start + defined
    para.kind, para.level, para.end = HEADING, 1 if c == "=" else 2, n
    para.text, para.lines = "\n".join(para.lines).strip(), []
    return True
