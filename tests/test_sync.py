"""sync: what a rebuild tells the open tabs, from what the writer wrote and removed."""
from __future__ import annotations

from conceptsite.serve.sync import Delta, url_of


def test_tabs_reload_changed_and_removed_pages_but_not_restyled_ones():
    delta = Delta(written=("a/index.html", "b/index.html", "assets/style.css", "feed.xml"), removed=("c/index.html",),
                  restyled=("b/index.html",))
    assert delta.pages == 2
    assert delta.reload_urls() == ["/a/", "/assets/style.css", "/c/", "/feed.xml"]
    assert delta.stylesheets() == ["/assets/style.css"]


def test_urls_of_outputs_are_folder_urls_and_quoted():
    assert url_of("index.html") == "/" and url_of("concepts/x/index.html") == "/concepts/x/"
    assert url_of("tags/c++/index.html") == "/tags/c++/" and url_of("a b/index.html") == "/a%20b/"
