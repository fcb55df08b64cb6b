"""The counting checks that refuse Markdown shapes on which Python-Markdown runs away."""
import pytest

from conceptsite.markdown import runaway
from conceptsite.markdown.convert import Markup
from conceptsite.markdown.runaway import find_runaways, needle_at


class Nothing:
    """Resolves no wikilink."""

    def resolve(self, name):
        return None

    def hint(self, name):
        return ""


def refused(text: str) -> list[tuple[int, str]]:
    """(start, message) of each refusal, after checking that its needle finds it where it starts."""
    found = find_runaways(text)
    for r in found:
        assert text.find(r.needle) == r.start, r
    return [(r.start, r.message) for r in found]


def only(text: str) -> tuple[int, str]:
    [found] = refused(text)
    return found


# --- each shape is refused at its first character -------------------------------------------------------


@pytest.mark.parametrize("char", ["[", "(", "*", "_"])
def test_a_long_run_is_refused_where_it_starts(char):
    text = "Some prose.\n\nThen " + char * 501 + " and more."
    start, message = only(text)
    assert start == text.index(char * 501)
    assert message.startswith(f"a run of 501 '{char}' in a row: ")
    assert f"escape them as \\{char} or put them in a code block" in message


def test_a_run_at_the_limit_is_accepted():
    assert refused("A form: " + "_" * runaway.RUN + " sign here.") == []


def test_unclosed_link_destinations_are_refused_at_the_first():
    text = "A [fine](/link) first.\n\n" + "[a](" * 1_000
    start, message = only(text)
    assert start == text.index("[a](") + 3  # the '(' that never closes
    assert message.startswith("1,000 link destinations opened with '](' never close with ')' in their paragraph")
    assert "close it with ')', or write \\( where no link is meant" in message


def test_one_unclosed_link_in_a_long_paragraph_is_accepted():
    assert refused("A typo [here](/x and then " + "many words " * 20_000) == []


def test_backtick_runs_without_closing_runs_are_refused():
    text = "Intro\n\n" + " ".join("`" * i for i in range(1, 10)) + " word" * 50_000
    start, message = only(text)
    assert start == text.index("`")
    assert message.startswith("9 backtick runs have no closing run of the same length in their paragraph")


def test_code_fences_that_never_close_are_refused():
    text = "Intro\n\n" + "```x\n" * 2_000
    start, message = only(text)
    assert start == text.index("```")
    assert message.startswith("2,000 opening code fences have no closing fence")


def test_a_paragraph_dense_with_markup_is_refused_at_its_start():
    text = "# Title\n\nShort.\n\n" + "Some words, a [link](/x), *emphasis* and `code`. " * 2_000
    start, message = only(text)
    assert start == text.index("Some words")
    assert message.startswith("a paragraph of 98,000 characters holding 10,000 markup characters")


def test_the_same_markup_in_many_paragraphs_is_accepted():
    assert refused("Some words, a [link](/x), *emphasis* and `code`.\n\n" * 2_000) == []


def test_nested_emphasis_is_refused_at_the_first_opener():
    text = "Deep: " + "*a " * 101 + "b" + "*" * 101
    start, message = only(text)
    assert start == text.index("*")
    assert message.startswith("101 '*' or '_' open emphasis in a row and a later one closes")


def test_emphasis_at_the_limit_or_never_closed_is_accepted():
    assert refused("Deep: " + "*a " * runaway.EMPHASIS + "b" + "*" * runaway.EMPHASIS) == []
    assert refused("*a " * 5_000) == []  # nothing closes, so nothing nests


@pytest.mark.parametrize("lines", [
    ["- " * 21 + "a"],
    ["> " * 21 + "a"],
    ["    " * i + "- level" for i in range(21)],
])
def test_lists_and_quotes_nested_too_deep_are_refused(lines):
    text = "Intro.\n\n" + "\n".join(lines)
    start, message = only(text)
    assert start == text.index(lines[-1])
    assert message.startswith("lists or block quotes nested 21 deep (the limit is 20)")


