"""URL arithmetic: relative links equal what posixpath.relpath gives, without its cost."""
from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from conceptsite.urls import absolute_url, relative_url

SEGMENTS = st.lists(st.sampled_from(["concepts", "tags", "relu", "a", "b", "é", ".", "..", "x y"]), max_size=3)
PAGE_URLS = st.builds(lambda parts, folder: "/".join(parts) + ("/" if folder and parts else ""), SEGMENTS, st.booleans())


def _reference(from_url: str, to_url: str) -> str:
    base = from_url.rstrip("/") if from_url.endswith("/") else posixpath.dirname(from_url)
    rel = posixpath.relpath(to_url or ".", base or ".")
    return rel + "/" if (to_url.endswith("/") or not to_url) and not rel.endswith("/") else rel


@given(PAGE_URLS, PAGE_URLS)
def test_relative_urls_match_the_library(from_url, to_url):
    expected = _reference(from_url, to_url).replace(" ", "%20").replace("é", "%C3%A9")
    assert relative_url(from_url, to_url) == expected


def test_common_shapes():
    assert relative_url("concepts/relu/", "concepts/gelu/") == "../gelu/"
    assert relative_url("concepts/relu/", "") == "../../"
    assert relative_url("", "") == "./"
    assert relative_url("404.html", "assets/site.css") == "assets/site.css"
    assert relative_url("concepts/relu/", "concepts/relu/#the-idea") == "#the-idea"
    assert relative_url("concepts/relu/", "tags/deep learning/") == "../../tags/deep%20learning/"
    assert absolute_url("https://example.org/notes/", "concepts/é/") == "https://example.org/notes/concepts/%C3%A9/"
