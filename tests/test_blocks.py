"""Block syntax as CommonMark reads it (issue 24): conceptsite/markdown/blocks.py and the modules it uses.

One test per reading that Python-Markdown got wrong, then properties of the block reader itself."""
import re
import xml.etree.ElementTree as etree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conceptsite.markdown import blocks
from conceptsite.markdown.blockparse import FILLER, Parser
from conceptsite.markdown.blocktree import BlockTree
from conceptsite.markdown.convert import Markup
from conceptsite.graph.links import locate
from fakes import FakeIndex


@pytest.fixture(scope="module")
def markup():
    return Markup(FakeIndex())


def html(markup, text: str) -> str:
    return markup.convert(text, "concepts/x/").html


def plain(text: str) -> str:
    """The HTML with Pygments' spans and the heading anchors taken out, whitespace between tags dropped."""
    text = re.sub(r'<a class="anchor"[^>]*>#</a>', "", text)
    text = re.sub(r"</?span[^>]*>", "", text)
    text = re.sub(r' id="[^"]*"', "", text)
    return re.sub(r">\s+<", "><", text).strip()


CODE = '<div class="highlight"><pre><code>'


# --- 1. fenced code ---------------------------------------------------------------------------------------------

def test_a_fence_takes_any_info_string_and_its_language_is_the_first_word(markup):
    page = html(markup, '```ts title="quartz.config.ts"\nconst a = 1;\n```\n\nAfter the code.\n')
    assert '<span class="kd">const</span>' in page  # highlighted as TypeScript
    assert page.endswith("<p>After the code.</p>") and page.count("<pre>") == 1
    assert plain(html(markup, "```nosuchlanguage and more\nx = 1\n```")) == CODE + "x = 1\n</code></pre></div>"
    assert plain(html(markup, "``` python\nx\n```")) == CODE + "x\n</code></pre></div>"


def test_fences_of_tildes_longer_fences_and_indented_fences(markup):
    assert plain(html(markup, "~~~ python\nx = 1  # ```\n~~~")) == CODE + "x = 1  # ```\n</code></pre></div>"
    assert plain(html(markup, "````\n```\nstill code\n`````\nafter")) == CODE + "```\nstill code\n</code></pre></div><p>after</p>"
    assert plain(html(markup, "   ```\n   a\n  b\n c\n  ```")) == CODE + "a\nb\nc\n</code></pre></div>"
    assert plain(html(markup, "```\na\n    ```")) == CODE + "a\n    ```\n</code></pre></div>"  # 4 spaces: not a fence
    assert plain(html(markup, "    ```\n    not a fence")) == CODE + "```\nnot a fence\n</code></pre></div>"
    assert plain(html(markup, "```\n\n  x\n\n```")) == CODE + "\n  x\n\n</code></pre></div>"  # blank ends kept


def test_fences_inside_list_items_and_block_quotes(markup):
    page = plain(html(markup, "- one\n  ```py\n  x = 1\n  ```\n- two\n\n> ```\n> quoted $code$\n> ```\n"))
    assert page == ("<ul><li>one" + CODE + "x = 1\n</code></pre></div></li><li>two</li></ul>"
                    "<blockquote>" + CODE + "quoted $code$\n</code></pre></div></blockquote>")
    nested = plain(html(markup, "1. a\n   - b\n\n     ~~~\n     deep\n     ~~~\n"))
    assert CODE + "deep\n</code></pre></div></li></ul></li></ol>" in nested


def test_an_unclosed_fence_runs_to_the_end_of_its_container_or_of_the_document(markup):
    assert plain(html(markup, "> ```\n> code\n\nafter\n")) == "<blockquote>" + CODE + "code\n</code></pre></div></blockquote><p>after</p>"
    assert plain(html(markup, "- ```\n  code\n- next\n")) == "<ul><li>" + CODE + "code\n</code></pre></div></li><li>next</li></ul>"
    assert plain(html(markup, "```\ncode\n\n# not a heading\n")) == CODE + "code\n\n# not a heading\n</code></pre></div>"


