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
    rel = posixpath.relpath(target or ".", base or ".")
    if (target.endswith("/") or not target) and not rel.endswith("/"):
        rel += "/"
    return encode(rel + hash_ + fragment)


def absolute_url(base_url: str, url: str) -> str:
    """The full address of a site-relative URL, for feeds, sitemaps and canonical links."""
    return base_url.rstrip("/") + "/" + encode(url)
