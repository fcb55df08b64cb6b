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
# repeats its nav, asset and wikilink targets.
_page_links: tuple[str, dict[str, str]] = ("", {})
# Links shared by the pages of one folder: from 'concepts/a/' and 'concepts/b/' alike, 'tags/x/' is
# '../../tags/x/' and 'concepts/c/' is '../c/'. A link depends on the page's own name only when
# the target lies inside the page's folder, so those links are never shared.
_folder_links: dict[tuple[str, str], str] = {}
_FOLDER_LINKS_LIMIT = 200_000  # a watch server runs for hours: start afresh past this many


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
        link = links[to_url] = _shared_link(from_url, to_url)
    return link


def shared_folder(from_url: str, to_url: str) -> str | None:
    """The folder all of whose pages link to to_url as from_url does (its parent folder), or None
    when the link depends on from_url's own name. The same as page_folder(from_url) when
    plain_target(to_url) and to_url is not under from_url, else None (written out: it is hot)."""
    if (not from_url.endswith("/") or to_url.startswith(from_url[:-1]) or "//" in from_url or "//" in to_url
            or _unusual(from_url) or _unusual(to_url)):
        return None
    return from_url[:from_url.rfind("/", 0, len(from_url) - 1) + 1]


def page_folder(url: str) -> str | None:
    """The parent folder of a page at a plain folder URL ('concepts/' for 'concepts/relu/'), else None."""
    if not url.endswith("/") or not plain_target(url):
        return None
    return url[:url.rfind("/", 0, len(url) - 1) + 1]


def plain_target(url: str) -> bool:
    """Whether a URL is relative, with no empty, '.' or '..' segment: links to it depend on folders alone."""
    return "//" not in url and not _unusual(url)


def _shared_link(from_url: str, to_url: str) -> str:
    """_relative_url, shared by the pages of from_url's folder where the link cannot depend on the page."""
    folder = shared_folder(from_url, to_url)
    if folder is None:
        return _relative_url(from_url, to_url)
    key = (folder, to_url)
    link = _folder_links.get(key)
    if link is None:
        if len(_folder_links) >= _FOLDER_LINKS_LIMIT:
            _folder_links.clear()
        link = _folder_links[key] = _relative_url(from_url, to_url)
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
