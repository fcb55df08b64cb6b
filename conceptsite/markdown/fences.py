"""Code blocks, fenced and indented, found with CommonMark's block structure (blockparse.py) and put in
Python-Markdown's stash highlighted, before anything else reads the text: display math keeps off their
dollars, and a fence inside a list item or a block quote is found as surely as one at the top.

Each block becomes its placeholder on its first line and FILLER on the others, behind the same container
prefixes, so the document keeps its lines (diagnostics are placed by line) and its structure.

Highlighting is codehilite's, as Python-Markdown's fenced_code and codehilite's own pass call it: a
fence's language is the first word of its info string (`ts title="x"` is TypeScript; a language Pygments
does not know is plain text), an indented block may name its language in a first `:::lang` line. What
codehilite strips, the blank lines at either end of a fence, is put back: CommonMark keeps them.
"""
from __future__ import annotations

import re
import string

from markdown import util
from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension, parse_hl_lines

from conceptsite.markdown.blockparse import FENCE, FILLER, ITEM, NOTE, QUOTE, STASH, Block

_ESCAPED = re.compile(r"\\([%s])" % re.escape(string.punctuation))
_HL_LINES = re.compile(r"""\bhl_lines=(["'])(.*?)\1""")
_ATTR_LANG = re.compile(r"\{\s*\.([^\s}]+)")  # fenced_code's `{.lang ...}`


class Source:
    """The text as Markdown was given it (its lines saved before the whitespace pass expands tabs), to
    read code from."""

    def __init__(self, lines: list[str]):
        self.given = lines
        self._text: str | None = None
        self._lines: list[str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join(self.given)
        return self._text

    def ends_line(self) -> bool:
        """Whether the text ends with a line break (which ends its last line, and starts none)."""
        return bool(self.given) and (self.given[-1] == "" or self.given[-1].endswith("\r"))

    def lines(self, count: int) -> list[str] | None:
        """Its lines matching the `count` normalised ones, or None when they are those very lines (no tab,
        no line of spaces that the whitespace pass empties)."""
        text = self.text
        if "\t" not in text and " \n" not in text and not text.endswith(" "):
            return None
        if self._lines is None:
            text = text.replace(util.STX, "").replace(util.ETX, "")
            self._lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n") + ["", ""]
        return self._lines if len(self._lines) == count else None


def stash_code(md, blocks: list[Block], lines: list[str], source: Source | None) -> list[str]:
    """The lines with each code block stashed (its placeholder, then FILLER lines); blocks become STASH."""
    if not blocks:
        return lines
    out = list(lines)
    raw = source.lines(len(lines)) if source is not None else None
    hilite = Highlighter(md)
    for block in blocks:
        content = [_content(raw[n] if raw else lines[n], col) for n, _, col in block.lines if col is not None]
        if block.kind is FENCE:
            html = hilite.fence(block.text, "".join(line + "\n" for line in content))
        else:
            html = hilite.indented("\n".join(content) + "\n")
        first = block.start
        block.kind, block.text = STASH, md.htmlStash.store(html)
        out[first] = lines[first][:block.prefix] + block.text
        blank = None
        for n, pos, _ in block.lines:
            if n == first:
                continue
            if pos < len(lines[n]):
                out[n] = lines[n][:pos] + FILLER
                continue
            if blank is None:  # a blank line: its prefix may be short of an item's indentation
                blank = "".join("> " if c.kind is QUOTE else " " * c.width if c.kind in (ITEM, NOTE) else ""
                                for c in block.path) + FILLER
            out[n] = blank
        block.lines, block.path = [], []
    return out


def _content(line: str, col: int) -> str:
    """The line from column col (tabs at stops of 4), a tab that col splits given as the spaces left of it."""
    if "\t" not in line:
        return line[col:]
    at = 0
    for i, c in enumerate(line):
        if at >= col:
            return line[i:]
        if c == "\t":
            width = 4 - at % 4
            if at + width > col:
                return " " * (at + width - col) + line[i + 1:]
            at += width
        else:
            at += 1
    return ""


class Highlighter:
    """Code to HTML as codehilite writes it, with the settings its extension was given."""

    def __init__(self, md):
        self.md = md
        self.fence_config = next((ext.getConfigs() for ext in md.registeredExtensions
                                  if isinstance(ext, CodeHiliteExtension)), None)
        hilite = md.treeprocessors["hilite"] if "hilite" in md.treeprocessors else None
        self.block_config = getattr(hilite, "config", None)

    def fence(self, info: str, code: str) -> str:
        lang, config = language(info)
        conf = self.fence_config
        if conf is None or not conf.get("use_pygments", True):
            attr = f' class="language-{_attribute(lang)}"' if lang else ""
            return f"<pre><code{attr}>{_escape(code)}</code></pre>"
        local = {**conf, **config}
        html = CodeHilite(code, lang=lang or None, style=local.pop("pygments_style", "default"),
                          **local).hilite(shebang=False)
        return _keep_blank_ends(html, code)

    def indented(self, code: str) -> str:
        conf = self.block_config
        if conf is None:
            return f"<pre><code>{_escape(code)}</code></pre>"
        local = conf.copy()
        return CodeHilite(code, tab_length=self.md.tab_length, style=local.pop("pygments_style", "default"),
                          **local).hilite()


def language(info: str) -> tuple[str, dict]:
    """The language of a fence's info string, its first word (backslash escapes read), and the options
    Python-Markdown's fences took there: `hl_lines="1 3"`, and `{.lang}` for the language."""
    config = {}
    if "hl_lines" in info:
        m = _HL_LINES.search(info)
        if m:
            config["hl_lines"] = parse_hl_lines(m.group(2))
    if info.startswith("{"):
        m = _ATTR_LANG.match(info)
        return (m.group(1) if m else ""), config
    word = info.split(None, 1)[0] if info else ""
    if "\\" in word:
        word = _ESCAPED.sub(r"\1", word)
    return word.removeprefix(".") if len(word) > 1 else word, config


def _keep_blank_ends(html: str, code: str) -> str:
    """codehilite strips the blank lines at both ends of the code; CommonMark keeps them."""
    if code.startswith("\n") or code.endswith("\n\n") or not code:
        start, end = html.find("<code>"), html.rfind("</code>")
        if 0 <= start < end:
            start += len("<code>")
            inner = html[start:end]
            if not code.strip("\n"):
                inner = code
            else:
                inner = "\n" * (len(code) - len(code.lstrip("\n"))) + inner + "\n" * (
                    len(code) - len(code.rstrip("\n")) - 1)
            html = html[:start] + inner + html[end:]
    return html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")
