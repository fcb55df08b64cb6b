"""Python-Markdown made faster on our converter, with the same output (Markdown 3.11.4: see __init__).

- LITERAL_FIRST: inline patterns that open with a lookbehind, which makes the regex engine try a
  match at every position, get equivalents that open with their one possible first character.
- BLOCK_NEEDS: the block tests that scan each block with a line-anchored regex first rule out,
  with `in` or count(), blocks lacking the text a match needs; RUN_NEEDS does the same for
  processors that accept every block in test() and give most of them back from run().
- INLINE_NEEDS: the library tries every inline pattern on every text node, each through a Python
  call and a regex scan (~0.3 ms of a 2.5 ms page). A pattern none of whose needed texts occurs
  in the node cannot match there, so it is passed over without that call (GatedInline).

And the whitespace pass over the whole source runs its spaces-only-line regex only when some line
ends in a space (QuickWhitespace).

Patterns are named as the library registers them. Whole passes and the link parser are made
quicker in markdown_passes.py.
"""
from __future__ import annotations

import functools
import re

import markdown
from markdown import inlinepatterns, preprocessors, treeprocessors, util

_BACKTICK = r"(?:(\\(?<!\\\\)\\(?:\\{2})*)(?=`+)|`(?<!\\`))"
_NOT_IMAGE = r"\[(?<!\!\[)"  # '[' not preceded by '!'
# Inline pattern name -> an equivalent pattern that opens with its first character, not a lookbehind.
LITERAL_FIRST = {"backtick": _BACKTICK, "reference": _NOT_IMAGE, "link": _NOT_IMAGE, "short_reference": _NOT_IMAGE}

BLOCK_NEEDS = {
    "hashheader": lambda block: "#" in block,
    "setextheader": lambda block: "\n=" in block or "\n-" in block,
    "hr": lambda block: block.count("-") >= 3 or block.count("*") >= 3 or block.count("_") >= 3,
    "quote": lambda block: ">" in block,
    "table": lambda block: "|" in block,
}

# Block processors whose test always passes and whose run gives up (block restored, False) on a block
# without this text: their test is made to say so first, so the parser moves on without the call.
RUN_NEEDS = {
    "footnote": lambda block: "[^" in block,
    "reference": lambda block: "]:" in block,
}

# Inline pattern name -> texts of which every match holds at least one.
INLINE_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "image_link": ("![",), "image_reference": ("![",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",), "short_image_ref": ("![",),
    "autolink": ("://",), "automail": ("@",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
}

_SPACES_LINE = re.compile(r"(?<=\n) +\n")  # the whitespace pass's own regex, compiled once


def tune(md: markdown.Markdown, inline_needs: dict[str, tuple[str, ...]]) -> None:
    """Apply every speed-up to this converter; inline_needs adds our own patterns' needed texts."""
    _literal_first(md)
    _quick_block_tests(md)
    _gate_inline(md, {**INLINE_NEEDS, **inline_needs})
    _quick_whitespace(md)


def _registered_at(registry, name: str) -> float:
    """The priority a registry item was registered with, to put a stand-in at the same place."""
    return next(item.priority for item in registry._priority if item.name == name)


def _quick_whitespace(md: markdown.Markdown) -> None:
    priority = _registered_at(md.preprocessors, "normalize_whitespace")
    md.preprocessors.register(QuickWhitespace(md), "normalize_whitespace", priority)


def _stock_reference(pattern) -> bool:
    """A reference-link pattern whose match the library handles: it looks the id up in md.references,
    and leaves the text as it was when the id is not there."""
    return (isinstance(pattern, inlinepatterns.ReferenceInlineProcessor)
            and type(pattern).handleMatch is inlinepatterns.ReferenceInlineProcessor.handleMatch)


class QuickWhitespace(preprocessors.Preprocessor):
    """The library's whitespace pass: markers dropped, line ends unified, tabs expanded, lines of only
    spaces emptied; that last regex scan is skipped when no line ends in a space."""

    def run(self, lines: list[str]) -> list[str]:
        """Normalise the source lines."""
        text = "\n".join(lines)
        if util.STX in text or util.ETX in text:
            text = text.replace(util.STX, "").replace(util.ETX, "")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = (text + "\n\n").expandtabs(self.md.tab_length)
        if " \n" in text:
            text = _SPACES_LINE.sub("\n", text)
        return text.split("\n")


def _literal_first(md: markdown.Markdown) -> None:
    for name, faster in LITERAL_FIRST.items():
        md.inlinePatterns[name].compiled_re = re.compile(faster, re.DOTALL | re.UNICODE)  # the library's flags


def _quick_block_tests(md: markdown.Markdown) -> None:
    for name, needs in {**BLOCK_NEEDS, **RUN_NEEDS}.items():
        if name in md.parser.blockprocessors:
            processor = md.parser.blockprocessors[name]
            processor.test = functools.partial(_test_if, needs, processor.test)


def _test_if(needs, test, parent, block: str) -> bool:
    return needs(block) and test(parent, block)


def _gate_inline(md: markdown.Markdown, needs: dict) -> None:
    md.treeprocessors.register(GatedInline(md, needs), "inline", _registered_at(md.treeprocessors, "inline"))


class GatedInline(treeprocessors.InlineProcessor):
    """The library's inline pass, passing over patterns whose needed texts are absent from a node."""

    def __init__(self, md: markdown.Markdown, needs: dict):
        super().__init__(md)
        self.needs = needs
        self.patterns: list = []
        self.tried: dict = {}  # (the needed texts a node holds, skipped) -> the positions of the patterns to try on it
        self.skipped: frozenset = frozenset()

    def run(self, tree, ancestors=None):
        """Note the patterns in the library's order (it passes positions around), then run as usual."""
        patterns = list(self.inlinePatterns)
        if patterns != self.patterns:
            self.patterns, self.tried = patterns, {}
            registry = self.inlinePatterns
            named = {id(registry[name]): want for name, want in self.needs.items() if name in registry}
            self.wants = [named.get(id(p)) for p in patterns]
            self.texts = tuple(sorted({text for want in self.wants if want for text in want}))
            self.by_reference = frozenset(i for i, p in enumerate(patterns) if _stock_reference(p))
        # '[a][id]' and its kin become links only through a definition '[id]: url' on the page; with
        # none, such a pattern's match leaves the text as it is, so on most pages they are not tried.
        self.skipped = frozenset() if self.md.references else self.by_reference
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # As the library's own: each pattern, in order, is applied until it stops matching. A match
        # only swaps text for a placeholder, framed by control characters no needed text holds and
        # holding none itself, so a text absent at first stays absent: the patterns are picked once.
        if isinstance(data, util.AtomicString):
            return data
        apply, patterns = self._InlineProcessor__applyPattern, self.patterns
        for index in self._patterns_for(data):
            matched, start = index >= patternIndex, 0
            while matched:
                data, matched, start = apply(patterns[index], data, index, start)
        return data

    def _patterns_for(self, data: str) -> tuple[int, ...]:
        present = tuple(text for text in self.texts if text in data)
        found = self.tried.get((present, self.skipped))
        if found is None:
            found = self.tried[(present, self.skipped)] = tuple(
                index for index, want in enumerate(self.wants)
                if index not in self.skipped and (want is None or any(t in present for t in want)))
        return found
