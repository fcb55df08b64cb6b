"""The block tree (blockparse.py) as Python-Markdown's element tree, in place of the library's own block
processors for lists, block quotes, headings, rules and code.

One block processor takes the whole text it is given: the document (whose tree the preprocessor in
blocks.py has already read, and hands over when no later preprocessor changed a line), a footnote's text
when the footnotes extension parses it, or any chunk an extension passes. What is left inside a leaf goes
to the library as before: a paragraph's text to its paragraph, table and reference processors (alone:
the processors this one replaces are left dormant under their names), and inline text to its inline pass.
"""
from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

from conceptsite.markdown import fences, inlines
from conceptsite.markdown.blockparse import HEADING, HR, LIST, NOTE, PARA, QUOTE, STASH, Block, Parser

# The library's block processors this module stands in for, with the priorities it registers them at.
REPLACED = {"indent": 90, "code": 80, "hashheader": 70, "setextheader": 60, "hr": 50, "olist": 40, "ulist": 30,
            "quote": 20}


class Shared:
    """What the passes of one conversion hand on: the source, the tree the preprocessor read and the
    lines it returned, and whether any backslash escape was made."""

    def __init__(self):
        self.escapes = inlines.Escapes()  # the inline patterns hold this one: it is cleared, not replaced
        self.reset([])

    def reset(self, source: list[str]) -> None:
        self.source = fences.Source(source)
        self.tree: Block | None = None
        self.lines: list[str] | None = None
        self.escapes.made = self.escapes.amp = False


class Dormant(BlockProcessor):
    """A library block processor's name and place, kept for whatever looks it up; blocks are read here."""

    def test(self, parent, block) -> bool:
        return False

    def run(self, parent, blocks):
        return False


class BlockTree(BlockProcessor):
    """Takes every block it is offered, except inside a leaf it hands back to the library."""

    def __init__(self, parser, shared: Shared):
        super().__init__(parser)
        self.shared = shared
        self.leaf = False

    def test(self, parent, block) -> bool:
        return not self.leaf

    def run(self, parent, blocks: list[str]) -> None:
        shared, md = self.shared, self.parser.md
        if shared.tree is not None and parent is getattr(self.parser, "root", None) and md.lines is shared.lines:
            tree, lines = shared.tree, shared.lines
            shared.tree = None
        else:  # a footnote's text, or lines a preprocessor changed: read afresh
            lines = "\n\n".join(blocks).split("\n")
            reader = Parser(footnotes="footnote" in self.parser.blockprocessors)
            tree = reader.parse(lines)
            lines = fences.stash_code(md, reader.codes, lines, None)  # none, unless the text is new to Markdown
        del blocks[:]
        self.build(tree, parent, lines, False)

    def build(self, block: Block, parent: etree.Element, lines: list[str], tight: bool) -> None:
        """The children of block under parent; tight: whether block is an item of a tight list."""
        for child in block.children:
            kind = child.kind
            if kind is PARA:
                self.paragraph(parent, "\n".join(child.lines), tight)
            elif kind is STASH:  # stashed HTML is block-level: the library unwraps its <p> even in a tight list
                etree.SubElement(parent, "p").text = child.text
            elif kind is HEADING:
                etree.SubElement(parent, "h%d" % child.level).text = child.text
            elif kind is LIST:
                ordered = child.number >= 0
                element = etree.SubElement(parent, "ol" if ordered else "ul")
                if ordered and child.number != 1:
                    element.set("start", str(child.number))
                for item in child.children:
                    self.build(item, etree.SubElement(element, "li"), lines, child.tight)
            elif kind is QUOTE:
                self.build(child, etree.SubElement(parent, "blockquote"), lines, False)
            elif kind is HR:
                etree.SubElement(parent, "hr")
            elif kind is NOTE:
                self.footnote(child, lines)

    def paragraph(self, parent: etree.Element, text: str, tight: bool) -> None:
        """A paragraph, through the library's table, reference and footnote processors when it may hold
        what they read (a '|' or ']:'), else as its paragraph processor writes one."""
        if "|" not in text and "]:" not in text:
            self.text(parent, text, tight)
            return
        state = self.parser.state
        self.leaf = True
        if tight:
            state.set("list")
        try:
            self.parser.parseBlocks(parent, [text])
        finally:
            self.leaf = False
            if tight:
                state.reset()

    @staticmethod
    def text(parent: etree.Element, text: str, tight: bool) -> None:
        """A paragraph: a <p>, or in a tight list's item the item's own text, as the library writes them."""
        if not tight:
            etree.SubElement(parent, "p").text = text
        elif len(parent):
            last = parent[-1]
            last.tail = f"{last.tail}\n{text}" if last.tail else f"\n{text}"
        else:
            parent.text = f"{parent.text}\n{text}" if parent.text else text

    def footnote(self, note: Block, lines: list[str]) -> None:
        """A footnote definition, handed to the footnotes extension as its processor would."""
        text = "\n".join(lines[n][col:] for n, col in note.lines).strip("\n").rstrip()
        self.parser.blockprocessors["footnote"].footnotes.setFootnote(note.text, text)