def test_code_keeps_its_tabs_and_dollars(markup):
    assert plain(html(markup, "```\na\tb $$x$$\n```\n\n\tc\td\n")) == (
        CODE + "a\tb $$x$$\n</code></pre></div>" + CODE + "c\td\n</code></pre></div>")


# --- 2. nested lists --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_lists_nest_at_two_four_spaces_or_a_tab(markup, indent):
    page = plain(html(markup, f"- a\n{indent}- b\n{indent}{indent}- c\n- d\n"))
    assert page == "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"


def test_ordered_lists_inside_bullet_lists_and_back(markup):
    page = plain(html(markup, "- a\n  1. one\n  2. two\n     - deep\n- b\n\n3) three\n4) four\n"))
    assert page == ('<ul><li>a<ol><li>one</li><li>two<ul><li>deep</li></ul></li></ol></li><li>b</li></ul>'
                    '<ol start="3"><li>three</li><li>four</li></ol>')
    assert plain(html(markup, "Steps:\n1. one\n2. two\n")) == "<p>Steps:</p><ol><li>one</li><li>two</li></ol>"


def test_an_items_paragraphs_continue_at_its_content_column(markup):
    page = plain(html(markup, "- first\n\n  more of first\n- second\n\n10. ten\n\n    more of ten\n"))
    assert page == ("<ul><li><p>first</p><p>more of first</p></li><li><p>second</p></li></ul>"
                    '<ol start="10"><li><p>ten</p><p>more of ten</p></li></ol>')


# --- 3. block quotes ------------------------------------------------------------------------------------------

def test_block_quotes_apart_stay_apart(markup):
    assert plain(html(markup, "> one\n\n> two\n")) == "<blockquote><p>one</p></blockquote><blockquote><p>two</p></blockquote>"
    assert plain(html(markup, "> one\n>\n> two\n")) == "<blockquote><p>one</p><p>two</p></blockquote>"


# --- 4. lazy continuation -------------------------------------------------------------------------------------

def test_lazy_lines_continue_a_paragraph_in_a_quote_or_an_item(markup):
    assert plain(html(markup, "> a\nlazy\n> b\n")) == "<blockquote><p>a\nlazy\nb</p></blockquote>"
    assert plain(html(markup, "- a\n  - b\nlazy\n")) == "<ul><li>a<ul><li>b\nlazy</li></ul></li></ul>"
    assert plain(html(markup, "> - a\nlazy\n")) == "<blockquote><ul><li>a\nlazy</li></ul></blockquote>"
    assert plain(html(markup, "> a\n---\n")) == "<blockquote><p>a</p></blockquote><hr>"  # a rule is no text


# --- 5. hard line breaks -----------------------------------------------------------------------------------------

def test_a_backslash_at_the_end_of_a_line_breaks_it(markup):
    assert html(markup, "foo\\\nbar\\") == "<p>foo<br>\nbar\\</p>"
    assert html(markup, "`code\\`\nx") == "<p><code>code\\</code>\nx</p>"


# --- 6. autolinks --------------------------------------------------------------------------------------------------

def test_autolinks_as_commonmark_reads_them(markup):
    assert html(markup, "<https://example.org/a_b>") == '<p><a href="https://example.org/a_b">https://example.org/a_b</a></p>'
    mail = html(markup, "<mailto:a@b.c> <MAILTO:A@B.C>")
    assert mail.count('href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;&#97;&#64;') == 1  # 'mailto:a@', once
    assert mail.count(">&#109;&#97;&#105;&#108;&#116;&#111;&#58;") == 1  # shown with its scheme
    assert 'href="&#77;&#65;&#73;&#76;&#84;&#79;&#58;&#65;' in mail  # 'MAILTO:A', not 'mailto:MAILTO:'
    assert html(markup, "<https://x.org/a b> <me\\+1@b.c>") == "<p>&lt;https://x.org/a b&gt; &lt;me+1@b.c&gt;</p>"
    assert html(markup, "<https://x.org/?q=\\*>") == '<p><a href="https://x.org/?q=\\*">https://x.org/?q=\\*</a></p>'


