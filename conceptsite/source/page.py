"""Read one source file into a checked Page: decode, split, validate front-matter, derive fields."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from conceptsite.source.discover import SourceFile, make_slug
from conceptsite.diagnostics import Diagnostic, Report, did_you_mean
from conceptsite.source.fields import (ALIAS_KEYS, DATE_KEYS, HIDING, UNCLOSED_COMMENT, UPDATED_KEYS, URL_KEYS,
                                       bare_tag, created_date, first_key, heading_text, list_advice, own_url, parse_date,
                                       plain_permalink, read_marks, rename_keys, section_url, split_tags, title_from_name)
from conceptsite.source.frontmatter import FrontMatter, FrontMatterError, byte_position, decode, split
from conceptsite.source.history import FileDates
from conceptsite.source.summary import derive_summary

RELATION_KEYS = ("related", "prerequisites", "contrasts", "examples", "part_of")
KNOWN_KEYS = {
    "title", "summary", "description", "definition", "tags", "read_time", "link", "status", "stack",
    *DATE_KEYS, *UPDATED_KEYS, *ALIAS_KEYS, *(key for key, _ in HIDING), *URL_KEYS, *RELATION_KEYS,
}
MAX_BYTES, WORDS_PER_MINUTE = 2_000_000, 200


@dataclass(frozen=True)
class Ref:
    """A reference to another page by name, with where it was written."""

    target: str
    line: int
    col: int


@dataclass(frozen=True)
class Page:
    """One checked page: its metadata and its Markdown body, not yet rendered."""

    source: SourceFile
    title: str
    summary: str
    definition: str
    tags: tuple[str, ...]
    date: dt.date | None
    updated: dt.date | None
    read_time: int
    draft: bool
    aliases: tuple[Ref, ...]
    relations: dict  # relation key -> tuple[Ref, ...]
    link: str
    status: str
    stack: tuple[str, ...]
    body: str
    body_line: int
    tag_places: tuple = ()  # (line, col) of each tag, for messages about one tag
    cuts: tuple = ()  # where %% comments were taken out of a line of the body: (offset, characters) (place())
    own_url: str = ""  # the URL its slug or permalink front-matter gives it, if any
    extra: dict = field(default_factory=dict)  # front-matter keys this tool does not read, as written

    @property
    def kind(self) -> str:
        """concept, writeup, project or page."""
        return self.source.kind

    def place(self, offset: int) -> tuple[int, int]:
        """Line and column in the file of an offset into the body (past any %% comment taken out of its line)."""
        line_start = self.body.rfind("\n", 0, offset) + 1
        moved = sum(cut for at, cut in self.cuts if line_start <= at <= offset)
        return self.body_line + self.body.count("\n", 0, offset), offset - line_start + 1 + moved

    @property
    def slug(self) -> str:
        """The page's slug inside its section."""
        return self.source.slug

    @cached_property  # read over a million times in a 10,000-page build; frozen dataclasses allow it
    def url(self) -> str:
        """Site-relative URL path without a leading slash, e.g. 'concepts/relu/'."""
        if self.own_url:
            return self.own_url
        section = section_url(self.source)
        return f"{section}/{self.slug}/" if section else f"{self.slug}/"


def read_page(source: SourceFile, raw: bytes, report: Report, dates: FileDates | None = None,
              keys: tuple = ()) -> Page | None:
    """Parse and check one page; problems go to the report and give None. dates: the file's from git, for
    the dates its front-matter does not give (outside git, a missing date is the file's modification day);
    keys: site.yml's key map, (our name, the name the notes use) pairs."""
    where = source.shown
    if len(raw) > MAX_BYTES:
        report.error(where, 1, 1, f"file is too large ({len(raw):,} bytes; the limit is {MAX_BYTES:,}); "
                                  "split it into smaller pages")
        return None
    try:
        fm = split(decode(raw))
    except UnicodeDecodeError as exc:
        report.error(where, *byte_position(raw, exc.start), f"not UTF-8 at byte {exc.start}; save the file as UTF-8")
        return None
    except FrontMatterError as exc:
        report.error(where, exc.line, exc.col, exc.message)
        return None
    checker = _Checker(rename_keys(fm, keys), where, report)
    page = checker.page(source, dates)
    return page if checker.ok else None


