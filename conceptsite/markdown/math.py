"""Math in a Markdown body: `$…$` and `$$…$$` become MathML (latex2mathml), in block quotes, list items,
footnotes and table cells too.

- `$x$`: the opening `$` hugs what follows and is not after a letter, digit, `$` or backslash, the closing
  one hugs what precedes and is not before a letter, digit or `$` ('costs $5 and $10' stays prose); it may
  wrap. `\\$` is a dollar, opening and closing none. Code spans and `[[wikilinks]]` keep their `$`.
- `$$…$$` from the start of a line (after any quote and list markers), on one line or several within a
  paragraph; punctuation right after it ('$$…$$.') joins the formula. Code is stashed first: its `$$` stay.
- What latex2mathml cannot render (an unknown command or environment, unbalanced braces, TeX it rejects)
  is shown as the TeX in `<code class="math-error">`, with a warning placed at that spot in the source.
"""
from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from typing import Callable

from markdown import util
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

Warn = Callable[[str, str], None]  # (message, needle): the needle is source text starting where the problem is

# Environments latex2mathml lays out as tables (tests/test_math.py holds this to its MATRICES); those it
# reads as a plain group, '&' as a letter, given to it as one it lays out (an optional [t] or {n} dropped);
# and those a plain group renders rightly. Any other is reported, not rendered.
NATIVE = {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array", "cases", "split",
          "align", "align*", "matrix*", "pmatrix*", "bmatrix*", "Bmatrix*", "vmatrix*", "Vmatrix*"}
AS_TABLE = {"aligned": "align*", "alignedat": "align*", "gathered": "displaylines", "gather": "displaylines",
            "gather*": "displaylines", "dcases": "cases"}
AS_GROUP = {"equation", "equation*"}
_RENAME = re.compile(r"\\(begin|end)\s*\{(%s)\}(\s*(?:\[[tbc]\]|\{\d+\}))?" % "|".join(
    re.escape(name) for name in sorted(AS_TABLE, key=len, reverse=True)))
_ARG = re.compile(r"\\arg(?![A-Za-z])")
_BRACES = re.compile(r"\\(?:begin|end)\s*\{([^{}]*)\}|\\.|[{}]", re.S)  # environments, escapes, braces
_REFERENCES = re.compile(r"&amp;(#x[0-9A-Fa-f]+;)")  # the character references latex2mathml writes as text
_ATTRIBUTES = {"href": "\\href", "style": "\\style", "class": "\\class"}  # HTML, not math, in a page of ours
_TROUBLE = {  # latex2mathml's exceptions (they carry no message), said for authors
    "ExtraLeftOrMissingRightError": "a \\left without its \\right, or the other way round",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ with nothing after it",
    "MissingEndError": "a \\begin without its \\end", "StopIteration": "a command without its argument",
    "DoubleSuperscriptsError": "two superscripts on one base", "DoubleSubscriptsError": "two subscripts on one base",
    "NoAvailableTokensError": "a command or group with nothing in it"}


def register(md, warn: Warn) -> None:
    """Add display and inline math, and `\\$` as an escaped dollar, to a converter; problems go to warn."""
    if "$" not in md.ESCAPED_CHARS:
        md.ESCAPED_CHARS.append("$")
    md.preprocessors.register(DisplayMath(md, warn), "display_math", 24)  # after code is stashed (25)
    md.treeprocessors.register(WrappedMath(md, warn), "wrapped_math", 21)  # just before the inline pass (20)
    md.inlinePatterns.register(InlineMath(md, warn), "inline_math", 185)  # after code spans, before escapes


@functools.lru_cache(maxsize=4096)
def render(latex: str, display: str) -> tuple[str, str, int]:
    """(html, problem, offset): the MathML for some TeX, or the TeX as code with what is wrong at which offset
    of it. Small formulas ($x$, $\\sigma$) recur across a site's pages; converting one is ~0.5 ms."""
    from latex2mathml.converter import convert_to_element  # imported on the first formula: ~60 ms, most runs have none

    problem, offset = _unbalanced(latex)
    if not problem:
        try:
            math = convert_to_element(_prepared(latex), display=display)
        except Exception as exc:  # latex2mathml raises many types; all mean "cannot convert"
            problem, offset = f"cannot render math: {_TROUBLE.get(type(exc).__name__, type(exc).__name__)}", 0
        else:
            problem, offset = _unrendered(math, latex)
    if problem:
        code = f'<code class="math-error">{html.escape(latex, quote=False)}</code>'
        return code, f"{problem}; the formula is shown as TeX", offset
    # latex2mathml's own serializing unescapes all text, so '\text{<img …>}' would write a tag: escape it
    # all, then give back the character references it writes itself.
    return _REFERENCES.sub(r"&\1", etree.tostring(math, encoding="unicode")), "", 0


def _prepared(latex: str) -> str:
    """The TeX as latex2mathml reads it right: environments it lays out, and a backslash before a line break
    as the space it is (a formula may wrap), not an unknown command."""
    latex = _RENAME.sub(_as_table, latex) if "\\begin" in latex else latex
    latex = _ARG.sub(r"\\operatorname{arg}", latex) if "\\arg" in latex else latex  # its one missing \\log-like
    return latex.replace("\\\n", "\\ ")


