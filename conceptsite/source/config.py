"""Site settings from content/site.yml, checked like front-matter."""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, replace
from pathlib import Path

from conceptsite.source.discover import Section, is_vault, show_path
from conceptsite.diagnostics import Report, did_you_mean
from conceptsite.source.frontmatter import FrontMatterError, byte_position, decode, load_yaml
from conceptsite.source.fields import plain_permalink
from conceptsite.source.page import KNOWN_KEYS

RESERVED_KEYS = {"T", "/", "?"}


@dataclass(frozen=True)
class NavItem:
    """A header link with its single-letter shortcut."""

    label: str
    path: str
    key: str


@dataclass(frozen=True)
class SiteConfig:
    """The site's settings; every field has a usable default."""

    title: str = "Concepts"
    author: str = "Anonymous"
    short_name: str = ""
    tagline: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    timezone: str = "UTC"
    timezone_label: str = "UTC"
    footer: tuple[str, ...] = ()
    nav: tuple[NavItem, ...] = (
        NavItem("Writeups", "/writeups/", "W"), NavItem("Concepts", "/concepts/", "K"),
        NavItem("Projects", "/projects/", "P"), NavItem("About", "/about/", "A"),
    )
    allow_html: bool = False
    strict: bool = False  # warnings fail every build of the site, as --strict makes them
    sections: tuple[Section, ...] = ()  # folders of notes of one kind ('' = the usual concepts/, writeups/, ...)
    keys: tuple[tuple[str, str], ...] = ()  # (our front-matter key, the name the notes use for it)
    nav_from_file: bool = False  # a default nav drops links to pages the site lacks

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. '/notes/' for https://example.org/notes/."""
        rest = self.base_url.split("://", 1)[-1]
        path = "/" + rest.partition("/")[2]
        return path if path.endswith("/") else path + "/"


_STRINGS = ("title", "author", "short_name", "tagline", "base_url", "language", "timezone", "timezone_label")
_BOOLEANS = ("allow_html", "strict")
KNOWN = set(_STRINGS) | set(_BOOLEANS) | {"footer", "nav", "sections", "keys"}
KINDS = {"concept": "concept", "writeup": "writeup", "project": "project", "page": "page"}
KINDS.update({f"{name}s": kind for name, kind in KINDS.items()})  # 'concepts' reads as 'concept' too


def read_config(path: Path, report: Report) -> SiteConfig:
    """Load site.yml, or the defaults when there is none (a vault of loose notes is titled by its folder)."""
    if not path.exists():
        return with_short_name(SiteConfig(title=path.parent.name) if is_vault(path.parent) else SiteConfig())
    shown = show_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error(shown, 1, 1, f"cannot read the settings: {exc.strerror}")
        return SiteConfig()
    try:
        data, positions, items = load_yaml(decode(raw))
    except FrontMatterError as exc:
        report.error(shown, exc.line, exc.col, exc.message)
        return SiteConfig()
    except UnicodeDecodeError as exc:
        report.error(shown, *byte_position(raw, exc.start), f"not UTF-8 at byte {exc.start}; save the file as UTF-8")
        return SiteConfig()
    return _Reader(data, positions, items, shown, report).config()


