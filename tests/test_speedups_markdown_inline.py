import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import util

from conceptsite.markdown import convert as markup_module
from conceptsite.markdown import speedups
from conceptsite.source.frontmatter import split
from conceptsite.markdown.convert import Markup
from conceptsite.markdown.speedups import markdown_inline
from conceptsite.markdown.obsidian import Highlight, InlineTag, Strike
from fakes import FakeIndex
from conceptsite.markdown.embeds import EmbedPattern

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def _plain(allow_html: bool = False) -> Markup:
    """A converter with none of the speed-ups: what the tuned one must agree with."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(speedups.SWITCH, "off")
        return Markup(FakeIndex(), allow_html=allow_html)


def _ours() -> dict:
    """The needed texts markup.py gives speedups.install for its own inline patterns."""
    given = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(speedups, "install", lambda md, needs: given.update(needs))
        Markup(FakeIndex())
    return given


# Whether the speed-ups are installed here (the pinned versions, not switched off); elsewhere each test
# below holds the converter to being the library's own (tests/test_speedups.py tests the gate itself).
ON = speedups.enabled()
# The plain ones first: codehilite's lexer look-up is module-wide, and the last converter made sets it
# (tests/test_speedups_pygments_lexers.py holds the tuned lexers to Pygments' own).
PLAIN = {False: _plain(), True: _plain(allow_html=True)}
TUNED = {False: Markup(FakeIndex()), True: Markup(FakeIndex(), allow_html=True)}
_NOT_IMAGE, _IMAGE = r"(?<!\!)\[", r"\!\["
# Python-Markdown 3.11.4's inline patterns (speedups.PINNED) by the names it registers them under, and
# ours: what LITERAL_FIRST and INLINE_NEEDS are held to below, whichever version is installed.
PATTERNS = {
    "backtick": r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)",
    "escape": r"\\(.)",
    "footnote": r"\[\^([^\]]*)\]",
    "reference": _NOT_IMAGE, "link": _NOT_IMAGE, "short_reference": _NOT_IMAGE,
    "image_link": _IMAGE, "image_reference": _IMAGE, "short_image_ref": _IMAGE,
    "autolink": r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
    "automail": r"<([^<> !]+@[^@<> ]+)>",
    "linebreak": r"  \n",
    "entity": r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)",
    "em_strong": r"\*|_",
    "html": r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
            r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""",
    "inline_math": markup_module._InlineMath.PATTERN,
    "wikilink": markup_module._WikiLink.PATTERN,
    "embed": EmbedPattern.PATTERN,
    "highlight": Highlight.PATTERN,
    "strike": Strike.PATTERN,
    "inline_tag": InlineTag.PATTERN,
}
# Inline pattern text -> texts every match holds: the library's (INLINE_NEEDS) and those markup.py gives for its own.
NEEDS = {PATTERNS[name]: needs for name, needs in {**markdown_inline.INLINE_NEEDS, **_ours()}.items()}


def _matches(pattern: str, text: str) -> list:
    return [(m.span(), m.groups()) for m in re.compile(pattern, re.DOTALL | re.UNICODE).finditer(text)]


# --- literal-first patterns ------------------------------------------------------------------

# What the literal-first patterns replace: Python-Markdown's own, and this project's old inline-math one.
_SLOW_AND_FAST = [*((PATTERNS[name], fast) for name, fast in markdown_inline.LITERAL_FIRST.items()),
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
    swapped = {name for name in ("backtick", "link", "reference", "short_reference")
               if markup.md.inlinePatterns[name].compiled_re.pattern in markdown_inline.LITERAL_FIRST.values()}
    assert swapped == ({"backtick", "link", "reference", "short_reference"} if ON else set())


# --- quick block tests -----------------------------------------------------------------------

@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="#=-*_> \na|:`\\", max_size=30))
def test_quick_block_tests_agree_with_the_processors_own(text):
    parent = etree.Element("div")
    for name, needs in markdown_inline.BLOCK_NEEDS.items():
        own = PLAIN[False].md.parser.blockprocessors[name].test
        assert markdown_inline._test_if(needs, own, parent, text) == own(parent, text), (name, text)


def test_every_quick_block_test_is_in_place(markup):
    for name, needs in {**markdown_inline.BLOCK_NEEDS, **markdown_inline.RUN_NEEDS}.items():
        processor = markup.md.parser.blockprocessors[name]
        if ON:  # the quick check, standing in front of the processor's own test
            own = type(processor).test.__get__(processor)
            assert processor.test.func is markdown_inline._test_if and processor.test.args == (needs, own), name
        else:
            assert "test" not in vars(processor)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="[]^:() \n\"'a1/<>", max_size=40) | st.sampled_from(
    ["[^a]: note", "[^1]:x", "   [^n]: a\n  b", "[a]: /x", "x\n[r]: <y> 'z'", "[r]:\n/y", "[^]:", "[]: z"]))
