"""Obsidian's embeds (issue 25): `![[note]]` and its parts leave a slot in the body that the embed stage
(build/embeds.py) fills once every body is made; `![[pic.png]]` is the image itself."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor

from conceptsite.diagnostics import NO_NOTE
from conceptsite.urls import relative_url

IMAGES = ("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp")
_SIZE = re.compile(r"(\d+)(?:x(\d+))?")  # ![[pic.png|300]] or |300x200


class EmbedPattern(InlineProcessor):
    """`![[note]]`, `![[note#Heading]]`, `![[note#^block]]`: a slot the embed stage fills with that text (build/
    embeds.py, once every body is made); `![[pic.png|300]]`: the image, found anywhere by its name."""

    PATTERN = r"!\[\[([^\[\]\n]+)\]\]"

    def __init__(self, md, state, warn):
        super().__init__(self.PATTERN, md)
        self.state, self.warn = state, warn  # convert._State; warn(message, needle)

    def handleMatch(self, m, data):  # noqa: N802
        target, _, option = self.unescape(m.group(1)).partition("|")
        target, option = target.strip(), option.strip()
        if target.rpartition(".")[2].lower() in IMAGES or "." in target.rpartition("/")[2] and "#" not in target:
            return self._file(m, target, option), m.start(0), m.end(0)
        note, _, part = (text.strip() for text in target.partition("#"))
        found = self.state.resolver.resolve(note)
        if found is None:
            self.warn(f"{NO_NOTE} '{note}' to embed{self.state.resolver.hint(note)}", m.group(0))
            return broken(target, f"{NO_NOTE} '{note}' yet"), m.start(0), m.end(0)
        self.state.wikilinks.append(found[0])
        self.state.embeds.append((found[0], part, m.group(0)))
        return etree.Element("span", {"data-embed": str(len(self.state.embeds) - 1)}), m.start(0), m.end(0)

    def _file(self, m, name: str, option: str) -> etree.Element:
        """An embedded file: an image shown (at a width, or width x height, when given), another file linked."""
        rel = self.state.resolver.resolve_file(name, self.state.folder)
        if rel is None:
            self.warn(f"no file named '{name}' to embed", m.group(0))
            return broken(name, f"no file named '{name}'")
        self.state.links.append("/" + rel)
        href = relative_url(self.state.page_url, rel)
        if rel.rpartition(".")[2].lower() not in IMAGES:
            el = etree.Element("a", {"class": "wikilink", "href": href})
            el.text = option or name.rpartition("/")[2]
            return el
        # "wikilink": made by us, with an address the link pass must leave as it is
        el = etree.Element("img", {"class": "wikilink embed-image", "src": href, "alt": name.rpartition("/")[2]})
        size = _SIZE.fullmatch(option)
        if size:
            el.set("width", size.group(1))
            if size.group(2):
                el.set("height", size.group(2))
        return el


def broken(text: str, title: str) -> etree.Element:
    """What a link or embed to nothing shows: its text, marked unresolved, with no address."""
    el = etree.Element("span", {"class": "wikilink broken", "title": title})
    el.text = text
    return el


def anchor_of(part: str) -> str:
    """The id a link's or embed's part names: a heading's as the toc pass makes it, a block id without its '^'."""
    return part[1:] if part.startswith("^") else slugify_unicode(part, "-")