def _as_table(m: re.Match) -> str:
    return f"\\{m[1]}{{{AS_TABLE[m[2]]}}}" + ("" if m[1] == "begin" else m[3] or "")


def _unbalanced(latex: str) -> tuple[str, int]:
    """A brace that does not pair up (latex2mathml renders '\\frac{1}{2' as if closed), or an environment
    it does not render, and the offset."""
    opened = []
    for m in _BRACES.finditer(latex):
        token = m.group()
        if token == "{":
            opened.append(m.start())
        elif token == "}":
            if not opened:
                return "math has a '}' that closes no '{'", m.start()
            opened.pop()
        elif token.startswith("\\begin") and (name := m[1].strip()) not in NATIVE | AS_TABLE.keys() | AS_GROUP:
            return f"math environment '{name}' is not supported", m.start()
    return ("math has a '{' that is never closed", opened[-1]) if opened else ("", 0)


def _unrendered(math: etree.Element, latex: str) -> tuple[str, int]:
    """What latex2mathml let through unrendered: an unknown command it writes as its name, an '&' outside a
    table as a letter, and \\href, \\style and \\class as HTML attributes."""
    for el in math.iter():
        text = el.text or ""
        if el.tag in ("mi", "mo") and text.startswith("\\"):
            return f"math command '{text}' is not supported", _find(latex, text)
        if el.tag == "mi" and text == "&":
            return "math has an '&' outside a table (aligned, cases, matrix, …)", _find(latex, "&")
        for command in sorted(_ATTRIBUTES[name] for name in el.attrib if name in _ATTRIBUTES)[:1]:
            return f"math command '{command}' is not supported", _find(latex, command)
    return "", 0


def _find(latex: str, command: str) -> int:
    found = re.search(re.escape(command) + ("(?![A-Za-z])" if command[-1:].isalpha() else ""), latex)
    return found.start() if found else 0


def formula(md, warn: Warn, text: str, start: int, end: int, display: str, tail: str = "",
            source: Callable[[int], str] | None = None) -> str:
    """A stash placeholder for the formula text[start:end] (and tail, punctuation joining it). A problem comes
    with the source from its place to its line's end, which finds it exactly: source(offset in text), else the
    rest of text's line (a paragraph's text is its source lines past quote or list markers; cut at a placeholder)."""
    raw = text[start:end]
    latex = raw.strip()
    stashed, problem, offset = render(latex + tail, display)
    if problem:
        at = start + len(raw) - len(raw.lstrip()) + min(offset, len(latex))
        line_end = text.find("\n", at)
        warn(problem, source(at) if source else text[at:line_end if line_end >= 0 else None].split(util.STX)[0])
    return md.htmlStash.store(stashed)


def _escaped(text: str, at: int) -> bool:
    """Whether text[at] is escaped: after an odd number of backslashes."""
    before = at
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (at - before) % 2 == 1


_AFTER_CLOSING = re.compile(r"[\w$]")  # what may not follow a closing '$'
_WIKILINK = re.compile(r"\[\[[^\[\]\n]+\]\]")  # all a [[wikilink]] can span (convert.py's pattern, label and all)


def first(pattern: re.Pattern, text: str, pos: int, lines: bool) -> tuple[int, int] | None:
    """(start, end) of the first inline formula from pos, found by pattern, across lines if lines. A '$' that
    opens none may open or close another. An escaped '\\$' closes none: the formula goes on to the next '$'
    that can. There is none with a code span inside (a placeholder, or blanked out), or in a [[wikilink]]."""
    while (m := pattern.search(text, pos)) is not None:
        start, end, pos = m.start(), m.end(), m.start() + 1
        while end and _escaped(text, end - 1):
            at = text.find("$", end)
            end = 0 if at < 0 or (not lines and "\n" in text[end:at]) else at + 1
            if end and not _escaped(text, at) and (text[at - 1].isspace() or _AFTER_CLOSING.match(text, end)):
                end = 0  # a '$' that cannot close, and so cannot be inside either
        if not end or util.STX in text[start:end] or "\0" in text[start:end]:
            continue
        opened = text.rfind("[[", text.rfind("\n", 0, start) + 1, start)  # a wikilink is on one line
        link = _WIKILINK.match(text, opened) if opened >= 0 else None
        if link is None or link.end() <= start:
            return start, end
    return None


class InlineMath(InlineProcessor):
    """`$x$` within one line (WrappedMath has made those that wrap onto the next)."""

    # The '$' first, then what precedes it (a lookbehind first would be tried at every position)
    PATTERN = r"\$(?<![\\$\w]\$)(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])"
    NEEDS = ("$",)  # text every match holds (speedups.install)

    def __init__(self, md, warn: Warn):
        super().__init__(self.PATTERN, md)
        self.warn = warn
        self.none_after = ("", 0)  # a text with no formula past a place, to which the library offers more matches

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        if data is self.none_after[0] and m.start() >= self.none_after[1]:
            return None, None, None
        found = first(self.compiled_re, data, m.start(), lines=False)
        if found is None:
            self.none_after = (data, m.start())
            return None, None, None
        start, end = found
        return formula(self.md, self.warn, data, start + 1, end - 1, "inline"), start, end


