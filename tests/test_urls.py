"""URL arithmetic: relative links equal what posixpath.relpath gives, without its cost."""
from __future__ import annotations

import posixpath

import pytest

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from conceptsite import urls
from conceptsite.urls import absolute_url, encode, relative_url

SEGMENTS = st.lists(st.sampled_from(["concepts", "tags", "relu", "a", "b", "é", ".", "..", "x y", ""]), max_size=3)
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


TRICKY = ["", "#", "#top", "concepts/", "concepts/relu/", "concepts/relu/#the-idea", "concepts/relu/#", "concepts/relu",
          "404.html", "assets/site.css", "tags/deep learning/", "tags/é/#x y", "a//b/", "/abs/", "../up/", "./here/",
          "concepts/../tags/", "concepts/relu/../gelu/#z", "concepts/relu/./", "concepts/gelu/?q=1#f"]


def test_memoised_links_equal_fresh_ones():
    for _ in range(2):  # the second round is answered from the memo
        for from_url in TRICKY:
            for to_url in TRICKY:
                assert relative_url(from_url, to_url) == urls._relative_url(from_url, to_url), (from_url, to_url)


def test_alternating_pages_do_not_share_links():
    assert [relative_url(page, "concepts/relu/") for page in ["", "tags/x/", "", "concepts/relu/", "tags/x/"]] == \
        ["concepts/relu/", "../../concepts/relu/", "concepts/relu/", "./", "../../concepts/relu/"]


def test_markup_targets_are_not_memoised_with_equal_strings():
    assert relative_url("tags/x/", "concepts/a&b/") == "../../concepts/a&b/"
    assert relative_url("tags/x/", Markup("concepts/a&b/")) == urls._relative_url("tags/x/", Markup("concepts/a&b/"))


@given(st.text())
def test_encode_matches_quote(path):
    for value in (path, Markup(path)):  # the same text and the same type as quote() gives
        expected = quote(value, safe="/#%:@!$&'()*+,;=~-._")
        assert encode(value) == expected and type(encode(value)) is type(expected)


SIBLINGS = ["concepts/relu/", "concepts/gelu/", "concepts/relu-6/", "concepts/re/", "tags/x/", "a/b/c/", "a/b/d/"]
TARGETS = SIBLINGS + ["concepts/relu/sub/", "concepts/relu", "concepts/relux/", "concepts/", "", "concepts/relu/#a",
                      "concepts/gelu/#a", "a/b/", "a/b/c/d/", "a/", "tags/x y/", "concepts/relu/index.html",
                      "../up/", "a//b/", "./here/", "concepts/../tags/", "concepts/./relu/", "/abs/"]


@given(st.permutations([(f, t) for f in SIBLINGS for t in TARGETS]))
def test_links_shared_across_a_folder_equal_each_page_own(pairs):
    urls._folder_links.clear()
    for from_url, to_url in pairs:  # in any order: whichever page of a folder asks first fills the shared memo
        assert relative_url(from_url, to_url) == _reference(from_url, to_url).replace(" ", "%20"), (from_url, to_url)


def test_the_shared_folder_links_are_bounded(monkeypatch):
    monkeypatch.setattr(urls, "_FOLDER_LINKS_LIMIT", 5)
    urls._folder_links.clear()
    for n in range(20):
        assert relative_url(f"concepts/p{n}/", f"tags/t{n}/") == f"../../tags/t{n}/"
    assert 0 < len(urls._folder_links) <= 5


@pytest.mark.parametrize("link, beside", [
    ("pic.png", True), ("img/a.PDF#page=2", True), ("../attachments/x.svg?v=1", True), ("data.tar.gz", True),
    ("../relu/", False), ("/images/fig.png", False), ("#top", False), ("other.md", False), ("page.html", False),
    ("relu", False), ("v1.2/", False),
])
def test_a_relative_link_to_a_file_is_found_beside_the_note(link, beside):
    assert urls.beside_file(link) is beside


def test_link_targets_of_files_follow_the_notes_folder_and_of_pages_its_url():
    assert urls.link_target("concepts/optim/adam/", "concepts/optim", "adam.png") == "concepts/optim/adam.png"
    assert urls.link_target("concepts/optim/adam/", "concepts/optim", "../relu/") == "concepts/optim/relu/"
    assert urls.link_target("terms/adam/", "_terms", "../img/a.png") == "img/a.png"
    assert urls.link_target("concepts/a/", "concepts", "") == "concepts/a/"
