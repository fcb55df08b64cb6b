"""The summary of a page whose front-matter gives none: the first sentence of its first prose paragraph,
as plain text, at most MAX_CHARS long. It is shown on the page and on every card that links to it.
Rules (for a body read as a page's is, Obsidian's %% comments out: fields.read_marks):
- Passed over, as not the note's own prose: headings (ATX and setext), fenced code (``` and ~~~, with an
  info string or not), indented code, tables, display math ($$), HTML blocks and comments, block quotes and
  callouts (a leading quote is an epigraph or an aside), list items and what is indented under them, a
  paragraph's closing ^block-id, link and footnote definitions, horizontal rules, Dataview fields (key::
  value), key: value lines (front-matter written twice; a single line only when its key is lower case, as
  YAML's are: 'Note: ...' is prose), lines of tags alone, [TOC], and figures (a paragraph that starts with
  an image line, caption included). A paragraph that starts with emphasis (**Term** is ...) is prose; a
  list item (- x, * x, + x, 1. x) is not.
- Inline Markdown becomes what a reader sees: a link its text, in every form ([x](u), [x][r], [x][],
  and [x] when x is defined; an undefined [x] is literal brackets, as rendered); [[a|b]] is b, [[a]] a,
  [[a#h]] 'a > h'; code its code; inline math its TeX without the dollars (dropped, a sentence would
  lose its subject; a reader of the formula knows the TeX); autolinks their address; tags dropped and
  entities decoded; images, embeds, footnote references, comments and struck-out text dropped.
- A sentence ends at . ! or ? (closing quotes and brackets included) before a space and a word that
  does not start in lower case; never after an initial (P.), a known abbreviation (Dr., Fig., vs.,
  et al.), a dotted abbreviation (e.g., U.S.) or an ellipsis. 3.14 and v1.2 have no space after the dot.
- Longer than MAX_CHARS, it is cut at the last space that fits, with '…'.
Every pattern is linear: no unbounded scan restarts at every position of a long line."""
from __future__ import annotations

import html
import re

from conceptsite.source.marks import BLOCK_ID

MAX_CHARS = 160  # a card's line or two; the cut one ends with '…' within it

# Lines that start or interrupt blocks, after at most three spaces of indentation (CommonMark).
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")  # '**Term**' and '*x*' are not items
_QUOTE = re.compile(r" {0,3}>")
_INDENTED = re.compile(r"(?: {4}|[ ]{0,3}\t)")
_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:")  # link reference or footnote definition
_TABLE_DELIMITER = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML_BLOCK = re.compile(
    r" {0,3}</?(?:address|article|aside|audio|blockquote|center|details|dialog|div|dl|figcaption|figure|"
    r"footer|form|h[1-6]|header|hr|iframe|li|main|nav|ol|p|picture|section|summary|table|ul|video)"
    r"(?=[\s/>]|$)|[ \t]*</?[A-Za-z][\w-]*+(?:\s[^<>]*+)?/?>[ \t]*$", re.I)
# Blocks that run to a closing mark, across blank lines: fences, display math, comments, raw text.
_OPENER = re.compile(r" {0,3}(?:(`{3,}+)(?!.*`)|(~{3,}+)|(\$\$|<!--)|<(script|pre|style|textarea)\b)", re.I)
_CLOSER = {"$$": "$$", "<!--": "-->"}
_BLOCK_ID = re.compile(rf"(?:^|[ \t])\^{BLOCK_ID}[ \t]*$")  # Obsidian's '^block-id' ending a paragraph
_FIELD = re.compile(r"[ \t]*([A-Za-z_][\w-]*+)[ \t]*(::?)(?:[ \t]|$)")
_TAGS = re.compile(r"[ \t]*#[^\s#]++(?:[ \t]+#[^\s#]++)*+[ \t]*$")
_IMAGE = r"(?:!\[[^\[\]]*+\](?:\([^()]*+\))?|!\[\[[^\[\]]*+\]\]|<img\b[^<>]*+>|\[!\[[^\[\]]*+\]\([^()]*+\)\]\([^()]*+\))"
_FIGURE = re.compile(rf"[ \t]*{_IMAGE}(?:[ \t]*{_IMAGE})*+[ \t]*$", re.I)

