"""Front-matter as people write it: the other names Obsidian, Jekyll, Hugo and Quartz give our fields,
the looser shapes their values take (a tag string, a date-time), the title a note without one takes
from its file name (the summary it takes from its body: summary.py), and the #tags it writes in its text."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from conceptsite.source.discover import SECTIONS, SourceFile, make_slug
from conceptsite.source.frontmatter import FrontMatter
from conceptsite.source.history import FileDates, file_dates
from conceptsite.source.marks import HIDDEN, marked_regions, restart, without_comments

# Each field's names, ours first: when a note has more than one, the first found is read.
DATE_KEYS = ("date", "created", "publishDate")
UPDATED_KEYS = ("updated", "modified", "lastmod", "last-modified")
ALIAS_KEYS = ("aliases", "alias", "redirect_from")
# A note is left out (as a draft) when any of these keys holds its value.
HIDING = (("draft", True), ("publish", False), ("published", False))
URL_KEYS = ("slug", "permalink")
SECTION_OF = {kind: folder for folder, kind in SECTIONS.items()}  # a kind's section folder

# YYYY-MM-DD, then optionally a time ('T' or a space before it) and a zone (Z, +02:00, +0200, -05).
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
                        r"(?: ?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?))?")
_PLAIN_PATH = re.compile(r"[\w\-]+(/[\w\-]+)*")


def rename_keys(fm: FrontMatter, keys: tuple[tuple[str, str], ...]) -> FrontMatter:
    """The front-matter with site.yml's key map applied: each (ours, theirs) reads theirs as ours, where
    the note does not set ours itself; positions move with the values, so messages point at theirs."""
    moved = [(ours, theirs) for ours, theirs in keys if theirs in fm.data and ours not in fm.data]
    if not moved:
        return fm
    data, positions, items = dict(fm.data), dict(fm.positions), dict(fm.items)
    for ours, theirs in moved:
        data[ours] = data.pop(theirs)
        for table in (positions, items):
            if theirs in table:
                table[ours] = table.pop(theirs)
    return FrontMatter(data, positions, items, fm.body, fm.body_line)


def created_date(source: SourceFile, dates: FileDates | None) -> dt.date | None:
    """A note's date when its front-matter gives none: its first commit, else its file's modification day."""
    if dates is not None:
        return dates.created
    try:
        return file_dates(source.path).created
    except OSError:  # a page read from bytes alone
        return None


def first_key(data: dict, keys: tuple[str, ...]) -> str | None:
    """The first of keys that the front-matter sets to something, or None."""
    return next((key for key in keys if data.get(key) is not None), None)


def parse_date(text: str) -> dt.date:
    """The date of 'YYYY-MM-DD', alone or starting a date-time with or without a zone; the date is
    kept as written, never moved to another zone. Raises ValueError."""
    match = _DATE_TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError("expected YYYY-MM-DD")
    day, hour, minute, second, zone_hours, zone_minutes = match.groups()
    if hour is not None:
        dt.time(int(hour), int(minute), int(second or 0))  # raises on 25:00 or 10:61
    if int(zone_hours or 0) > 23 or int(zone_minutes or 0) > 59:
        raise ValueError("time zone out of range")
    return dt.date.fromisoformat(day)


def split_tags(text: str) -> list[str]:
    """A tag string's tags: split at commas when it has any, else at spaces; a leading '#' dropped."""
    parts = text.split(",") if "," in text else text.split()
    return [tag for tag in (bare_tag(part) for part in parts) if tag]


def bare_tag(text: str) -> str:
    """A tag without the '#' Obsidian writes before it, or surrounding spaces; 'a/b' stays as written."""
    return text.strip().lstrip("#").strip()


def section_url(source: SourceFile) -> str:
    """The URL folder of a note's section: site.yml's for its folder, else its kind's ('' for a loose page)."""
    return source.base or SECTION_OF.get(source.kind, "")


def own_url(source: SourceFile, given_slug: str, permalink: str) -> str:
    """The URL a note's slug or permalink front-matter gives it ('' for none): a permalink is a
    path from the site's root, a slug replaces the file's name within its folder."""
    if permalink:
        return permalink.strip("/") + "/"
    if not given_slug:
        return ""
    folder = source.slug.rpartition("/")[0]
    path = f"{folder}/{make_slug(given_slug)}" if folder else make_slug(given_slug)
    section = section_url(source)
    return f"{section}/{path}/" if section else f"{path}/"


def plain_permalink(text: str) -> bool:
    """True when a permalink is a plain folder path (/terms/adam/): no placeholders, no file name, no query."""
    return bool(_PLAIN_PATH.fullmatch(text.strip("/")))


def title_from_name(source: SourceFile) -> str:
    """The title of a note with none: its file name as written ('RSS Feed'), or, for a name written as a
    slug (lower case, no spaces), the slug made readable ('batch-norm' is 'Batch norm'), as before."""
    last = source.slug.rsplit("/", 1)[-1]
    shown = source.shown.replace("\\", "/")
    parts = (shown[:-3] if shown[-3:].lower() == ".md" else shown).split("/")
    # The file's own name, or its folder's for a folder's page (folder/index.md): whichever the slug came from.
    name = next((part for part in reversed(parts[-2:]) if make_slug(part) == last), "")
    if not name or (name == name.lower() and " " not in name):
        return last.replace("-", " ").capitalize()
    return unicodedata.normalize("NFC", name)


