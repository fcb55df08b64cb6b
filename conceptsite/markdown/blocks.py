"""Block syntax as authors write it: where Python-Markdown departs from CommonMark on blocks that real
notes use (fences, nested lists, block quotes), the extension here reads them as CommonMark does.

- blockparse.py reads the block structure, CommonMark's way, in one pass over the lines;
- fences.py stashes code blocks (fenced, any info string, in any container; indented), highlighted;
- blocktree.py turns the tree into elements, in place of the library's list, quote, heading, rule and
  code processors (left dormant under their names);
- inlines.py reads backslash escapes, hard line breaks, autolinks and character references as
  CommonMark does.

A fence left open at the end of the page is a warning at its opening line: CommonMark makes the rest of
the page code, which is seldom what the author meant.
"""
from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from conceptsite.markdown.runaway import needle_at
from conceptsite.markdown import fences, inlines
from conceptsite.markdown.blockparse import FILLER, Parser
from conceptsite.markdown.blocktree import REPLACED, BlockTree, Dormant, Shared

UNCLOSED_FENCE = "this code fence is never closed, so the rest of the page is code"


def extensions(warn=None) -> list:
    """The Markdown extensions for block syntax, in place of Python-Markdown's own. warn(message, needle)
    records a warning about the page being converted (none are recorded without it)."""
    return [BlocksExtension(warn)]


class BlocksExtension(Extension):
    def __init__(self, warn=None):
        super().__init__()
        self.warn = warn

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        shared = Shared()
        # Before the whitespace pass (30) expands tabs, which code keeps; before display math (24) and raw
        # HTML (20) read the text, which must not reach into code.
        md.preprocessors.register(_KeepSource(md, shared), "blocks_source", 35)
        md.preprocessors.register(_ReadBlocks(md, shared, self.warn), "blocks", 25)
        md.parser.blockprocessors.register(BlockTree(md.parser, shared), "blocks", 110)
        for name, priority in REPLACED.items():
            md.parser.blockprocessors.register(Dormant(md.parser), name, priority)
        inlines.install(md, shared.escapes)
        md.postprocessors.register(_NoFiller(md), "no_filler", 10)


class _KeepSource(Preprocessor):
    """Keeps the text as given, for code to be read from before tabs are expanded."""

    def __init__(self, md, shared: Shared):
        super().__init__(md)
        self.shared = shared

    def run(self, lines: list[str]) -> list[str]:
        self.shared.reset(lines)
        return lines


class _ReadBlocks(Preprocessor):
    """Reads the block structure, stashes the code, and warns of a fence left open."""

    def __init__(self, md, shared: Shared, warn):
        super().__init__(md)
        self.shared, self.warn = shared, warn

    def run(self, lines: list[str]) -> list[str]:
        reader = Parser(footnotes="footnote" in self.md.parser.blockprocessors)
        shared = self.shared
        # The whitespace pass added two lines, and the text's last line break one.
        shared.tree = reader.parse(lines, len(lines) - 2 - shared.source.ends_line())
        if reader.unclosed is not None:
            self._warn(reader.unclosed)
        shared.lines = fences.stash_code(self.md, reader.codes, lines, shared.source)
        return shared.lines

    def _warn(self, fence) -> None:
        if self.warn is None:
            return

        text = self.shared.source.text
        start = _line_start(text, fence.start)
        at = text.find(fence.fence, start)
        at = start if at < 0 else at
        message = (f"{UNCLOSED_FENCE}: close it with a line of {fence.fence} (or a longer run of "
                   f"'{fence.fence[0]}'), or escape its first character as \\{fence.fence[0]} if no code is meant")
        self.warn(message, needle_at(text, at))


def _line_start(text: str, line: int) -> int:
    """Where line (from 0) starts in text, lines ending as the whitespace pass ends them."""
    at = 0
    for m in re.finditer("\r\n|\r|\n", text):
        if line == 0:
            break
        line, at = line - 1, m.end()
    return at if line == 0 else len(text)


class _NoFiller(Postprocessor):
    """A line of stashed code that raw HTML swallowed whole is dropped, not shown."""

    def run(self, text: str) -> str:
        return text.replace(FILLER + "\n", "").replace(FILLER, "") if FILLER in text else text