# Inline syntax. Each bracketed part stops at the next bracket of its kind (one level of nesting
# allowed) and every repetition is possessive, so a run of thousands of '[' or '*' stays linear.
_TICKS = re.compile(r"`+")
_PROTECT = re.compile(r"\\([!-/:-@\[-`{-~])|\$\$([^$]++)\$\$|\$(?<![\\$\w]\$)(?=\S)([^$]+?)(?<=\S)\$(?![\w$])")
_BRACKETS = r"((?:[^\[\]]|\[[^\[\]]*+\])*+)"
_INLINE = re.compile(
    r"<!--(?:[^<-]|-(?!->)|<(?!!--))*+-->"  # HTML comment; stops at the next one that opens
    r"|~~(?=[^\s~])[^~]*+~~"  # struck out: the reader sees it crossed out, not as what the note says
    r"|(!?)\[\[([^\[\]|]*+)(?:\|([^\[\]]*+))?\]\]"  # wikilink or embed
    r"|\[\^[^\[\]\s]++\]|\^\[[^\[\]]*+\]"  # footnote reference, inline footnote
    rf"|(!?)\[{_BRACKETS}\](?:(\((?:[^()]|\([^()]*+\))*+\))|\[([^\[\]]*+)\])?"  # link or image
    r"|<([A-Za-z][\w+.-]{1,31}:[^\s<>]*+|[^\s<>@]++@[^\s<>@]++)>"  # autolink
    r"|<(/?[A-Za-z][\w-]*+)(?:\s[^<>]*+)?/?>"  # HTML tag
)
_EMPHASIS = re.compile(r"\*++|_++|~~++|==++")
_KEPT = re.compile(r"\x00(\d+)\x01")  # a protected piece's place, restored last
_SENTENCE_END = re.compile(r"[.!?…]++[\"'”’»)\]]*+(?= |$)")
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")  # e.g, i.e, U.S, a.k.a, Ph.D: not Node.js
# Abbreviations (lower case, without their dot) that a sentence goes on after; 'etc.' is not one:
# it often ends a sentence, and a lower-case word after it is caught by the general rule.
_ABBREVIATIONS = frozenset(
    "al approx ca cf ch co corp dept dr eq eqs esp fig figs inc jr ltd mr mrs ms mt nos p pp prof ref "
    "refs resp sec sect sr st vol vols vs jan feb mar apr jun jul aug sep sept oct nov dec".split())
_OPENING = "\"'“‘«(["


def derive_summary(body: str) -> str:
    """The plain-text first sentence of a body's first prose paragraph, cut to MAX_CHARS ('' for none)."""
    lines = body.replace("\x00", "\ufffd").splitlines()  # \x00 marks protected pieces in _plain
    for block in _paragraphs(lines):
        text = _plain(_BLOCK_ID.sub("", " ".join(_unbroken(line) for line in block)), body)
        if text:
            return _shorten(_first_sentence(text))
    return ""


def _paragraphs(lines: list[str]):
    """Each paragraph that may be prose, as its lines, in order; the blocks that cannot be are passed over."""
    i, in_list = 0, False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        end = _closed_block_end(lines, i)
        if end is not None:
            i, in_list = end, False
            continue
        if _ATX.match(line) or _RULE.match(line) or _SETEXT.match(line):
            i, in_list = i + 1, False
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() and not _SETEXT.match(lines[j]) and not _interrupts(lines[j]):
            j += 1
        if j < len(lines) and _SETEXT.match(lines[j]):
            i, in_list = j + 1, False  # the lines above an underline are a heading
            continue
        block = lines[i:j]
        if _LIST.match(line):
            in_list = True
        elif not (in_list and line[0] in " \t"):  # indented under a list item: the item's own text
            in_list = False
            if not _not_prose(block):
                yield block
        i = j


def _closed_block_end(lines: list[str], i: int) -> int | None:
    """The index after the block that lines[i] opens and a closing mark ends, or None if it opens none."""
    m = _OPENER.match(lines[i])
    if m is None:
        return None
    backticks, tildes, mark, tag = m.groups()
    if backticks or tildes:
        fence = backticks or tildes
        for j in range(i + 1, len(lines)):
            bare = lines[j].strip()
            if len(bare) >= len(fence) and bare == fence[0] * len(bare):
                return j + 1
        return len(lines)
    closer = _CLOSER[mark] if mark else f"</{tag.lower()}>"
    j, start = i, m.end()
    while j < len(lines):
        at = (lines[j].lower() if tag else lines[j]).find(closer, start)
        if at >= 0:
            return None if j == i and lines[j][at + len(closer):].strip() else j + 1
        j, start = j + 1, 0
    return len(lines)


def _interrupts(line: str) -> bool:
    """True when a line starts a new block even without a blank line before it."""
    return bool(_ATX.match(line) or _OPENER.match(line) or _RULE.match(line) or _LIST.match(line)
                or _QUOTE.match(line) or _HTML_BLOCK.match(line))


def _not_prose(block: list[str]) -> bool:
    """True for a paragraph-shaped block that is not prose: a quote, code, table, definitions, metadata."""
    first = block[0]
    if (_QUOTE.match(first) or _INDENTED.match(first) or _DEFINITION.match(first) or _HTML_BLOCK.match(first)
            or _FIGURE.match(first) or first.strip().upper() == "[TOC]"):
        return True
    if first.lstrip().startswith("|") or (len(block) > 1 and "|" in block[1] and _TABLE_DELIMITER.match(block[1])):
        return True
    fields = [_FIELD.match(line) for line in block]
    if all(fields) and (len(block) > 1 or fields[0].group(2) == "::" or fields[0].group(1).islower()):
        return True  # Dataview's key:: value, a second front-matter, tags: x; but 'Note: ...' is prose
    return all(_TAGS.match(line) for line in block)


def _unbroken(line: str) -> str:
    """A paragraph line without its indentation or the backslash of a hard line break."""
    line = line.strip()
    return line[:-1] if line.endswith("\\") and not line.endswith("\\\\") else line