class _Reader:
    def __init__(self, data: dict, positions: dict, items: dict, shown: str, report: Report):
        self.data, self.positions, self.items, self.shown, self.report = data, positions, items, shown, report

    def fail(self, key: str, message: str, index: int | None = None) -> None:
        place = self.positions.get(key, (1, 1))
        if index is not None and index < len(self.items.get(key, ())):
            place = self.items[key][index]
        self.report.error(self.shown, *place, message)

    def config(self) -> SiteConfig:
        for key in self.data:
            if key not in KNOWN:
                self.report.warn(self.shown, *self.positions.get(key, (1, 1)),
                                 f"unknown setting '{key}'{did_you_mean(str(key), KNOWN)}")
        values = {key: self.string(key) for key in _STRINGS if key in self.data}
        values["footer"] = tuple(self.string_list("footer"))
        if "nav" in self.data:
            values["nav"] = self.nav()
            values["nav_from_file"] = True
        values.update({key: self.boolean(key) for key in _BOOLEANS if key in self.data})
        values["sections"] = self.sections() if "sections" in self.data else None
        values["keys"] = self.keys() if "keys" in self.data else None
        config = SiteConfig(**{k: v for k, v in values.items() if v not in ("", None)})
        self.check_timezone(config.timezone)
        if "base_url" in self.data and not re.match(r"https?://[^/?#\s]+", config.base_url):
            self.fail("base_url", f"base_url: '{config.base_url}' must be a full address such as https://example.org/notes/")
        return with_short_name(config)

    def string(self, key: str) -> str:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"{key}: expected a string, got {value!r}; quote it")
            return ""
        return (value or "").strip()

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            self.fail(key, f"{key}: expected true or false, got {value!r}")
            return False
        return value

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{key} must be a list of strings")
            return []
        return value

    def mapping(self, key: str, example: str) -> dict:
        value = self.data.get(key)
        if not isinstance(value, dict) or not all(isinstance(name, str) for name in value):
            self.fail(key, f"{key} must be a mapping such as {example}")
            return {}
        return value

    def sections(self) -> tuple[Section, ...]:
        found = []
        for folder, value in self.mapping("sections", "{terms: {kind: concept, url: terms}}").items():
            kind, url = (value, "") if isinstance(value, str) else (
                (value.get("kind"), value.get("url", "")) if isinstance(value, dict) else (None, ""))
            if not isinstance(kind, str) or kind.lower() not in KINDS or not isinstance(url, str) or (
                    url.strip("/") and not plain_permalink(url)):
                self.fail("sections", f"sections: '{folder}' needs a kind (concept, writeup, project or page) and "
                                      "may have a url, a plain folder path such as terms")
                continue
            found.append(Section(folder.strip("/"), KINDS[kind.lower()], url.strip("/")))
        return tuple(found)

    def keys(self) -> tuple[tuple[str, str], ...]:
        found = []
        for ours, theirs in self.mapping("keys", "{related: related_terms}").items():
            if ours not in KNOWN_KEYS or not isinstance(theirs, str):
                self.fail("keys", f"keys: '{ours}: {theirs}' must map one of our front-matter keys (such as related "
                                  f"or summary) to the name your notes use{did_you_mean(ours, KNOWN_KEYS)}")
                continue
            found.append((ours, theirs))
        return tuple(found)

    def nav(self) -> tuple[NavItem, ...]:
        items, keys = [], set()
        raw = self.data.get("nav")
        if not isinstance(raw, list):
            self.fail("nav", "nav must be a list of {label, path, key} entries")
            return ()
        for index, entry in enumerate(raw):
            item = self.nav_item(entry, keys, index)
            if item:
                items.append(item)
                keys.add(item.key)
        return tuple(items)

    def nav_item(self, entry, keys: set, index: int) -> NavItem | None:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("label", "path", "key")):
            self.fail("nav", "each nav entry needs string label, path and key", index)
            return None
        key = entry["key"].upper()
        if len(key) != 1 or key in RESERVED_KEYS or key in keys:
            self.fail("nav", f"nav key '{entry['key']}' must be one letter, unique, and not T, / or ?", index)
            return None
        if not re.match(r"(/(?![/\\])|https?://)", entry["path"]):  # never javascript:, data: or //host
            self.fail("nav", f"nav path '{entry['path']}' must be a site path such as /concepts/ "
                             "or an address starting with https://", index)
            return None
        return NavItem(entry["label"], entry["path"], key)

    def check_timezone(self, name: str) -> None:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.fail("timezone", f"timezone: '{name}' is not an IANA time zone name such as 'Asia/Kolkata'")







def with_short_name(config: SiteConfig) -> SiteConfig:
    """Fill in short_name from the title's initials when site.yml has none."""
    if config.short_name:
        return config
    return replace(config, short_name="".join(w[0] for w in config.title.split())[:3].upper())
