"""Obsidian's own syntax (issue 25): what its notes use beyond CommonMark.

- `%%comment%%`, inline or over many lines, is not here: it is taken out when the page is read (source/fields.
  read_marks), so neither this converter nor the summary, read time or link checks see it.
- `==text==` is `<mark>`, `~~text~~` is `<del>`: the text hugs both marks and holds no pair of its own ('a == b'
  is no highlight).
- `#tag`, `#nested/tag` after a space, a line's or table cell's start or an emphasis mark is a link to the tag's
  page, class "tag"; fields.read_marks adds the same tags to the page (tests/test_obsidian.py holds the two to
  each other). Not in a link's text: no link in a link.
- `- [ ] item` and `- [x] item` get a disabled checkbox, the item class "task".
- `text^[a note]` is an inline footnote, numbered after the note's `[^1]` ones.
- `text ^block-id` ending a paragraph or list item is that element's id (without the '^'), shown nowhere; a
  paragraph of only `^block-id` gives it to the block before it (a list, quote or table).
"""
from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from conceptsite.source.discover import make_slug
from conceptsite.source.fields import TAG_NAME, opens_tag, tag_follows, tag_name
from conceptsite.source.marks import BLOCK_ID, marked_regions
from conceptsite.urls import relative_url

_BRACKET = re.compile(r"\^\[|[\[\]\n]")
_TASK = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_BLOCK_ID = re.compile(BLOCK_ID)


class ObsidianExtension(Extension):
    """Registers the processors for Obsidian's syntax on a converter: state is convert._State (its page_url),
    warn(message, needle) records a warning about the page being converted."""

    def __init__(self, state, warn):
        super().__init__()
        self.state, self.warn = state, warn

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        """Marks and tags inside emphasis; tasks and block ids before the inline pass."""
        md.preprocessors.register(InlineFootnotes(md), "inline_footnotes", 40)  # before the block reader (35, 25)
        md.inlinePatterns.register(Highlight(md), "highlight", 65)  # after links, before emphasis (60)
        md.inlinePatterns.register(Strike(md), "strike", 64)
        tags = InlineTag(md, self.state)
        md.inlinePatterns.register(tags, "inline_tag", 45)  # after emphasis: '**#tag**'
        md.treeprocessors.register(TagPlaces(md, tags.made), "tag_places", 19)  # just after the inline pass (20)
        md.treeprocessors.register(TasksAndIds(md, self.warn), "obsidian_blocks", 22)  # before math (21), inline (20)


def _paired(mark: str) -> str:
    """The pattern of text between two doubled marks: it hugs both and holds no doubled mark of its own ('a == b'
    is no highlight). The mark first, then what precedes it (a lookbehind first would be tried at every
    position); no pair inside keeps each try to the next pair, so a line of them stays quick."""
    return rf"{mark}{mark}(?<!{mark * 3})(?=\S)((?:[^{mark}]|{mark}(?!{mark}))+?)(?<=\S){mark}{mark}(?!{mark})"


class InlineFootnotes(Preprocessor):
    """`text^[a note]` as a footnote: each becomes a reference `[^inline-N]` where it stands and a definition
    after the text (its lines keep their numbers), so they are numbered in order, after the note's `[^1]`
    ones (footnotes are numbered as their definitions stand); in code, math and links it stays text."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "^[" not in text:
            return lines
        pieces, notes, done = [], [], 0
        for start, end in _inline_notes(text):
            notes.append(text[start + 2:end - 1])
            pieces += [text[done:start], f"[^inline-{len(notes)}]"]
            done = end
        if not notes:
            return lines
        ends = [f"[^inline-{n}]: {note}" for n, note in enumerate(notes, 1)]
        return "".join(pieces + [text[done:]]).split("\n") + ["", *ends]


def _inline_notes(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `^[...]` outside code, math and links, its brackets matched within its line (one
    pass, however many are left open), in order; one inside another is part of that one's text."""
    pairs, opened = [], []  # the '[' still open on this line: where its '^[' starts, or None for a bare '['
    for m in _BRACKET.finditer(text):
        if m.group() == "\n":
            opened.clear()
        elif m.group() != "]":
            opened.append(m.start() if m.group() == "^[" else None)
        elif opened and (start := opened.pop()) is not None and m.end() > start + 3:  # (a note of some text)
            pairs.append((start, m.end()))
    hidden = [(start, end) for start, end, kind in marked_regions(text) if kind != "quote"] if pairs else []
    found, last = [], 0
    for start, end in sorted(pairs):
        place = bisect.bisect(hidden, (start, len(text))) - 1
        if start >= last and not (place >= 0 and hidden[place][1] > start):
            found.append((start, end))
            last = end
    return found


class Highlight(InlineProcessor):
    """`==text==` as `<mark>`; what is inside is read on (emphasis, links, tags)."""

    PATTERN, TAG = _paired("="), "mark"
    NEEDS = ("==",)  # text every match holds (speedups.install)

    def __init__(self, md):
        super().__init__(self.PATTERN, md)

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        el = etree.Element(self.TAG)
        el.text = m.group(1)
        return el, m.start(0), m.end(0)


