import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import util

from conceptsite.markdown.convert import Markup
from conceptsite.markdown.speedups import markdown_passes
from fakes import FakeIndex
from test_speedups_markdown_inline import ON, PLAIN, TUNED


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


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


def test_quick_toc_is_in_place_and_takes_plain_headings(markup):
    assert (type(markup.md.treeprocessors["toc"]) is markdown_passes.QuickToc) is ON
    calls = []
    with pytest.MonkeyPatch.context() as patch:
        if ON:  # plain headings never go through the library's serialising of a heading
            patch.setattr(markdown_passes.toc, "render_inner_html", lambda *args: calls.append(args))
        body = markup.convert("## One\n\nx\n\n### Two two\n\n## One\n", "concepts/x/")
    assert calls == [] and 'href="#one_1"' in body.toc


# --- links' text and address -----------------------------------------------------------------

@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="[]()'\"\\ <>a/\n\t" + util.STX + util.ETX + "0", max_size=30), st.integers(0, 30))
def test_quick_link_parts_read_what_the_library_reads(text, index):
    from markdown.inlinepatterns import LinkInlineProcessor

    link = PLAIN[False].md.inlinePatterns["link"]
    index = min(index, len(text))
    assert markdown_passes.quick_text(link, text, index) == LinkInlineProcessor.getText(link, text, index)
    assert markdown_passes.quick_link(link, text, index) == LinkInlineProcessor.getLink(link, text, index)


def test_quick_link_parts_are_in_place(markup):
    for name in ("link", "image_link", "reference", "short_reference", "image_reference", "short_image_ref"):
        pattern = markup.md.inlinePatterns[name]
        assert (getattr(pattern.getText, "func", None) is markdown_passes.quick_text) is ON, name
        assert (getattr(pattern.getLink, "func", None) is markdown_passes.quick_link) is ON, name