# --- 7. character references ----------------------------------------------------------------------------------

def test_character_references_become_their_characters(markup):
    assert html(markup, "&copy; &#35; &#x22; caf&eacute;") == '<p>© # " café</p>'
    assert html(markup, "&amp;copy; &lt;b&gt; &MadeUp; &#99999999; &#0;") == (
        "<p>&amp;copy; &lt;b&gt; &amp;MadeUp; &amp;#99999999; \ufffd</p>")
    assert html(markup, "`&copy;`") == "<p><code>&amp;copy;</code></p>"


# --- 8. backslash escapes -----------------------------------------------------------------------------------------

def test_a_backslash_escapes_every_ascii_punctuation_character(markup):
    punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    assert html(markup, "".join("\\" + c for c in punctuation)) == (
        "<p>!\"#$%&amp;'()*+,-./:;&lt;=&gt;?@[\\]^_`{|}~</p>")
    assert html(markup, "\\&ouml; \\a") == "<p>&amp;ouml; \\a</p>"
    body = markup.convert("[x](javascript\\:alert(1)) [y](/concepts/a\\_b/)", "concepts/x/")
    assert 'class="unsafe-link"' in body.html and body.links == ("/concepts/a_b/",)


# --- 9. a warning where Markdown is likely misread ----------------------------------------------------------

def test_a_fence_left_open_is_a_warning_at_its_opening_line():
    from conceptsite.source.page import Page

    text = "Intro.\n\n```python\nx = 1\n```\n\nMore.\n\n```python\ny = 2\n\n## Not a heading\n"
    body = Markup(FakeIndex()).convert(text, "concepts/x/")
    [problem] = body.problems
    assert problem.severity == "warning" and problem.message.startswith(blocks.UNCLOSED_FENCE)
    page = Page.__new__(Page)
    object.__setattr__(page, "body", text)
    object.__setattr__(page, "body_line", 5)
    assert locate(page, problem.needle) == (5 + 8, 1)  # the second fence's line, not the first's
    assert Markup(FakeIndex()).convert("```\nclosed\n```\n", "x/").problems == ()


# --- the reader itself ---------------------------------------------------------------------------------------

def test_hash_tags_and_setext_headings(markup):
    page = plain(html(markup, "#tag and #other\n\nTitle\nover two lines\n===\n"))
    assert page.startswith("<p>") and page.endswith("</p><h1>Title\nover two lines</h1>")  # '#tag': no heading


def test_tight_and_loose_lists(markup):
    assert plain(html(markup, "- a\n- b\n\n- c\n")) == "<ul><li><p>a</p></li><li><p>b</p></li><li><p>c</p></li></ul>"
    assert plain(html(markup, "- a\n  - b\n\n    c\n- d\n")) == "<ul><li>a<ul><li><p>b</p><p>c</p></li></ul></li><li>d</li></ul>"
    assert plain(html(markup, "- a\n+ b\n")) == "<ul><li>a</li></ul><ul><li>b</li></ul>"


def test_tables_footnotes_references_and_math_still_work(markup):
    page = plain(html(markup, "- | a | b |\n  |---|---|\n  | 1 | 2 |\n\nSee [r] and[^1], $x$.\n\n"
                               "[r]: /concepts/relu/\n[^1]: A note\n\n    with more.\n\n$$\ny\n$$\n"))
    assert "<li><table><thead><tr><th>a</th>" in page and '<a href="../relu/">r</a>' in page
    assert '<li><p>A note</p><p>with more.' in page and page.count("<math") == 2


def test_preprocessing_keeps_the_line_count(markup):
    text = "- a\n\n  ```\n  code\n\n  ```\n\n> ```\n> q\n\n    indented\n    code\n\nend"
    seen = {}
    reader = markup.md.preprocessors["blocks"]
    run = reader.run
    try:
        reader.run = lambda lines: seen.setdefault("out", run(seen.setdefault("in", lines)))
        markup.convert(text, "x/")
    finally:
        del reader.run
    assert len(seen["out"]) == len(seen["in"]) and seen["out"] != seen["in"]
    assert FILLER in seen["out"][3]