class WrappedMath(Treeprocessor):
    """Inline formulas that wrap onto the next line, made before the inline pass: InlineMath's pattern stops
    at a line's end (tests/test_speedups_markdown_inline.py holds its literal-first form to the original).
    This one, the same but for that, looks where the inline pass will, past code spans as that finds them."""

    PATTERN = re.compile(InlineMath.PATTERN.replace(r"[^$\n]", "[^$]"))

    def __init__(self, md, warn: Warn):
        super().__init__(md)
        self.warn = warn

    def run(self, root):
        for el in root.iter():
            text, tail = el.text, el.tail
            if text and "$" in text and "\n" in text and not isinstance(text, util.AtomicString):
                el.text = self.wrapped(text)
            if tail and "$" in tail and "\n" in tail and not isinstance(tail, util.AtomicString):
                el.tail = self.wrapped(tail)

    def wrapped(self, text: str) -> str:
        seen, code, pos = text, self.md.inlinePatterns["backtick"], 0
        while (m := code.getCompiledRegExp().search(seen, pos)) is not None:  # code spans blanked out
            node, start, pos = code.handleMatch(m, seen)
            seen = seen if node is None else seen[:start] + "\0" * (pos - start) + seen[pos:]
        pieces, done, pos = [], 0, 0
        while (found := first(self.PATTERN, seen, pos, lines=True)) is not None:
            start, pos = found
            if "\n" in seen[start:pos]:  # the inline pass makes the others, on one line as they are
                pieces += [text[done:start], formula(self.md, self.warn, text, start + 1, pos - 1, "inline")]
                done = pos
        return "".join(pieces) + text[done:]


class DisplayMath(Preprocessor):
    """`$$ … $$` from a line's start, in block quotes and list items too, stashed before blocks are read (so
    nothing in it is read as Markdown) in its first line's place, behind its markers: it stays in its container."""

    OPEN = re.compile(r"((?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*)\$\$")  # markers, then '$$'
    QUOTES = re.compile(r"(?: {0,3}>[ \t]*)*")  # a prefix of quote markers only, or none
    QUOTE = re.compile(r"[ \t]*>[ \t]?")
    PUNCTUATION = re.compile(r"[.,;:!?]+")

    def __init__(self, md, warn: Warn):
        super().__init__(md)
        self.warn = warn

    def run(self, lines: list[str]) -> list[str]:
        if "$$" not in "\n".join(lines):
            return lines
        out, i, made = [], 0, False
        while i < len(lines):
            opened = self.OPEN.match(lines[i]) if "$$" in lines[i] else None
            found = self.find(lines, i, opened) if opened else None
            if found is None:
                out.append(lines[i])
                i += 1
                continue
            made, prefix, (starts, (i, close), text) = True, opened[1], found
            rest = lines[i][close + 2:].strip()
            tail = rest if self.PUNCTUATION.fullmatch(rest) else ""
            # Lines between paragraphs around it, as it always had, where they end no container (at the top
            # or in block quotes; in a list they would make it loose): for Python-Markdown's paragraphs
            blank = prefix.rstrip() if self.QUOTES.fullmatch(prefix) else None
            if blank is not None and out and out[-1].replace(">", "").strip():
                out.append(blank)
            out.append(prefix + formula(self.md, self.warn, text, 0, len(text), "block", tail,
                                        lambda at: _source(lines, starts, text, at)))
            i += 1
            if rest and not tail:  # text after it goes on after it
                out += [blank, prefix + rest] if blank is not None else [re.sub(r"[^>\s]", " ", prefix) + rest]
            elif blank is not None and i < len(lines) and lines[i].replace(">", "").strip():
                out.append(blank)
        return out if made else lines  # the very list when unchanged: blocks.py can tell

    def find(self, lines: list[str], i: int, opened: re.Match) -> tuple | None:
        """The formula opened on line i: (line, column) where each of its lines starts, (line, column) of its
        closing '$$', and its text; None if a blank line or the end comes first, or it is empty."""
        depth, line, pos, starts = opened[1].count(">"), lines[i], opened.end(), []
        while True:
            starts.append((i, pos))
            at = pos
            while (at := line.find("$$", at)) >= 0 and _escaped(line, at):
                at += 1
            if at >= 0:
                break
            i += 1
            if i == len(lines):
                return None
            line, pos = lines[i], 0
            for _ in range(depth):  # the quote markers of the first line, where this line has them
                quote = self.QUOTE.match(line, pos)
                pos = quote.end() if quote else pos
            if not line[pos:].strip():
                return None
        text = "\n".join(lines[n][c:at if n == i else None] for n, c in starts)
        return (starts, (i, at), text) if text.strip() else None


def _source(lines: list[str], starts: list[tuple[int, int]], text: str, at: int) -> str:
    """The source line from where offset `at` of a display formula's text is, to its end."""
    row, column = starts[text.count("\n", 0, at)]
    return lines[row][column + at - (text.rfind("\n", 0, at) + 1):]