def reread(source: SourceFile, dates: FileDates | None = None,
           keys: tuple = ()) -> tuple[bytes, Page, tuple[Diagnostic, ...]] | None:
    """A page's file, the page as it is on disk now and its notes, or None if it cannot be read or has any
    warning or error (the engine then builds the usual way)."""
    try:
        raw = Path(source.path).read_bytes()
    except OSError:
        return None
    report = Report()
    page = read_page(source, raw, report, dates, keys)
    notes = tuple(d for d in report.items if d.severity == "note")
    return (raw, page, notes) if page is not None and len(notes) == len(report.items) else None


class _Checker:
    """Validates front-matter values one key at a time, recording every problem."""

    def __init__(self, fm: FrontMatter, where: str, report: Report):
        self.fm, self.where, self.report, self.ok = fm, where, report, True

    def fail(self, key: str, message: str, index: int | None = None) -> None:
        self.ok = False
        self.report.error(self.where, *self.fm.where(key, index), message)

    def page(self, source: SourceFile, dates: FileDates | None) -> Page:
        data = self.fm.data
        for key in data:
            if str(key) not in KNOWN_KEYS:
                hint = did_you_mean(str(key), KNOWN_KEYS)
                # Notes carry keys of other tools (kept as page.extra): only --strict asks about them.
                self.report.note(self.where, *self.fm.where(str(key)), f"unknown front-matter key '{key}'{hint}")
        body, title = self._title_and_body(source)
        body, inline, unclosed, cuts = read_marks(self.fm, body)  # from here on, the body without its %% comments
        if unclosed is not None:
            self.report.warn(self.where, *unclosed, UNCLOSED_COMMENT)
        tags, tag_places = self.tags(inline)
        url = own_url(source, self.string("slug"), self.permalink())
        return Page(
            source=source,
            title=title,
            summary=self.string("summary") or self.string("description") or derive_summary(body),
            definition=self.string("definition"),
            tags=tags,
            date=self.date(first_key(data, DATE_KEYS)) or created_date(source, dates),
            updated=self.date(first_key(data, UPDATED_KEYS)) or (dates.updated if dates else None),
            read_time=self.read_time(body),
            # One rule for every way of keeping a note out, so the reader's --drafts check covers them all.
            draft=any([self.boolean(key, not hides) == hides for key, hides in HIDING]),
            aliases=self.aliases(None if url else source.slug),
            relations={key: self.refs(key) for key in RELATION_KEYS},
            link=self.url("link"),
            status=self.string("status"),
            stack=self.strings("stack"),
            body=body,
            body_line=self.fm.body_line,
            tag_places=tag_places,
            cuts=cuts,
            own_url=url,
            extra={str(key): value for key, value in data.items() if str(key) not in KNOWN_KEYS},
        )

    def _title_and_body(self, source: SourceFile) -> tuple[str, str]:
        body = self.fm.body
        title = self.string("title")
        if title:
            return body, title
        heading = re.match(r"[ \t\n]*#[ \t]+([^\n]*)\n?", body)
        if heading and heading_text(heading.group(1)):
            return body[heading.end():], heading_text(heading.group(1))
        return body, title_from_name(source)

    def string(self, key: str) -> str:
        value = self.fm.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            # Quoting turns a number or true into text, but would keep a list's brackets in the text.
            advice = list_advice(key, value) if isinstance(value, list) else "quote it"
            self.fail(key, f"{key}: expected a string, got {_kind(value)} {value!r}; {advice}")
            return ""
        return value.strip()

    def strings(self, key: str, loose=None) -> tuple[str, ...]:
        """A list of strings; with loose, a single string is also taken, as the list loose(string) makes."""
        value = self.fm.data.get(key)
        if value is None:
            return ()
        if loose is not None and isinstance(value, str):
            return tuple(loose(value))
        if not isinstance(value, list):
            self.fail(key, f"{key} must be a list{' or a string' if loose else ''}, e.g. {key}: [first, second]")
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(item.strip())
            else:
                self.fail(key, f"{key}: item {i + 1} must be a non-empty string, got {_kind(item)}", i)
        return tuple(out)

    def tags(self, inline: list) -> tuple[tuple[str, ...], tuple]:
        """The page's tags, each once, and where each stands: the front-matter's (a repeated one is warned about
        and dropped), then of inline (the body's #tags, placed) those making another tag page (not '#ml' to 'ML')."""
        tags, places = [], []
        loose = isinstance(self.fm.data.get("tags"), str)  # a string's tags all stand where the string does
        for i, tag in enumerate(self.strings("tags", split_tags)):
            tag = bare_tag(tag)
            if tag in tags:
                self.report.warn(self.where, *self.fm.where("tags", None if loose else i),
                                 f"tag '{tag}' is listed twice; remove this one")
            elif tag:
                tags.append(tag)
                places.append(self.fm.where("tags", None if loose else i))
        slugs = {make_slug(tag) for tag in tags}
        for tag, place in inline:
            if make_slug(tag) not in slugs:
                slugs.add(make_slug(tag))
                tags.append(tag)
                places.append(place)
        return tuple(tags), tuple(places)

    def refs(self, key: str, loose=None) -> tuple[Ref, ...]:
        names = self.strings(key, loose)
        return tuple(Ref(name, *self.fm.where(key, i if isinstance(self.fm.data[key], list) else None))
                     for i, name in enumerate(names))

    def aliases(self, own: str | None) -> tuple[Ref, ...]:
        """Other names of the page, each once, from aliases, alias and redirect_from (a string or a list each);
        own, the slug that is already the page's URL, is left out (it adds nothing and would clash)."""
        found = {}
        for key in ALIAS_KEYS:
            for ref in self.refs(key, lambda text: [text.strip()] if text.strip() else []):
                # redirect_from holds old URLs ('/concepts/old/'); aliases are names inside the section.
                name = ref.target.strip("/").removeprefix("concepts/") if key == "redirect_from" else ref.target
                found.setdefault(make_slug(name), ref)
        return tuple(Ref(slug, ref.line, ref.col) for slug, ref in found.items() if slug != own)

    def permalink(self) -> str:
        """The permalink when it is a plain path; any other is warned about and the page keeps its URL."""
        value = self.string("permalink")
        if value and not plain_permalink(value):
            self.report.warn(self.where, *self.fm.where("permalink"), f"permalink: '{value}' is not a plain path "
                             "like /terms/adam/ (letters, digits, '-', '_' and '/'), so the page keeps its own URL")
            return ""
        return value

    def date(self, key: str | None) -> dt.date | None:
        value = self.fm.data.get(key) if key else None
        if value is None:
            return None
        try:
            if isinstance(value, str):
                return parse_date(value)
            raise ValueError("expected YYYY-MM-DD")
        except ValueError as exc:
            self.fail(key, f"{key}: '{value}' is not a valid date ({exc}); write it as YYYY-MM-DD")
            return None

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.fm.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"{key}: expected true or false, got {value!r}")
            return default
        return value

    def read_time(self, body: str) -> int:
        value = self.fm.data.get("read_time")
        if value is None:
            return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail("read_time", f"read_time: expected a whole number of minutes, got {value!r}")
            return 1
        return value

    def url(self, key: str) -> str:
        value = self.string(key)
        if value and not re.match(r"(https?://|mailto:|/)", value):
            self.fail(key, f"{key}: '{value}' must start with https://, http://, mailto: or /")
            return ""
        return value


def _kind(value) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)
