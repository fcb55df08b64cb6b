"""CommonMark's block structure (spec 0.31, 'Blocks and inlines' and the appendix's parsing strategy),
read line by line in one pass: containers (block quotes, lists and their items, and Python-Markdown's
footnote definitions) hold leaves (paragraphs, headings, thematic breaks, fenced and indented code).

The lines must have their tabs expanded to stops of 4 (Python-Markdown's whitespace pass does so), so
a column is an index into the line. Inline content is left as text: a paragraph is its lines with the
leading spaces dropped, a heading its text. Code blocks keep references (line, column) to their
content, which fences.py reads from the source lines as they were before tabs were expanded.

Two lines that Python-Markdown's stash writes are known here too: a line holding only an HTML
placeholder is a block of its own (the code and raw HTML stashed before block parsing), and a FILLER
line, which stands for a line of stashed code, belongs to the block above it.

Linear: each line is matched against the open containers once (its cost grows with the nesting on
that line only), and nothing is joined or searched again.
"""
from __future__ import annotations

from markdown import util

from conceptsite.markdown.blocknodes import (  # noqa: F401 - other modules take the kinds from here
    QUOTE, LIST, ITEM, NOTE, DOC, PARA, HEADING, HR, FENCE, ICODE, STASH, FILLER, Block, SPACES_RE, WHOLE,
    QUOTE_RE, ATX_RE, ATX_CLOSE_RE, FENCE_OPEN_RE, FENCE_CLOSE_RE, SETEXT_RE, HR_RE, ITEM_RE, NOTE_RE,
    STASHED_RE, STARTS, tight, underline,
)