def _plain(text: str, body: str) -> str:
    """A paragraph's text as a reader sees it: every Markdown and HTML mark removed, spaces collapsed."""
    kept: list[str] = []

    def keep(piece: str) -> str:
        kept.append(_KEPT.sub(restore, piece))  # math may hold a code span kept before it
        return f"\x00{len(kept) - 1}\x01"

    def restore(m: re.Match) -> str:
        return kept[int(m.group(1))]

    text = _without_code(text, keep)
    text = _PROTECT.sub(lambda m: keep(m.group(1) or m.group(2) or m.group(3)), text)
    text = _inline(text, _Labels(body))
    text = _EMPHASIS.sub(_emphasis, text)
    text = _KEPT.sub(restore, html.unescape(text))
    return " ".join(text.split())


def _without_code(text: str, keep) -> str:
    """The text with each code span kept aside whole (a run of n backticks closes at the next run of n)."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    following, last = [None] * len(runs), {}  # each run's next run of the same length, found in one pass
    for k in range(len(runs) - 1, -1, -1):
        length = runs[k][1] - runs[k][0]
        following[k], last[length] = last.get(length), k
    parts, done, k = [], 0, 0
    while k < len(runs):
        start, end = runs[k]
        close = following[k]
        if close is None or _escaped(text, start, done):
            k += 1
            continue
        code = text[end:runs[close][0]].replace("\n", " ")
        if code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        parts += [text[done:start], keep(code)]
        done, k = runs[close][1], close + 1
    return "".join(parts) + text[done:]


def _escaped(text: str, at: int, since: int) -> bool:
    """True when an odd number of backslashes (counted back to since) stands before text[at]."""
    count = 0
    while at - count - 1 >= since and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


class _Labels:
    """The body's link reference labels, read only when a shortcut link [x] needs them."""

    _DEFINED = re.compile(r"^ {0,3}\[([^\]\n]++)\]:", re.M)

    def __init__(self, body: str):
        self.body, self.labels = body, None

    def __contains__(self, label: str) -> bool:
        if self.labels is None:
            self.labels = {_label(m.group(1)) for m in self._DEFINED.finditer(self.body)}
        return _label(label) in self.labels


def _label(text: str) -> str:
    """A reference label as CommonMark matches it: case and runs of spaces ignored."""
    return " ".join(text.split()).casefold()


def _inline(text: str, labels: _Labels) -> str:
    """Links, wikilinks, footnotes, comments, autolinks and tags replaced by the text they show."""
    def shown(m: re.Match) -> str:
        embed, target, alias, image, words, inline, ref = m.group(1, 2, 3, 4, 5, 6, 7)
        if target is not None:
            page, _, heading = target.partition("#")
            return "" if embed else alias or " > ".join(part for part in (page, heading.lstrip("^")) if part)
        if words is not None:
            if image:
                return ""
            if inline is None and ref is None and words not in labels:
                return f"[{_inline(words, labels)}]"  # undefined: Markdown shows the brackets too
            return _inline(words, labels)  # one level of brackets inside, so this recursion is shallow
        if m.group(8):
            return m.group(8)
        return " " if (m.group(9) or "").lower() in ("br", "br/") else ""
    return _INLINE.sub(shown, text)


def _emphasis(m: re.Match) -> str:
    """An emphasis, strike or highlight mark removed, unless its neighbours show it is plain text."""
    text, mark = m.string, m.group()
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if mark[0] == "_":
        return mark if before.isalnum() and after.isalnum() else ""  # snake_case
    if before.isspace() and after.isspace():
        return mark  # 2 * 3, a == b
    return mark if mark[0] == "*" and before.isdigit() and after.isdigit() else ""  # 2*3


def _first_sentence(text: str) -> str:
    """The text up to its first sentence end (all of it when it has none)."""
    for m in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, m):
            return text[:m.end()]
    return text


def _ends_sentence(text: str, m: re.Match) -> bool:
    """True when the punctuation m found ends a sentence rather than an initial or an abbreviation."""
    if m.end() == len(text):
        return True
    marks = m.group().rstrip("\"'”’»)]")
    following = text[m.end() + 1:m.end() + 2]  # text has single spaces: the next word's first letter
    if following.islower() or "…" in marks or ".." in marks:
        return False
    if marks != ".":
        return True
    word = text[text.rfind(" ", 0, m.start()) + 1:m.start()].lstrip(_OPENING)
    if len(word) == 1 and word.isupper():
        return False  # an initial: Diederik P. Kingma
    return not (_DOTTED.fullmatch(word) or word.lower() in _ABBREVIATIONS)


def _shorten(text: str) -> str:
    """The text itself if short enough, else cut at the last space that fits, with '…'."""
    if len(text) <= MAX_CHARS:
        return text
    space = text.rfind(" ", 0, MAX_CHARS)
    head = text[:space] if space > MAX_CHARS // 2 else text[:MAX_CHARS - 1]  # one long word: cut inside it
    return head.rstrip(" ,;:-–—(") + "…"
