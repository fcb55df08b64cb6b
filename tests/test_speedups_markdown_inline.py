import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import util

from conceptsite import markup as markup_module
from conceptsite.speedups import markdown_inline as mdtuning, markdown_passes as passtuning
from conceptsite.frontmatter import split
from conceptsite.markup import Markup
from fakes import FakeIndex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def _plain(allow_html: bool = False) -> Markup:
    """A converter with none of the speed-ups: what the tuned one must agree with."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup_module, "tune", lambda md, needs: None)
        return Markup(FakeIndex(), allow_html=allow_html)


TUNED = {False: Markup(FakeIndex()), True: Markup(FakeIndex(), allow_html=True)}
PLAIN = {False: _plain(), True: _plain(allow_html=True)}
OURS = {markup_module._InlineMath.PATTERN: ("$",), markup_module._WikiLink.PATTERN: ("[[",)}


def _matches(pattern: str, text: str) -> list:
    return [(m.span(), m.groups()) for m in re.compile(pattern, re.DOTALL | re.UNICODE).finditer(text)]


# --- literal-first patterns ------------------------------------------------------------------

# What the literal-first patterns replace: Python-Markdown's own, and this project's old inline-math one.
_SLOW_AND_FAST = [*mdtuning.LITERAL_FIRST.items(),
                  (r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])", markup_module._InlineMath.PATTERN)]


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
    swapped = {name for name in ("backtick", "link", "reference", "short_reference")
               if markup.md.inlinePatterns[name].compiled_re.pattern in mdtuning.LITERAL_FIRST.values()}
    assert swapped == {"backtick", "link", "reference", "short_reference"}


# --- quick block tests -----------------------------------------------------------------------

@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="#=-*_> \na|:`\\", max_size=30))
def test_quick_block_tests_agree_with_the_processors_own(markup, text):
    parent = etree.Element("div")
    for name in mdtuning.BLOCK_NEEDS:
        quick = markup.md.parser.blockprocessors[name].test
        own = quick.args[1]  # the processor's own test, which the quick check stands in front of
        assert quick(parent, text) == own(parent, text), (name, text)


def test_every_quick_block_test_is_in_place(markup):
    assert all(markup.md.parser.blockprocessors[name].test.args[0] is needs
               for name, needs in {**mdtuning.BLOCK_NEEDS, **mdtuning.RUN_NEEDS}.items())


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="[]^:() \n\"'a1/<>", max_size=40) | st.sampled_from(
    ["[^a]: note", "[^1]:x", "   [^n]: a\n  b", "[a]: /x", "x\n[r]: <y> 'z'", "[r]:\n/y", "[^]:", "[]: z"]))
def test_run_gated_processors_give_back_blocks_without_their_text(text):
    for name, needs in mdtuning.RUN_NEEDS.items():
        processor = PLAIN[False].md.parser.blockprocessors[name]
        assert processor.test(etree.Element("div"), text)  # the library's own test takes every block
        if not needs(text):
            parent, blocks = etree.Element("div"), [text, "next"]
            assert processor.run(parent, blocks) is False and blocks == [text, "next"] and len(parent) == 0, name


# --- gated inline patterns -------------------------------------------------------------------

_SPECIALS = "`\\[]^!<>:/@&#;*_$| \na1x"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_SPECIALS, max_size=40))
def test_no_pattern_matches_text_without_what_it_needs(text):
    for pattern, needs in {**mdtuning.INLINE_NEEDS, **OURS}.items():
        if re.compile(pattern, re.DOTALL | re.UNICODE).search(text):
            assert any(need in text for need in needs), (pattern, text)


@pytest.mark.parametrize("text", ["`a`", "\\\\`", "\\*", "[^1]", "[a](b)", "![i](p)", "<http://x.y/>", "<a@b.c>",
                                  "a  \nb", "&amp;", "&#35;", "*a*", "_a_", "<span>", "<!-- c -->", "<?php ?>",
                                  "<![CDATA[x]]>", "$x$", "[[relu]]"])
def test_each_pattern_finds_its_example_and_it_holds_a_needed_text(text):
    found = [p for p in {**mdtuning.INLINE_NEEDS, **OURS} if re.search(p, text, re.DOTALL)]
    assert found, text
    assert all(any(n in text for n in {**mdtuning.INLINE_NEEDS, **OURS}[p]) for p in found)


@pytest.mark.parametrize("allow_html", [False, True])
def test_every_inline_pattern_of_the_installed_markdown_is_gated(allow_html):
    """If a new Python-Markdown words a pattern differently, this says its gate is gone."""
    inline = TUNED[allow_html].md.treeprocessors["inline"]
    assert isinstance(inline, mdtuning.GatedInline)
    ungated = [p.pattern for p in TUNED[allow_html].md.inlinePatterns
               if {**mdtuning.INLINE_NEEDS, **OURS}.get(p.pattern) is None]
    assert ungated == []


def test_no_needed_text_can_appear_in_or_across_a_placeholder():
    """GatedInline picks a node's patterns once: a match's placeholder must not bring a needed text in."""
    for number in (0, 7, 1234, 99999):
        placeholder = util.INLINE_PLACEHOLDER % number
        assert placeholder.startswith(util.STX) and placeholder.endswith(util.ETX)
        for need in (n for needs in {**mdtuning.INLINE_NEEDS, **OURS}.values() for n in needs):
            assert need not in placeholder and util.STX not in need and util.ETX not in need


_PIECES = ["[a](/concepts/relu/)", "[[relu]]", "[[nope|x]]", "`co*de*`", "``a`b``", "*em*", "**strong**", "_u_",
           "__uu__", "***both***", "&amp;", "&copy;", "<http://ex.org/a>", "<me@ex.org>", "  \n", "![i](p.png)",
           "[^1]", "\\*", "\\[", "$x^2$", "5 $ and", "[ref]", "[ref]: /concepts/relu/", "<b>bold</b>", "<!-- c -->",
           "word", "other", " ", "\n", "\n\n", "# ", "## ", "- ", "> ", "1. ", "[", "]", "(", ")", "!", "*", "_", "`",
           "<", ">", "&", "@", "|", "a | b\n--|--\nc | d\n", "```\ncode\n```\n", "[^1]: note\n",
           "[a][ref]", "[a] [ref]", "[a][]", "![i][ref]", "[ref]\n[x]", "[a][nope]", "[l](/concepts/a\\_b/ \"t\\*\")", "![a\\*b](p\\_q.png)", "`\\*`", "\\`", "[ref]: /x\\_y/\n", "[^n\\*]"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25), st.booleans())
def test_tuned_converter_writes_what_the_plain_one_writes(pieces, allow_html):
    text = "".join(pieces)
    assert TUNED[allow_html].convert(text, "concepts/x/") == PLAIN[allow_html].convert(text, "concepts/x/")


def test_tuned_converter_agrees_on_every_bundled_page():
    pages = sorted((ROOT / "content").rglob("*.md"))
    assert len(pages) >= 10
    for path in pages:
        body = split(path.read_text(encoding="utf-8")).body
        assert TUNED[False].convert(body, "concepts/x/") == PLAIN[False].convert(body, "concepts/x/"), path


# --- narrowed whole-source passes ------------------------------------------------------------
def test_the_fence_search_and_the_whitespace_pass_are_in_place(markup):
    # If this fails, a Python-Markdown release changed either pass and the speed-up is gone.
    assert isinstance(markup.md.preprocessors["fenced_code_block"].FENCED_BLOCK_RE, mdtuning.FenceSearch)
    assert isinstance(markup.md.preprocessors["normalize_whitespace"], mdtuning.QuickWhitespace)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["```", "~~~", "````", "`", "~", "\n", " ", "x", "py", "{.a}", "\n```\n"]),
                max_size=25).map("".join), st.integers(0, 30))
def test_fence_search_finds_what_the_pattern_finds(text, pos):
    from markdown.extensions.fenced_code import FencedBlockPreprocessor
    pattern = FencedBlockPreprocessor.FENCED_BLOCK_RE
    mine, theirs = mdtuning.FenceSearch(pattern).search(text, pos), pattern.search(text, pos)
    assert (mine and (mine.span(), mine.groupdict())) == (theirs and (theirs.span(), theirs.groupdict()))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=" \t\r\x02\x03ab", max_size=8), max_size=8))
def test_quick_whitespace_normalises_as_the_library_does(lines):
    from markdown.preprocessors import NormalizeWhitespace
    md = TUNED[False].md
    assert mdtuning.QuickWhitespace(md).run(list(lines)) == NormalizeWhitespace(md).run(list(lines))


def test_fence_search_scans_a_long_line_of_backticks_once():
    # A line of 100,000 backticks once made the search step a character at a time (quadratic).
    class Counting(str):
        finds = 0

        def find(self, *args):
            Counting.finds += 1
            return str.find(self, *args)

    from markdown.extensions.fenced_code import FencedBlockPreprocessor
    search = mdtuning.FenceSearch(FencedBlockPreprocessor.FENCED_BLOCK_RE)
    assert search.search(Counting("x\n" + "`" * 2_000 + "\n"), 0) is None  # short: a regression fails, not hangs
    assert Counting.finds <= 4


# --- the table of contents -------------------------------------------------------------------

_HEADING_TEXT = ["Plain", "two  spaces ", "Über Straße", "C#", "a\"q\"", "it's", "x & y", "a < b", "`code`", "*em*",
                 "$x^2$", "[[relu]]", "[a](/concepts/relu/)", "\\#", "&copy;", "Plain", "plain", "", " ", "Plain_1",
                 "nbsp\u00a0here", "[^1]", "<b>b</b>", "!!!", "_", "x\ty"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.lists(st.sampled_from(_HEADING_TEXT), max_size=3)), max_size=8),
       st.booleans(), st.booleans())
def test_quick_toc_writes_what_the_library_writes(headings, marker, allow_html):
    text = "\n\n".join(f"{'#' * level} {''.join(words)}\n\ntext" for level, words in headings)
    text = ("[TOC]\n\n" if marker else "") + text + "\n\n[^1]: note"
    assert TUNED[allow_html].convert(text, "concepts/x/") == PLAIN[allow_html].convert(text, "concepts/x/")
    assert TUNED[allow_html].md.toc_tokens == PLAIN[allow_html].md.toc_tokens


def test_reference_patterns_are_passed_over_only_on_pages_without_definitions(markup):
    inline = markup.md.treeprocessors["inline"]
    assert 'href="../../x/"' in markup.convert("[a][ref] and [ref]\n\n[ref]: /x/\n", "concepts/p/").html
    names = {type(inline.patterns[i]).__name__ for i in inline.by_reference}
    assert names == {"ReferenceInlineProcessor", "ShortReferenceInlineProcessor", "ImageReferenceInlineProcessor",
                     "ShortImageReferenceInlineProcessor"}
    assert inline.skipped == frozenset()
    assert "[a][ref]" in markup.convert("[a][ref] [b]", "concepts/p/").html and inline.skipped == inline.by_reference


def test_quick_unescape_is_in_place(markup):
    # If this fails, a Python-Markdown release changed how escapes are marked and the speed-up is gone.
    assert type(markup.md.treeprocessors["unescape"]) is passtuning.QuickUnescape


def test_quick_toc_is_in_place_and_takes_plain_headings(markup):
    # If this fails, a Python-Markdown release changed the toc pass and the speed-up is gone.
    assert type(markup.md.treeprocessors["toc"]) is passtuning.QuickToc
    calls = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passtuning.toc, "render_inner_html", lambda *args: calls.append(args))
        body = markup.convert("## One\n\nx\n\n### Two two\n\n## One\n", "concepts/x/")
    assert calls == [] and 'href="#one_1"' in body.toc


# --- links' text and address -----------------------------------------------------------------

@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="[]()'\"\\ <>a/\n\t" + util.STX + util.ETX + "0", max_size=30), st.integers(0, 30))
def test_quick_link_parts_read_what_the_library_reads(text, index):
    from markdown.inlinepatterns import LinkInlineProcessor

    link = PLAIN[False].md.inlinePatterns["link"]
    index = min(index, len(text))
    assert passtuning.quick_text(link, text, index) == LinkInlineProcessor.getText(link, text, index)
    assert passtuning.quick_link(link, text, index) == LinkInlineProcessor.getLink(link, text, index)


def test_quick_link_parts_are_in_place(markup):
    for name in ("link", "image_link", "reference", "short_reference", "image_reference", "short_image_ref"):
        assert markup.md.inlinePatterns[name].getText.func is passtuning.quick_text, name
        assert markup.md.inlinePatterns[name].getLink.func is passtuning.quick_link, name