class Parser:
    """One document's blocks: `parse(lines)` returns the document Block; `codes` lists its code blocks
    in order, `unclosed` the fence left open at the end of the document (or None)."""

    def __init__(self, footnotes: bool = False):
        self.footnotes = footnotes  # whether '[^label]:' opens a footnote definition (Python-Markdown's)

    def parse(self, lines: list[str], size: int | None = None) -> Block:
        """The document's tree; size: how many of the lines are the document's (the whitespace pass adds
        blank lines at the end, which a fence left open must not take as its own)."""
        doc = Block(DOC, 0)
        self.stack: list[Block] = [doc]
        self.tip: Block | None = None  # the open leaf: a paragraph, code or stash block, last child of stack[-1]
        self.codes: list[Block] = []
        self.notes = False  # whether a footnote definition is open
        self.unclosed: Block | None = None
        line = self._line
        for n, s in enumerate(lines):
            line(n, s)
        tip = self.tip
        if tip is not None and tip.kind is FENCE:  # it runs to the end of the document
            self.unclosed = tip
            size = len(lines) if size is None else size
            while tip.lines and tip.lines[-1][0] >= size:
                tip.lines.pop()
            tip.end = tip.lines[-1][0] if tip.lines else tip.start
        self._close_to(1)
        self._close_tip()
        doc.end = doc.children[-1].end if doc.children else 0
        return doc

    def _line(self, n: int, s: str) -> None:  # noqa: C901 - CommonMark's steps for one line, kept in one place
        stack, size, depth = self.stack, len(s), len(self.stack)
        pos, matched, skipped = self._continue(n, s)  # 1. which open containers the line continues
        if matched == depth and self._code_goes_on(n, s, pos, skipped):  # 2. only when every one goes on
            return
        tip = self.tip
        e = SPACES_RE.match(s, pos).end()
        if e < size and s[e] == util.STX and s.startswith(FILLER, e):  # a line of stashed code
            if tip is not None and tip.kind is STASH:
                tip.end = n
            return
        # 3. New blocks the line opens: containers, then perhaps a leaf.
        while e < size:
            ind, c = e - pos, s[e]
            if c not in STARTS:
                if ind >= 4 and (tip is None or tip.kind is not PARA):
                    self._code(n, s, pos, matched)
                else:
                    self._text(n, s, e, matched, depth)
                return
            if c == util.STX and STASHED_RE.match(s, e):
                self._close_to(matched)
                self._leaf(Block(STASH, n), open_=True).text = s[e:].rstrip()
                return
            if ind >= 4:
                if tip is None or tip.kind is not PARA:  # indented code cannot interrupt a paragraph
                    self._code(n, s, pos, matched)
                    return
                break
            if c == ">":
                self._close_to(matched)
                self._container(Block(QUOTE, n))
                matched, tip = len(stack), None
                pos = e + 1
                if pos < size and s[pos] == " ":
                    pos += 1
                e = SPACES_RE.match(s, pos).end()
                continue
            if c == "#":
                m = ATX_RE.match(s, e)
                if m is None:
                    break
                self._close_to(matched)
                h = self._leaf(Block(HEADING, n))
                h.level, h.text = len(m.group(1)), ATX_CLOSE_RE.sub("", s[m.end():].strip())
                return
            if c == "`" or c == "~":
                m = FENCE_OPEN_RE.match(s, e)
                if m is None:
                    break
                self._close_to(matched)
                fence = self._leaf(Block(FENCE, n), open_=True)
                fence.fence, fence.text = m.group(1) or m.group(3), (m.group(2) or m.group(4) or "").strip()
                fence.indent, fence.prefix, fence.path = ind, pos, stack[:]
                self.codes.append(fence)
                return
            if (c == "=" or c == "-") and tip is not None and tip.kind is PARA and matched == depth \
                    and SETEXT_RE.match(s, e) and underline(tip, self.stack[-1].children, n, c):
                self.tip = None
                return
            if (c == "-" or c == "*" or c == "_") and HR_RE.match(s, e):
                self._close_to(matched)
                self._leaf(Block(HR, n))
                return
            if c == "[":
                m = NOTE_RE.match(s, e) if self.footnotes else None
                if m is None:
                    break
                self._close_to(matched)
                note = self._container(Block(NOTE, n))
                note.text, note.width = m.group(1), 4
                pos = m.end()
                note.lines.append((n, pos))
                matched, tip, self.notes = len(stack), None, True
                e = SPACES_RE.match(s, pos).end()
                continue
            opened = self._item(n, s, e, ind, matched, matched == depth) if c != "=" and c != "_" else None
            if opened is None:
                break
            pos, e = opened
            matched, tip = len(stack), None
        self._text(n, s, e, matched, depth)

    def _item(self, n: int, s: str, e: int, ind: int, matched: int, all_go_on: bool) -> tuple[int, int] | None:
        """Open the list item whose marker is at e (and its list, unless it goes on with the open one): the
        column its content starts at, and the first non-space after the marker; None for no item here."""
        m, size, tip = ITEM_RE.match(s, e), len(s), self.tip
        if m is None:
            return None
        after = m.end()
        spaces = SPACES_RE.match(s, after).end()
        number = int(m.group(2)) if m.group(2) else -1
        if tip is not None and tip.kind is PARA and all_go_on and (spaces == size or number > 1 or number == 0):
            return None  # an item that interrupts a paragraph must hold text, and be numbered 1 if ordered
        self._close_to(matched)
        marker, stack = m.group(1) or m.group(3), self.stack
        parent = stack[-1]
        if parent.kind is not LIST or parent.marker != marker:
            if parent.kind is LIST:
                self._close_to(len(stack) - 1)
            lst = self._container(Block(LIST, n))
            lst.marker, lst.number = marker, number
        item = self._container(Block(ITEM, n))
        padding = 1 if spaces == size or spaces - after >= 5 else spaces - after
        item.width = ind + after - e + padding
        item.marker = "" if spaces == size else marker
        return min(after + padding, size), spaces

    def _continue(self, n: int, s: str) -> tuple[int, int, int]:
        """The column after the containers the line continues, how many it continues (the document counts),
        and the columns of a blank line taken before code reads it (WHOLE: all, inside an item)."""
        stack, size, pos, matched, skipped = self.stack, len(s), 0, 1, 0
        while matched < len(stack):
            c = stack[matched]
            kind = c.kind
            if kind is QUOTE:
                m = QUOTE_RE.match(s, pos)
                if m is None:
                    break
                pos = m.end()
                if pos < size and s[pos] == " ":
                    pos += 1
                c.end = n  # a quote's '>' lines are its own, even one with nothing after it
            elif kind is not LIST:  # an item or a footnote
                e = SPACES_RE.match(s, pos).end()
                if e == size:  # a blank line goes on with an item, unless the item is still empty
                    if kind is ITEM and not c.children:
                        break
                    pos, skipped = e, WHOLE  # an item takes all of a blank line's spaces
                elif e - pos >= c.width:
                    pos += c.width
                else:
                    break
                if kind is NOTE:
                    c.lines.append((n, pos))
            matched += 1
        return pos, matched, skipped

    def _code_goes_on(self, n: int, s: str, pos: int, skipped: int) -> bool:
        """True when the line is the open code block's (its content or its closing fence); an indented code
        block the line does not continue is closed."""
        tip, size = self.tip, len(s)
        if tip is None:
            return False
        if tip.kind is FENCE:
            m = FENCE_CLOSE_RE.match(s, pos)
            if m is not None and m.group(1)[0] == tip.fence[0] and len(m.group(1)) >= len(tip.fence):
                tip.lines.append((n, pos, None))  # the closing fence: no content
                tip.end, tip.fence = n, ""
                self.tip = None
            else:
                e = SPACES_RE.match(s, pos).end()
                tip.lines.append((n, pos, min(e, pos + tip.indent) if e < size else pos + skipped + tip.indent))
                tip.end = n
            return True
        if tip.kind is ICODE:
            e = SPACES_RE.match(s, pos).end()
            if e == size or e - pos >= 4:
                tip.lines.append((n, pos, pos + 4 + (skipped if e == size else 0)))
                if e < size:
                    tip.end = n
                return True
            self._close_tip()
        return False

    def _text(self, n: int, s: str, e: int, matched: int, depth: int) -> None:
        """The rest of the line from e: paragraph text (lazily, if containers did not go on), or blank."""
        tip = self.tip
        blank = e == len(s)
        if not blank and tip is not None and tip.kind is PARA:
            tip.lines.append(s[e:])
            tip.end = n
            if self.notes and matched < len(self.stack):  # a lazy line still belongs to its footnote
                for c in self.stack[matched:]:
                    if c.kind is NOTE:
                        c.lines.append((n, e))
            return
        self._close_to(matched)
        if blank:
            self._close_tip()
            return
        para = self._leaf(Block(PARA, n), open_=True)
        para.lines.append(s[e:])

    def _code(self, n: int, s: str, pos: int, matched: int) -> None:
        self._close_to(matched)
        code = self._leaf(Block(ICODE, n), open_=True)
        code.lines.append((n, pos, pos + 4))
        code.prefix, code.path = pos, self.stack[:]
        self.codes.append(code)

    def _leaf(self, block: Block, open_: bool = False) -> Block:
        self._close_tip()
        parent = self.stack[-1]
        if parent.kind is LIST:  # a list holds items only: anything else ends it
            self._close_to(len(self.stack) - 1)
            parent = self.stack[-1]
        parent.children.append(block)
        if open_:
            self.tip = block
        return block

    def _container(self, block: Block) -> Block:
        self._close_tip()
        parent = self.stack[-1]
        if parent.kind is LIST and block.kind is not ITEM:
            self._close_to(len(self.stack) - 1)
            parent = self.stack[-1]
        parent.children.append(block)
        self.stack.append(block)
        return block

    def _close_tip(self) -> None:
        tip = self.tip
        if tip is not None:
            self.tip = None
            if tip.kind is ICODE:  # blank lines at its end are not part of it
                while tip.lines and tip.lines[-1][0] > tip.end:
                    tip.lines.pop()

    def _close_to(self, keep: int) -> None:
        """Close the open containers past the first `keep` (and the open leaf, inside the innermost)."""
        stack = self.stack
        if len(stack) <= keep:
            return
        self._close_tip()
        while len(stack) > keep:
            block = stack.pop()
            children = block.children
            if children:
                block.end = max(block.end, children[-1].end)
            if block.kind is LIST:
                block.tight = tight(block)
            elif block.kind is NOTE:
                self.notes = any(c.kind is NOTE for c in stack)
