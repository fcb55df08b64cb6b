import re
import xml.etree.ElementTree as etree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite import markup as markup_module
from conceptsite.markup import Markup


class FakeIndex:
    def resolve(self, name):
        return ("concepts/relu/", "ReLU") if name.lower() in ("relu", "rectifier") else None

    def hint(self, name):
        return " (did you mean 'relu'?)"


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def test_wikilinks_resolve_relative_to_the_page(markup):
    body = markup.convert("[[relu]], [[Rectifier|the rectifier]]", "concepts/sigmoid/")
    assert '<a class="wikilink" href="../relu/">ReLU</a>' in body.html
    assert '<a class="wikilink" href="../relu/">the rectifier</a>' in body.html
    assert body.wikilinks == ("concepts/relu/", "concepts/relu/")


def test_unknown_wikilink_is_an_error_with_hint(markup):
    body = markup.convert("see [[rellu]]", "concepts/a/")
    assert '<span class="wikilink broken">rellu</span>' in body.html
    assert body.problems[0].message == "unknown concept 'rellu' (did you mean 'relu'?)"
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


# What the literal-first patterns replace: Python-Markdown's own, and this project's old inline-math one.
_SLOW_AND_FAST = [*markup_module.LITERAL_FIRST.items(),
                  (r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])", markup_module._InlineMath.PATTERN)]


def _matches(pattern: str, text: str) -> list:
    return [(m.span(), m.groups()) for m in re.compile(pattern, re.DOTALL | re.UNICODE).finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="\\`$[]!^a1 \n_", max_size=40))
def test_literal_first_patterns_find_what_the_originals_find(text):
    for slow, fast in _SLOW_AND_FAST:
        assert _matches(fast, text) == _matches(slow, text), (slow, text)


@pytest.mark.parametrize("text", ["\\`a`", "\\\\`a`", "a\\\\\\`x`", "``co`de``", "x$a$y", "$a$", "\\$a$", "$$a$$",
                                  "5 $ and 6 $", "![x](y) [a](b) \\[c]", "[a] ![b]", "!![x]", "[[wiki]]"])
def test_literal_first_patterns_on_known_edge_cases(text):
    for slow, fast in _SLOW_AND_FAST:
        assert _matches(fast, text) == _matches(slow, text), (slow, text)


def test_the_installed_markdown_gets_the_literal_first_patterns(markup):
    """If a new Python-Markdown words these patterns differently, this says the speed-up is gone."""
    used = {p.compiled_re.pattern for p in markup.md.inlinePatterns}
    assert set(markup_module.LITERAL_FIRST.values()) <= used
    assert {"backtick", "link", "reference", "short_reference"} <= {
        name for name in ("backtick", "link", "reference", "short_reference")
        if markup.md.inlinePatterns[name].compiled_re.pattern in markup_module.LITERAL_FIRST.values()}


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="#=-*_> \na", max_size=30))
def test_quick_block_tests_agree_with_the_processors_own(markup, text):
    parent = etree.Element("div")
    for name in markup_module.BLOCK_NEEDS:
        quick = markup.md.parser.blockprocessors[name].test
        own = quick.args[1]  # the processor's own test, which the quick check stands in front of
        assert quick(parent, text) == own(parent, text), (name, text)


def test_every_quick_block_test_is_in_place(markup):
    assert all(markup.md.parser.blockprocessors[name].test.args[0] is needs
               for name, needs in markup_module.BLOCK_NEEDS.items())
