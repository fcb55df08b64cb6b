import pytest

from conceptsite.markdown.convert import Markup
from fakes import FakeIndex


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def test_wikilinks_resolve_relative_to_the_page(markup):
    body = markup.convert("[[relu]], [[Rectifier|the rectifier]]", "concepts/sigmoid/")
    assert '<a class="wikilink" href="../relu/">ReLU</a>' in body.html
    assert '<a class="wikilink" href="../relu/">the rectifier</a>' in body.html
    assert body.wikilinks == ("concepts/relu/", "concepts/relu/")


def test_a_dangling_wikilink_is_a_warning_with_hint_and_no_href(markup):
    body = markup.convert("see [[rellu]]", "concepts/a/")
    assert '<span class="wikilink broken" title="no note named \'rellu\' yet">rellu</span>' in body.html
    assert body.problems[0].severity == "warning"
    assert body.problems[0].message == "no note named 'rellu' (did you mean 'relu'?)"
    assert body.problems[0].needle == "[[rellu]]"


def test_math_becomes_mathml_and_code_keeps_dollars(markup):
    body = markup.convert("Inline $a_1 + b^2$ text.\n\n$$\n\\frac{1}{2}\n$$\n\n```\ncost = \"$5$\"\n```\n", "x/")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in body.html
    assert 'display="block"><mrow><mfrac>' in body.html
    assert '$5$' in body.html


def test_prices_are_not_math(markup):
    assert "<math" not in markup.convert("It costs 5 $ and then 6 $ more.", "x/").html


def test_code_is_highlighted_with_classes(markup):
    html = markup.convert("```python\ndef f():\n    return 1\n```", "x/").html
    assert '<div class="highlight">' in html and '<span class="k">def</span>' in html


def test_headings_get_anchors_and_toc(markup):
    body = markup.convert("## First\n\n## Second part\n", "x/")
    assert '<h2 id="first">First<a class="anchor" href="#first"' in body.html
    assert '<a href="#second-part">Second part</a>' in body.toc
    assert {"first", "second-part"} <= body.ids


def test_tables_and_footnotes(markup):
    body = markup.convert("| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: Here.", "x/")
    assert "<table>" in body.html and 'id="fn:1"' in body.html


def test_raw_html_is_escaped_by_default(markup):
    html = markup.convert('<script>alert(1)</script>\n\nHi <img src=x onerror="alert(1)">', "x/").html
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_raw_html_opt_in():
    html = Markup(FakeIndex(), allow_html=True).convert("<div class=\"box\">hi</div>", "x/").html
    assert '<div class="box">hi</div>' in html


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "vbscript:x"])
def test_unsafe_link_schemes_are_removed(markup, href):
    body = markup.convert(f"[x](<{href}>)", "x/")
    assert "href" not in body.html and body.problems[0].severity == "warning"


def test_site_absolute_links_become_relative_and_are_collected(markup):
    body = markup.convert("[a](/concepts/relu/#x) [b](https://example.org/)", "concepts/deep/page/")
    assert 'href="../../relu/#x"' in body.html and 'href="https://example.org/"' in body.html
    assert body.links == ("/concepts/relu/#x",)


@pytest.mark.parametrize("text, placed", [
    ("[TOC]\n\n## One\n\n## Two\n", True),
    ("Intro.\n\n[TOC]\n\n## One\n\n## Two\n", True),
    ("\\[TOC\\]\n\n## One\n\n## Two\n", False),
    ("&#91;TOC&#93;\n\n## One\n\n## Two\n", False),
    ("## One\n\n## Two\n", False),
])
def test_a_toc_marker_paragraph_becomes_the_table_of_contents(markup, text, placed):
    for _ in range(2):  # the converter is reused: one page's marker must not carry over to the next
        body = markup.convert(text, "x/")
        assert ('<div class="toc">' in body.html) is placed
        assert "[TOC]" not in body.html or not placed