def list_advice(key: str, value: list) -> str:
    """What to write instead of a list where one value is wanted (quoting would keep the brackets)."""
    if len(value) == 1 and isinstance(value[0], str):
        return f"write it without brackets: {key}: {value[0]}"
    return f"write a single value, e.g. {key}: {value[0] if value and isinstance(value[0], str) else 'text'}"


def heading_text(line: str) -> str:
    """An ATX heading's text without its optional closing '#'s (which need a space before them, so 'C#' stays)."""
    text = line.strip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip(" \t")
    return text


# Letters, digits, '_' and '-', with '/' between the parts of a nested tag; a part neither starts nor ends
# with '_', which opens or closes emphasis ('_see #this_', '#_this_'). Each '#' reads its own run once.
TAG_NAME = r"(?!_)[\w-]+(?:/(?!_)[\w-]+)*(?<!_)"
_TAG = re.compile("#(" + TAG_NAME + ")")
# A '#' a tag may start at: where tag_follows may find a space or a line's start (past emphasis marks, or a
# region that ends in '%%', '$$' or a quote's '>') or opens_tag a '|'
_MAY_TAG = re.compile(r"#(?<![^\s|*_=%>$]#)(?!_)[\w-]")  # "#" first: found by a quick scan


def tag_name(name: str) -> bool:
    """Whether the name after a '#' makes a tag: Obsidian's rule, a character that is not a digit ('#1984' is
    none, '#y1984' and '#1-2' are), and one that is not '-' (a name of dashes has no slug)."""
    return not name.isdigit() and bool(name.strip("-"))


def tag_follows(text: str, at: int, start: int = 0, before: str = "\n") -> str:
    """What the '#' at text[at] follows, past any emphasis or highlight marks ('**#tag**'): a tag follows a
    space or a line's start. before: what text[start] follows ('\n', its line's start)."""
    while at > start and text[at - 1] in "*_=":
        at -= 1
    if at <= start:
        return before
    slash = at - 1
    while slash > start and text[slash - 1] == "\\":
        slash -= 1
    return "\\" if (at - 1 - slash) % 2 and not text[at - 1].isspace() else text[at - 1]  # escaped: text


def opens_tag(char: str) -> bool:
    """Whether a '#' that follows char (tag_follows) starts a tag: after a space, a line's start or a '|'
    (a table's cell starts there; the converter reads the cell alone)."""
    return char.isspace() or char == "|"


def inline_tags(body: str) -> list[str]:
    """The #tags written in a body's text, each once, in order."""
    return list(dict.fromkeys(tag for tag, _ in inline_tag_offsets(body)))


def inline_tag_offsets(body: str, regions: list | None = None) -> list[tuple[str, int]]:
    """Each #tag in a body's text with the offset of its '#' where opens_tag says a tag starts,
    outside code, math, [[wikilinks]] and %% comments (which read as if they were not there).
    regions: marked_regions(body), when it is at hand."""
    if not _MAY_TAG.search(body):  # the common case, a body without one, costs no reading of its regions
        return []
    found, done, before = [], 0, "\n"
    regions = marked_regions(body) if regions is None else regions
    for start, end, kind in [*regions, (len(body), len(body), "")]:
        for m in _TAG.finditer(body, done, start):
            if opens_tag(tag_follows(body, m.start(), done, before)) and tag_name(m.group(1)):
                found.append((m.group(1), m.start()))
        # What text right after the region follows: code, math and links end in their mark; a comment is not there;
        # display math ends its block (math.py puts what follows on a line of its own), quote markers start one.
        if kind in HIDDEN:  # what stays of a comment is its line breaks
            before = "\n" if "\n" in body[start:end] else tag_follows(body, start, done, before)
        else:
            before = "`"
        before = "\n" if kind == "quote" or body.startswith("$$", start) else before
        done = end
    return found


UNCLOSED_COMMENT = "unclosed %% comment hides the rest of the page: close it with another %%, or remove it"


def read_marks(fm: FrontMatter, body: str) -> tuple[str, list, tuple[int, int] | None, tuple]:
    """Obsidian's marks of a page's body, read in one pass: the body as everything after reads it (its %%
    comments out, line breaks kept), each #tag with its line and column in the file, where an unclosed comment
    opens (None for none), and the cuts the comments left (marks.without_comments; Page.place reads them). body
    is the end of fm.body (the title heading it may start with taken off)."""
    tag, comment = _MAY_TAG.search(body), body.find("%%")
    if tag is None and comment < 0:  # most bodies: no region need be read
        return body, [], None, ()
    # Marks are read from the last line before the first where the regions read the same as from the start
    start = restart(body, min(tag.start() if tag else len(body), comment % (len(body) + 1)))
    regions = marked_regions(body[start:])
    shown, unclosed, cuts = without_comments(body[start:], regions)
    tags = [(name, start + at) for name, at in inline_tag_offsets(body[start:], regions)]
    shown, unclosed = body[:start] + shown, unclosed + start if unclosed >= 0 else -1
    places = _places(fm, body, [at for _, at in tags] + ([unclosed] if unclosed >= 0 else []))
    found = [(name, place) for (name, _), place in zip(tags, places)]
    return shown, found, places[-1] if unclosed >= 0 else None, tuple((start + at, cut) for at, cut in cuts)


def _places(fm: FrontMatter, body: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Line and column in the file of each offset into body, in order."""
    text, line, starts, last, out = fm.body, fm.body_line, 0, 0, []
    shift = len(text) - len(body)
    for at in offsets:
        line += text.count("\n", last, shift + at)  # counted on from the last one: one pass over a long body
        starts = text.rfind("\n", last, shift + at) + 1 or starts  # where its line starts
        last = shift + at
        out.append((line, last - starts + 1))
    return out
