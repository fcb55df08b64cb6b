"""Inline syntax where Python-Markdown departs from CommonMark on what authors write: backslash escapes
and hard line breaks. Each is the library's pattern of the same name and text (the speed-ups hold the
library's patterns to their text), with CommonMark's reading:

- a backslash escapes any ASCII punctuation, not the library's list only (`\\~`, `\\|`, `\\"` lose their
  backslash), and a backslash at the end of a line is a hard line break;
- escapes in link targets and reference definitions are undone before the link checks read them.
"""
from __future__ import annotations

import re
import string
import xml.etree.ElementTree as etree

from markdown import util
from markdown.inlinepatterns import ESCAPE_RE, EscapeInlineProcessor
from markdown.treeprocessors import Treeprocessor

AMP = util.AMP_SUBSTITUTE + "amp;"  # a literal '&' in text: '&amp;' once the library's last pass has run
_AMP_ESCAPED = f"{util.STX}{ord('&')}{util.ETX}"  # what the library's escape of '&' leaves until its last pass
_UNESCAPE = re.compile(r"\\([%s])" % re.escape(string.punctuation))


class Escapes:
    """Whether this conversion made any backslash escape, and of an '&' (set anew per page by blocks.py)."""

    made = amp = False


def install(md, escapes: Escapes) -> None:
    """Put the CommonMark readings in place of the library's patterns, at the library's priorities."""
    md.ESCAPED_CHARS.extend(c for c in string.punctuation if c not in md.ESCAPED_CHARS)
    md.inlinePatterns.register(Escape(ESCAPE_RE, md, escapes), "escape", 180)
    md.treeprocessors.register(EscapedReferences(md), "escaped_references", 45)  # after footnotes' (50)
    md.treeprocessors.register(Escaped(md, escapes), "escaped", 2)  # before the link checks (1)


class Escape(EscapeInlineProcessor):
    """A backslash before any ASCII punctuation escapes it; before a line's end it is a hard line break."""

    def __init__(self, pattern: str, md, escapes: Escapes):
        super().__init__(pattern, md)
        self.escapes = escapes

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        char = m.group(1)
        if char == "\n":
            return etree.Element("br"), m.start(0), m.end(0)
        found = super().handleMatch(m, data)
        if found[0] is not None:
            self.escapes.made = True
            self.escapes.amp |= char == "&"
        return found


class Escaped(Treeprocessor):
    """Escaped characters in link and image targets read as themselves before the link checks look at
    them (the library restores them only in its last pass): `javascript\\:x` is then seen for what it is.
    And an escaped '&' in text is written '&amp;' (the serializer would leave '\\&ouml;' an entity)."""

    def __init__(self, md, escapes: Escapes):
        super().__init__(md)
        self.escapes = escapes

    def run(self, root) -> None:
        if not self.escapes.made or "unescape" not in self.md.treeprocessors:
            return
        unescape = self.md.treeprocessors["unescape"].unescape
        amp = self.escapes.amp
        for element in root.iter():
            for name in ("href", "src"):
                value = element.get(name)
                if value is not None and util.STX in value:
                    element.set(name, unescape(value))
            if amp:
                if element.text and _AMP_ESCAPED in element.text:
                    element.text = element.text.replace(_AMP_ESCAPED, AMP)
                if element.tail and _AMP_ESCAPED in element.tail:
                    element.tail = element.tail.replace(_AMP_ESCAPED, AMP)


class EscapedReferences(Treeprocessor):
    """Backslash escapes in link reference definitions (`[a]: /x\\_y "t\\"q"`) read as escapes."""

    def run(self, root) -> None:
        references = self.md.references
        for key, (link, title) in references.items() if references else ():
            if "\\" in link or (title and "\\" in title):
                references[key] = (_UNESCAPE.sub(r"\1", link), title and _UNESCAPE.sub(r"\1", title))