def test_nesting_around_a_huge_block_is_refused():
    text = "Quoted:\n\n" + ("> > > > > > > > > > " + "word " * 10 + "\n") * 4_000
    start, message = only(text)
    assert start == text.index(">")
    assert message.startswith("lists or block quotes nested 10 deep around a block of 284,000 characters")


def test_nesting_at_the_limit_and_rules_are_accepted():
    assert refused("\n".join("    " * i + "- level" for i in range(20))) == []
    assert refused("> " * 20 + "a") == []
    assert refused("- " * 40) == []  # a horizontal rule, not a list


def test_too_many_footnotes_are_refused_at_the_first_past_the_limit():
    n = runaway.FOOTNOTES + 1
    text = " ".join(f"a[^{i}]" for i in range(n)) + "\n\n" + "\n".join(f"[^{i}]: note {i}" for i in range(n))
    start, message = only(text)
    assert start == text.index(f"[^{n - 1}]: ")
    assert message.startswith(f"{n:,} footnote definitions on one page")


def test_footnotes_at_the_limit_are_accepted():
    n = runaway.FOOTNOTES
    assert refused(" ".join(f"a[^{i}]" for i in range(n)) + "\n\n"
                   + "\n".join(f"[^{i}]: note {i}" for i in range(n))) == []


def test_every_shape_on_one_page_is_reported_in_source_order():
    text = "(" * 600 + "\n\n" + "- " * 30 + "a\n\n" + "[a](" * 1_000
    assert [start for start, _ in refused(text)] == [0, text.index("- "), text.index("[a](") + 3]


# --- code is shown as written, so what it holds is not refused -------------------------------------------


@pytest.mark.parametrize("text", [
    "```\n" + "[" * 5_000 + "\n```\n",
    "~~~python\n" + "(" * 5_000 + "\n~~~\n",
    "A paragraph.\n\n    " + "*" * 5_000 + "\n",
    "Inline `" + "_" * 5_000 + "` code.",
    "``` \n" + "- " * 50 + "a\n" + "[^x]: y\n" * 1_500 + "```\n",
])
def test_code_is_not_refused(text):
    assert refused(text) == []


def test_indented_text_in_a_list_item_is_not_code():
    text = "- item\n\n    " + "*" * 600
    assert only(text)[0] == text.index("*")


def test_a_fence_that_never_closes_is_not_code():
    text = "```\n" + "[" * 600
    assert only(text)[0] == 4


# --- a real-looking page near every threshold, and where a diagnostic points ------------------------------


def test_a_real_looking_page_is_accepted():
    section = ("## Gradient descent\n\nThe *update* is $w \\leftarrow w - \\eta \\nabla L$; see [[Adam]] and "
               "[the notes](/concepts/sgd/#momentum)[^1]. Use `lr=0.1` **or** __less__.\n\n"
               "- one\n    - two\n        - three\n\n> A quote\n> > nested\n\n"
               "| a | b |\n|---|---|\n| [x](/x) | `y` |\n\n```python\nprint('[(' * 3)\n```\n\n"
               "* * *\n\n" + "_" * 80 + "\n\n")
    text = section * 200 + "[^1]: A footnote.\n"
    assert refused(text) == []


def test_a_needle_is_unique_even_where_the_page_repeats_itself():
    text = "```\n" + "[" * 600 + "\n```\n" + "[" * 600 + " tail"
    start = text.rindex("[" * 600)
    assert text.find(needle_at(text, start)) == start


def test_markup_refuses_before_markdown_runs():
    converter = Markup(Nothing())
    converter.md.convert = None  # Markdown must not be called at all
    body = converter.convert("Fine.\n\n" + "[" * 600, "concepts/x/")
    assert body.html == ""
    [problem] = body.problems
    assert problem.severity == "error" and problem.message.startswith("a run of 600 '['")
    assert problem.needle.startswith("[") and "Fine.\n\n".find(problem.needle) < 0