def test_the_librarys_block_processors_keep_their_names(markup):
    """The speed-ups and their tests look the library's processors up by name: they stay, dormant."""
    registry = markup.md.parser.blockprocessors
    for name in ("hashheader", "setextheader", "hr", "quote", "olist", "ulist", "code", "indent", "table",
                 "footnote", "reference", "paragraph", "blocks"):
        assert name in registry, name
    assert not registry["hashheader"].test(etree.Element("div"), "# heading")


_PIECES = st.sampled_from(["", " ", "  ", "   ", "    ", "\t", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "-   ",
                           "> - ", "- > ", "[^n]: "])
_TEXTS = st.sampled_from(["foo", "bar baz", "```", "~~~", "````", "```py x", "# h", "---", "***", "===", "", "", "-",
                          "1.", "    code", "a\\", "b  ", "#tag", "| a | b |", "|---|---|", "[r]: /x", "[r]", "&copy;",
                          "\\*", "[[relu]]", "$x$", "<a@b.c>"])
_DOCUMENTS = st.lists(st.tuples(st.lists(_PIECES, max_size=3), _TEXTS), min_size=1, max_size=12).map(
    lambda lines: "\n".join("".join(p) + t for p, t in lines))


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_the_tree_read_before_the_stash_is_the_tree_read_after_it(text):
    """The block processor takes over the preprocessor's tree; reading the stashed lines afresh gives the same."""
    reused, fresh = Markup(FakeIndex()), Markup(FakeIndex())
    processor = fresh.md.parser.blockprocessors["blocks"]
    assert isinstance(processor, BlockTree)
    shared = processor.shared
    original = processor.run

    def afresh(parent, blocks_):
        shared.tree = None
        return original(parent, blocks_)

    processor.run = afresh
    assert fresh.convert(text, "concepts/x/") == reused.convert(text, "concepts/x/")


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS, st.booleans())
def test_nothing_of_the_stash_reaches_the_page(text, allow_html):
    page = Markup(FakeIndex(), allow_html=allow_html).convert(text, "concepts/x/").html
    assert not re.search("[\x02\x03]|wzxhzdk|klzzwxh|cm-filler", page)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["> ", "- ", "1. ", "  ", "    ", "```", "~~~", "a", "\n", "\n\n", "\t", "`", "#"]),
                max_size=60).map("".join))
def test_the_reader_is_linear_and_total(text):
    """Every line is read once, each container of it matched once: a code block's lines are its own lines."""
    lines = text.split("\n")
    reader = Parser(footnotes=True)
    tree = reader.parse(lines)
    assert tree.kind == "doc"
    for code in reader.codes:
        assert code.start <= code.end < len(lines)


def test_a_long_page_of_nested_open_fences_reads_as_one_fence_an_item():
    """20,000 lines in up to three containers each, 10,000 fences (how long it takes is measured in
    benchmarks/pathological.py: ~0.1 s read once per line, minutes if each line looked back)."""
    lines = ["> - ```"] * 10_000 + ["text"] * 10_000
    reader = Parser()
    reader.parse(lines)
    assert len(reader.codes) == 10_000 and reader.unclosed is None  # each item ends the fence in it


def test_the_source_is_read_for_code_only_when_the_whitespace_pass_changed_it():
    from conceptsite.markdown.fences import Source

    assert Source(["a", "b"]).lines(4) is None
    assert Source(["a\tb", "  "]).lines(4) == ["a\tb", "  ", "", ""]
    assert Source(["x\r", ""]).ends_line() and not Source(["x"]).ends_line()


def test_an_element_tree_is_built_for_a_chunk_the_footnotes_parse(markup):
    root = etree.Element("div")
    markup.md.parser.parseChunk(root, "- a\n  - b\n\n> q")
    assert [child.tag for child in root] == ["ul", "blockquote"]