class Strike(Highlight):
    """`~~text~~` as `<del>`, struck out (Obsidian's and GitHub's)."""

    PATTERN, TAG = _paired("~"), "del"
    NEEDS = ("~~",)


class InlineTag(InlineProcessor):
    """`#tag` as a link to its tag's page, where fields.inline_tag_offsets finds one."""

    # At its text's start, after a space or emphasis mark, or after a placeholder if that is a line break
    PATTERN = "#(?<![^\\s*_=|" + util.ETX + "]#)(" + TAG_NAME + ")"
    NEEDS = ("#",)
    ANCESTOR_EXCLUDES = ("a", "span")  # in a link's text (a wikilink's, broken too) it stays text

    def __init__(self, md, state):
        super().__init__(self.PATTERN, md)
        self.state = state
        self.made: list = []  # the tags made on this page, for TagPlaces

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        tag = m.group(1)
        follows = tag_follows(data, m.start())  # a placeholder's element: TagPlaces looks
        if not tag_name(tag) or not (opens_tag(follows) or follows == util.ETX):  # '#1984' is no tag
            return None, None, None
        href = relative_url(self.state.page_url, f"tags/{make_slug(tag)}/")  # render.views.tag_url, a layer up
        el = etree.Element("a", {"class": "tag", "href": href})
        el.text = util.AtomicString("#" + tag)
        self.made.append(el)
        return el, m.start(0), m.end(0)


class TagPlaces(Treeprocessor):
    """Undoes a tag the inline pass made where no tag stands (tag_follows): it reads the text after an inline
    element once more on its own, where a '#' seems to start its text ('*a* #b', '==#a#b==')."""

    INLINE = {"a", "b", "code", "del", "em", "i", "mark", "s", "span", "strong", "sub", "sup"}

    def __init__(self, md, made: list):
        super().__init__(md)
        self.made = made

    def run(self, root):
        if not self.made:
            return
        parents, places = {}, {}
        for parent in root.iter():
            for i, child in enumerate(parent):
                parents[child], places[child] = parent, i
        wrong = {el for el in self.made if el in parents and not self.follows_space(el, parents, places)}
        for parent in {parents[el] for el in wrong}:
            _unwrap(parent, wrong)
        self.made.clear()

    def follows_space(self, el, parents: dict, places: dict) -> bool:
        """Whether what stands before el in its block ends in a space (past emphasis marks), or a line break,
        or nothing does."""
        while True:
            parent, index = parents[el], places[el]
            text = parent[index - 1].tail if index else parent.text
            if text and text.rstrip("*_="):
                return opens_tag(text.rstrip("*_=")[-1])
            if index:
                return parent[index - 1].tag == "br"
            if parent.tag not in self.INLINE:
                return True
            el = parent


def _unwrap(parent, wrong: set) -> None:
    """Put the text of parent's children in wrong (and what follows each) back in their places, as text."""
    kept = []
    for child in parent:
        text = (child.text or "") + (child.tail or "") if child in wrong else None
        if text is None:
            kept.append(child)
        elif kept:
            kept[-1].tail = (kept[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    parent[:] = kept


class TasksAndIds(Treeprocessor):
    """Checkboxes for task items and ids from `^block-id`s, on the block tree before the inline pass."""

    def __init__(self, md, warn):
        super().__init__(md)
        self.warn = warn

    def run(self, root):
        seen: set[str] = set()
        for parent in list(root.iter()):
            for el in list(parent):
                if el.tag in ("p", "li"):
                    self.block_id(parent, el, seen)
        for li in root.iter("li"):  # after the ids: '- [ ] item ^id' is both
            self.task(li)

    def task(self, li) -> None:
        """A list item starting '[ ]', '[x]' or '[X]' gets a disabled checkbox there."""
        holder = li
        if not (li.text or "").strip() and len(li) and li[0].tag == "p":  # a loose list's item
            holder = li[0]
        found = _TASK.match((holder.text or "").lstrip())
        if found is None:
            return
        box = etree.Element("input", {"type": "checkbox", "disabled": "disabled"})
        if found.group(1) != " ":
            box.set("checked", "checked")
        box.tail = " " + holder.text.lstrip()[found.end():]
        holder.text = ""
        holder.insert(0, box)
        li.set("class", f"{li.get('class')} task" if li.get("class") else "task")

    def block_id(self, parent, el, seen: set[str]) -> None:
        """A `^block-id` ending the element's own text becomes its id; alone in a paragraph, the block's before."""
        text = el.text or ""
        if "^" not in text:
            return
        bare = text.rstrip()
        at = bare.rfind("^")
        if not _BLOCK_ID.fullmatch(bare, at + 1) or (at and not bare[at - 1].isspace()):
            return
        name, target = bare[at + 1:], el
        if at == 0 and el.tag == "p":
            index = list(parent).index(el)
            if index == 0 or "id" in parent[index - 1].attrib:
                return
            target = parent[index - 1]
        if name in seen:
            line = bare[bare.rfind("\n") + 1:]
            self.warn(f"block id ^{name} is used twice on this page; links to it go to the first", line)
        else:
            seen.add(name)
            target.set("id", name)
        if target is el:
            el.text = text[:at].rstrip() + text[len(bare):]
        else:
            parent.remove(el)
