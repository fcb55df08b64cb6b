"""URL arithmetic: pages link to each other relatively so a site works under any sub-path."""
from __future__ import annotations

import posixpath
from urllib.parse import quote


def encode(path: str) -> str:
    """Percent-encode a site path, leaving separators and fragments alone."""
    return quote(path, safe="/#%:@!$&'()*+,;=~-._")


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at from_url to to_url, both site-relative like 'concepts/relu/'."""
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
    parts, base = [p for p in path.split("/") if p], [p for p in start.split("/") if p]
    if path.startswith("/") or start.startswith("/") or {".", ".."} & (set(parts) | set(base)):
        return posixpath.relpath(path or ".", start or ".")  # rare shapes: let the library normalise them
    common = 0
    for a, b in zip(parts, base):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."
