"""Inline syntax where Python-Markdown departs from CommonMark on what authors write: backslash escapes,
hard line breaks, autolinks and character references. Each is the library's pattern of the same name
and text (the speed-ups hold the library's patterns to their text), with CommonMark's reading:

- a backslash escapes any ASCII punctuation, not the library's list only (`\\~`, `\\|`, `\\"` lose their
  backslash), and a backslash at the end of a line is a hard line break;
- `<scheme://...>` is read before escapes, so its text is as written, and holds no space;
  `<mailto:a@b.c>` shows and links as written; an address with a backslash is no autolink;
- `&copy;`, `&#35;` and `&#x22;` become their characters in the HTML (so the search index reads
  'café', not 'caf eacute'); a name HTML does not define, or a number past what CommonMark reads,
  stays as written;
- escapes in link targets and reference definitions are undone before the link checks read them.
"""
from __future__ import annotations

from html.entities import html5
import re
import string
import xml.etree.ElementTree as etree

from markdown import util
from markdown.inlinepatterns import (AUTOLINK_RE, AUTOMAIL_RE, ENTITY_RE, ESCAPE_RE, AutolinkInlineProcessor,
                                     AutomailInlineProcessor, EscapeInlineProcessor, HtmlInlineProcessor)
from markdown.treeprocessors import Treeprocessor

AMP = util.AMP_SUBSTITUTE + "amp;"  # a literal '&' in text: '&amp;' once the library's last pass has run
_AMP_ESCAPED = f"{util.STX}{ord('&')}{util.ETX}"  # what the library's escape of '&' leaves until its last pass
_UNESCAPE = re.compile(r"\\([%s])" % re.escape(string.punctuation))
_NUMBER = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
_UNSAFE = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))  # the stash's STX and ETX among them


class Escapes:
    """Whether this conversion made any backslash escape, and of an '&' (set anew per page by blocks.py)."""

    made = amp = False


def install(md, escapes: Escapes) -> None:
    """Put the CommonMark readings in place of the library's patterns, at the library's priorities."""
    md.ESCAPED_CHARS.extend(c for c in string.punctuation if c not in md.ESCAPED_CHARS)
    md.inlinePatterns.register(Escape(ESCAPE_RE, md, escapes), "escape", 180)
    md.inlinePatterns.register(Autolink(AUTOLINK_RE, md), "autolink", 182)  # before escapes (180)
    md.inlinePatterns.register(Automail(AUTOMAIL_RE, md), "automail", 110)
    md.inlinePatterns.register(Entity(ENTITY_RE, md), "entity", 80)
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


class Autolink(AutolinkInlineProcessor):
    """`<scheme://...>`: not after a backslash that escapes its '<', and holding no space."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        at = m.start(0)
        if (at - len(data[:at].rstrip("\\"))) % 2 or any(c.isspace() for c in m.group(1)):
            return None, None, None
        return super().handleMatch(m, data)


class Automail(AutomailInlineProcessor):
    """`<a@b.c>`, or `<mailto:a@b.c>` shown and linked as written (in the library's entity-encoded form,
    which keeps the address from plain-text harvesters); an escape inside means no autolink."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        address = m.group(1)
        if util.STX in address or any(c.isspace() for c in address):
            return None, None, None
        el, start, end = super().handleMatch(m, data)
        if address[:7].lower() == "mailto:":
            encoded = "".join(f"{util.AMP_SUBSTITUTE}#{ord(c)};" for c in address)
            el.text = util.AtomicString(encoded)
            el.set("href", encoded)
        return el, start, end


class Entity(HtmlInlineProcessor):
    """A character reference becomes its character; one that names nothing stays text as written."""

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        ref = m.group(1)
        if ref[1] == "#":
            number = _NUMBER.fullmatch(ref)
            if number is None:  # more digits than CommonMark reads
                return AMP + ref[1:], m.start(0), m.end(0)
            code = int(number.group(1) or number.group(2), 10 if number.group(1) else 16)
            char = chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        else:
            char = html5.get(ref[1:])
            if char is None:
                return AMP + ref[1:], m.start(0), m.end(0)
        if char == "&":
            return AMP, m.start(0), m.end(0)
        if any(c in _UNSAFE for c in char):  # control characters stay references, as the library leaves them
            return super().handleMatch(m, data)
        return char, m.start(0), m.end(0)


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
