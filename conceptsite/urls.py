"""URL arithmetic: pages link to each other relatively so a site works under any sub-path."""
from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

_SAFE = "/#%:@!$&'()*+,;=~-._"
_UNCHANGED = re.compile(r"[A-Za-z0-9" + re.escape(_SAFE) + r"]*").fullmatch  # what quote() gives back as is


def encode(path: str) -> str:
    """Percent-encode a site path, leaving separators and fragments alone."""
    if type(path) is str and _UNCHANGED(path):  # nothing to escape: skip quote()'s encode/decode round trip
        return path
    return quote(path, safe=_SAFE)


# The links of the page last asked about, by target. A listing links each member from its card and
# again from every tag it carries (3 of 4 links on the concepts index are repeats), and a page
# repeats its nav, asset and wikilink targets; pages rarely share (from, to) pairs, so one page's
# links are kept rather than a cache of every pair (~650,000 at 10,000 concepts).
_page_links: tuple[str, dict[str, str]] = ("", {})


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at from_url to to_url, both site-relative like 'concepts/relu/'."""
    global _page_links
    if type(to_url) is not str:  # a str subclass (Markup) concatenates differently from an equal str
        return _relative_url(from_url, to_url)
    page, links = _page_links  # one read: a memo is only ever filled for its own page, whatever the threads
    if page != from_url:
        page, links = _page_links = (from_url, {})
    link = links.get(to_url)
    if link is None:
        link = links[to_url] = _relative_url(from_url, to_url)
    return link


def _relative_url(from_url: str, to_url: str) -> str:
    target, hash_, fragment = to_url.partition("#")
    if target == from_url and hash_:
        return "#" + encode(fragment)
    base = from_url.rstrip("/") if from_url.endswith("/") else posixpath.dirname(from_url)
    rel = _relpath(target, base)
    if (target.endswith("/") or not target) and not rel.endswith("/"):
        rel += "/"
    return encode(rel + hash_ + fragment)


def absolute_url(base_url: str, url: str) -> str:
    """The full address of a site-relative URL, for feeds, sitemaps and canonical links."""
    return base_url.rstrip("/") + "/" + encode(url)


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for clean site paths, without its abspath/getcwd calls (hot: every link of every page)."""
    if _unusual(path) or _unusual(start):
        return posixpath.relpath(path or ".", start or ".")  # rare shapes: let the library normalise them
    parts, base = _segments(path), _segments(start)
    common = 0
    for a, b in zip(parts, base):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


def _unusual(path: str) -> bool:
    """Whether a path is absolute or has a '.' or '..' segment (most have no dot at all, so no split then)."""
    if path.startswith("/"):
        return True
    return "." in path and not {".", ".."}.isdisjoint(path.split("/"))


def _segments(path: str) -> list[str]:
    """A relative path's non-empty segments ('a//b/' -> ['a', 'b'])."""
    if "//" in path:
        return [p for p in path.split("/") if p]
    parts = path.split("/") if path else []
    if parts and not parts[-1]:  # the one trailing slash of a folder URL
        parts.pop()
    return parts
