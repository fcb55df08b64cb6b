"""Python-Markdown's whole passes and its link parser made quicker on our converter, with the same
output (Markdown 3.11.4: see __init__; markdown_inline.py tunes its patterns and block tests).

- QuickToc: the table of contents pass without serialising each heading and the contents list
  through the whole serializer and every postprocessor when the headings are plain text, which
  those leave as it is.
- quick_text, quick_link: a link's '[text]' and '(url)' found with str.find when they hold nothing
  nested, instead of the library's walk a character at a time.

tests/test_speedups_markdown_passes.py holds each to the library's answers.
"""
from __future__ import annotations

import functools

import markdown
from markdown import inlinepatterns, util
from markdown.extensions import toc


def tune(md: markdown.Markdown) -> None:
    """Install every quicker pass on this converter."""
    _quick_toc(md)
    _quick_link_parts(md)


def _quick_toc(md: markdown.Markdown) -> None:
    md.treeprocessors["toc"].__class__ = QuickToc  # the same pass and settings, with a quicker run()


# Text the serializer, the unescaping and the postprocessors would change: escaped, placeholders, markup.
_NOT_PLAIN = (util.STX, util.ETX, "&", "<", ">")
_IN_ATTRIBUTES = '&<>"'  # what the serializer escapes in an attribute (the library's slugs hold none)
_SLUGS = (toc.slugify, toc.slugify_unicode)


def _plain_heading(el) -> bool:
    text = el.text or ""
    return (len(el) == 0 and "id" not in el.attrib and "data-toc-label" not in el.attrib
            and not any(c in text for c in _NOT_PLAIN))


class QuickToc(toc.TocTreeprocessor):
    """The library's toc pass. When every heading is plain text (no child elements, nothing to
    escape or restore), a heading's inner HTML is its stripped text and its name that with spaces
    collapsed, as render_inner_html and strip_tags give them, and the contents list is written
    directly in the layout the prettify pass and the serializer give it."""

    def run(self, doc) -> None:
        """Give each heading its id and permalink; set md.toc and md.toc_tokens."""
        headings = [el for el in doc.iter() if isinstance(el.tag, str) and self.header_rgx.match(el.tag)]
        if (self.marker or self.title or self.use_anchors or "prettify" not in self.md.treeprocessors
                or self.slugify not in _SLUGS or any(c in self.toc_class + self.sep for c in _IN_ATTRIBUTES)
                or not headings or not all(map(_plain_heading, headings))):
            return super().run(doc)
        used = {el.get("id") for el in doc.iter()}
        used.discard(None)
        counters: dict = {}
        tokens = []
        for el in headings:
            self.set_level(el)
            inner = (el.text or "").strip()
            name = " ".join(inner.split())
            el.attrib["id"] = toc.unique(self.slugify(name, self.sep), used, counters)
            level = int(el.tag[-1])
            if self.toc_top <= level <= self.toc_bottom:
                tokens.append({"level": level, "id": el.attrib["id"], "name": name, "html": inner,
                               "data-toc-label": ""})
            if self.use_permalinks not in [False, None]:
                self.add_permalink(el, el.attrib["id"])
        self.md.toc_tokens = toc.nest_toc_tokens(tokens)
        self.md.toc = f'<div class="{self.toc_class}">\n{_toc_list(self.md.toc_tokens)}</div>\n'


def _toc_list(items: list) -> str:
    """A nested contents list as the library's toc pass writes it (its ids are slugs: nothing to escape)."""
    parts = ["<ul>\n"]
    for item in items:
        parts.append(f'<li><a href="#{item["id"]}">{item["name"]}</a>')
        if item["children"]:
            parts.append(_toc_list(item["children"]))
        parts.append("</li>\n")
    parts.append("</ul>\n")
    return "".join(parts)


def _quick_link_parts(md: markdown.Markdown) -> None:
    stock = inlinepatterns.LinkInlineProcessor
    for pattern in md.inlinePatterns:
        kind = type(pattern)
        if isinstance(pattern, stock) and kind.getText is stock.getText and kind.getLink is stock.getLink:
            pattern.getText = functools.partial(quick_text, pattern)
            pattern.getLink = functools.partial(quick_link, pattern)


def quick_text(pattern, data: str, index: int) -> tuple[str, int, bool]:
    """The library's getText of a link's '[text]', which walks it a character at a time counting
    brackets: text without a '[' before the first ']' is that text, found with str.find."""
    end = data.find("]", index)
    if end >= 0 and data.find("[", index, end) < 0:
        return data[index:end], end + 1, True
    return inlinepatterns.LinkInlineProcessor.getText(pattern, data, index)


def quick_link(pattern, data: str, index: int) -> tuple[str, str | None, int, bool]:
    """The library's getLink of a link's '(url "title")', which walks it a character at a time:
    '(url)' with no '(' or quote before the first ')' is that url."""
    if data.startswith("(", index):
        match = pattern.RE_LINK.match(data, pos=index)
        if not match.group(1):
            start = match.end()
            end = data.find(")", start)
            if end >= 0 and not any(c in data[start:end] for c in "(\'\""):
                return pattern.unescape(data[start:end]).strip(), None, end + 1, True
    return inlinepatterns.LinkInlineProcessor.getLink(pattern, data, index)
