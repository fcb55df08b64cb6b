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


# The page last asked about: its URL, its links by target, its folder (page_folder) and its URL
# without the final '/'. A listing links each member from its card and again from every tag it
# carries (3 of 4 links on the concepts index are repeats), and a page repeats its nav, asset and
# wikilink targets.
_page: tuple = ("", {}, None, "")
# Links shared by the pages of one folder: from 'concepts/a/' and 'concepts/b/' alike, 'tags/x/' is
# '../../tags/x/' and 'concepts/c/' is '../c/'. A link depends on the page's own name only when
# the target lies inside the page's folder, so those links are never shared.
_folder_links: dict[tuple[str, str], str] = {}
_FOLDER_LINKS_LIMIT = 200_000  # a watch server runs for hours: start afresh past this many


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at from_url to to_url, both site-relative like 'concepts/relu/'."""
    global _page
    if type(to_url) is not str:  # a str subclass (Markup) concatenates differently from an equal str
        return _relative_url(from_url, to_url)
    page, links, folder, inside = _page  # one read: a memo is only ever filled for its own page, whatever the threads
    if page != from_url:
        page, links, folder, inside = _page = (from_url, {}, page_folder(from_url), from_url[:-1])
    link = links.get(to_url)
    if link is None:
        # Shared by the folder's pages unless the target lies inside this page's folder, or either
        # URL has an odd shape (page_folder and plain_target say so; the page's test is made once).
        if folder is not None and not to_url.startswith(inside) and plain_target(to_url):
            link = _shared_link(from_url, (folder, to_url))
        else:
            link = _relative_url(from_url, to_url)
        links[to_url] = link
    return link


def page_folder(url: str) -> str | None:
    """The parent folder of a page at a plain folder URL ('concepts/' for 'concepts/relu/'), else None."""
    if not url.endswith("/") or not plain_target(url):
        return None
    return url[:url.rfind("/", 0, len(url) - 1) + 1]


def plain_target(url: str) -> bool:
    """Whether a URL is relative, with no empty, '.' or '..' segment: links to it depend on folders alone."""
    return "//" not in url and not _unusual(url)


def _shared_link(from_url: str, key: tuple[str, str]) -> str:
    """_relative_url(from_url, target) for key (folder, target), shared by the pages of from_url's folder."""
    link = _folder_links.get(key)
    if link is None:
        if len(_folder_links) >= _FOLDER_LINKS_LIMIT:
            _folder_links.clear()
        link = _folder_links[key] = _relative_url(from_url, key[1])
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


_FILE_NAME = re.compile(r"[^/]*\.([A-Za-z0-9]{1,10})")
PAGE_SUFFIXES = {"md", "html", "htm"}  # links to pages, whose URLs are not their files'


def beside_file(link: str) -> bool:
    """True for a relative link to a file ('pic.png', 'img/a.pdf#page=2'), which is found from the folder of
    the note that links it, as editors and other tools find it; not for a page's URL ('../relu/')."""
    if link.startswith(("/", "#", "?")):
        return False
    path = link.split("#", 1)[0].split("?", 1)[0]
    name = _FILE_NAME.fullmatch(path.rpartition("/")[2])
    return name is not None and name.group(1).lower() not in PAGE_SUFFIXES


def link_target(page_url: str, folder: str, path: str) -> str:
    """The site path a link's path part leads to, from the page at page_url whose file is in folder: a file
    beside the note from that folder, a page's URL from the page's own."""
    if not path:
        return page_url
    if path.startswith("/"):
        joined = path[1:]
    elif beside_file(path):
        joined = posixpath.join(folder, path)
    else:
        base = page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)
        joined = posixpath.join(base, path)
    normal = posixpath.normpath(joined) if joined else ""
    normal = "" if normal == "." else normal
    return normal + "/" if (path.endswith("/") and normal) else normal
