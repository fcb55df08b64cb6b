"""Obsidian's callouts (issue 25): a block quote whose first line is `[!type] Title` becomes a titled box;
`[!type]-` and `[!type]+` make it fold (a <details>, closed or open, which needs no script)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

# Obsidian's types and the other names it takes for them; an unknown type is styled as a note.
TYPES = {
    "note": (), "abstract": ("summary", "tldr"), "info": (), "todo": (), "tip": ("hint", "important"),
    "success": ("check", "done"), "question": ("help", "faq"), "warning": ("caution", "attention"),
    "failure": ("fail", "missing"), "danger": ("error",), "bug": (), "example": (), "quote": ("cite",),
}
KIND_OF = {name: kind for kind, names in TYPES.items() for name in (kind, *names)}
_MARK = re.compile(r"\[!([A-Za-z][\w-]*)\]([+-]?)[ \t]*")


class CalloutPass(Treeprocessor):
    """Turns each block quote that opens with a callout mark into a callout, inner ones too."""

    def run(self, root):
        """Rewrite every callout in the tree in place, outermost first (a stack, not recursion: quotes nest
        as deep as a page likes)."""
        stack = [root]
        while stack:
            parent = stack.pop()
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote" and _mark(child) is not None:
                    child = parent[index] = _callout(child)
                stack.append(child)
        return None


def _mark(quote: etree.Element):
    """The callout mark at the very start of a quote's first paragraph, or None."""
    first = quote[0] if len(quote) else None
    if first is None or first.tag != "p" or not first.text:
        return None
    return _MARK.match(first.text.lstrip())


def _callout(quote: etree.Element) -> etree.Element:
    """The callout a marked block quote stands for: a title, then the rest of its content."""
    first = quote[0]
    mark = _mark(quote)
    name, fold = mark.group(1).lower(), mark.group(2)
    first.text = first.text.lstrip()[mark.end():]
    box = etree.Element("details" if fold else "div",
                        {"class": f"callout callout-{KIND_OF.get(name, 'note')}", "data-callout": name})
    if fold == "+":
        box.set("open", "open")
    title = etree.SubElement(box, "summary" if fold else "p", {"class": "callout-title"})
    _take_first_line(first, title)
    if not (title.text or "").strip() and not len(title):
        title.text = name.replace("-", " ").capitalize()
    content = etree.SubElement(box, "div", {"class": "callout-content"})
    if (first.text or "").strip() or len(first):
        content.append(first)
    for child in list(quote)[1:]:
        content.append(child)
    box.tail = quote.tail
    return box


def _take_first_line(paragraph: etree.Element, title: etree.Element) -> None:
    """Move the paragraph's text and inline elements up to its first line break into title."""
    text = paragraph.text or ""
    if "\n" in text:
        title.text, paragraph.text = text.split("\n", 1)
        return
    title.text, paragraph.text = text, ""
    for child in list(paragraph):
        paragraph.remove(child)
        tail = child.tail or ""
        if "\n" in tail:
            child.tail, rest = tail.split("\n", 1)
            title.append(child)
            paragraph.text = rest
            return
        title.append(child)