def test_run_gated_processors_give_back_blocks_without_their_text(text):
    for name, needs in markdown_inline.RUN_NEEDS.items():
        processor = PLAIN[False].md.parser.blockprocessors[name]
        assert processor.test(etree.Element("div"), text)  # the library's own test takes every block
        if not needs(text):
            parent, blocks = etree.Element("div"), [text, "next"]
            assert processor.run(parent, blocks) is False and blocks == [text, "next"] and len(parent) == 0, name


# --- gated inline patterns -------------------------------------------------------------------

_SPECIALS = "`\\[]^!<>:/@&#;*_$|=~ \na1x"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_SPECIALS, max_size=40))
def test_no_pattern_matches_text_without_what_it_needs(text):
    for pattern, needs in NEEDS.items():
        if re.compile(pattern, re.DOTALL | re.UNICODE).search(text):
            assert any(need in text for need in needs), (pattern, text)


@pytest.mark.parametrize("text", ["`a`", "\\\\`", "\\*", "[^1]", "[a](b)", "![i](p)", "<http://x.y/>", "<a@b.c>",
                                  "a  \nb", "&amp;", "&#35;", "*a*", "_a_", "<span>", "<!-- c -->", "<?php ?>",
                                  "<![CDATA[x]]>", "$x$", "[[relu]]", "==hi==", "~~no~~", "#tag"])
def test_each_pattern_finds_its_example_and_it_holds_a_needed_text(text):
    found = [p for p in NEEDS if re.search(p, text, re.DOTALL)]
    assert found, text
    assert all(any(n in text for n in NEEDS[p]) for p in found)


@pytest.mark.parametrize("allow_html", [False, True])
def test_every_inline_pattern_of_the_installed_markdown_is_gated(allow_html):
    """A pattern markup.py adds gets needed texts here; on the pinned version, every pattern is the one above."""
    md = PLAIN[allow_html].md
    expected = {name: text for name, text in PATTERNS.items() if allow_html or name != "html"}
    registered = {name: md.inlinePatterns[name].pattern for name in expected if name in md.inlinePatterns}
    assert not ON or (registered == expected and len(md.inlinePatterns) == len(expected))
    assert set(_ours()) == {"inline_math", "wikilink", "embed", "highlight", "strike", "inline_tag"}
    assert set(NEEDS) == set(PATTERNS.values())
    inline = TUNED[allow_html].md.treeprocessors["inline"]
    assert isinstance(inline, markdown_inline.GatedInline) is ON
    if ON:
        inline.run(etree.Element("div"))  # notes the patterns and what each needs
        assert len(inline.wants) == len(TUNED[allow_html].md.inlinePatterns) and None not in inline.wants


def test_no_needed_text_can_appear_in_or_across_a_placeholder():
    """GatedInline picks a node's patterns once: a match's placeholder must not bring a needed text in."""
    for number in (0, 7, 1234, 99999):
        placeholder = util.INLINE_PLACEHOLDER % number
        assert placeholder.startswith(util.STX) and placeholder.endswith(util.ETX)
        for need in (n for needs in NEEDS.values() for n in needs):
            assert need not in placeholder and util.STX not in need and util.ETX not in need


_PIECES = ["==hi==", "==", "~~no~~", "~~", "#tag", " #a/b", "a == b",
           "[a](/concepts/relu/)", "[[relu]]", "[[nope|x]]", "`co*de*`", "``a`b``", "*em*", "**strong**", "_u_",
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


# --- the whitespace pass --------------------------------------------------------------------
def test_the_whitespace_pass_is_in_place(markup):
    assert isinstance(markup.md.preprocessors["normalize_whitespace"], markdown_inline.QuickWhitespace) is ON


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=" \t\r\x02\x03ab", max_size=8), max_size=8))
def test_quick_whitespace_normalises_as_the_library_does(lines):
    from markdown.preprocessors import NormalizeWhitespace
    md = TUNED[False].md
    assert markdown_inline.QuickWhitespace(md).run(list(lines)) == NormalizeWhitespace(md).run(list(lines))


def test_reference_patterns_are_passed_over_only_on_pages_without_definitions(markup):
    inline = markup.md.treeprocessors["inline"]
    assert 'href="../../x/"' in markup.convert("[a][ref] and [ref]\n\n[ref]: /x/\n", "concepts/p/").html
    assert isinstance(inline, markdown_inline.GatedInline) is ON
    if ON:
        names = {type(inline.patterns[i]).__name__ for i in inline.by_reference}
        assert names == {"ReferenceInlineProcessor", "ShortReferenceInlineProcessor", "ImageReferenceInlineProcessor",
                         "ShortImageReferenceInlineProcessor"}
        assert inline.skipped == frozenset()
    assert "[a][ref]" in markup.convert("[a][ref] [b]", "concepts/p/").html
    assert not ON or inline.skipped == inline.by_reference
