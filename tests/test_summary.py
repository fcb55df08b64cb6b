"""The summary a page without one in its front-matter takes from its body (issue 24): plain text, the
first sentence of the first prose paragraph, at most MAX_CHARS."""
from pathlib import Path

import pytest

from conceptsite.diagnostics import Report
from conceptsite.source.discover import SourceFile
from conceptsite.source.page import read_page
from conceptsite.source.summary import MAX_CHARS, derive_summary


def test_derived_summary_strips_markdown():
    assert derive_summary("## H\n\nSee [[relu|the rectifier]] and `code` *now*. More.") == "See the rectifier and code now."


@pytest.mark.parametrize("body, summary", [
    ("Training splits each batch, see [data parallelism][1].\n\n[1]: https://example.com/dp",
     "Training splits each batch, see data parallelism."),
    ("[Adam][] keeps [momentum] per weight.\n\n[adam]: https://a.example\n[Momentum]: https://m.example",
     "Adam keeps momentum per weight."),
    ("Dropout regularizes networks[^1] well.\n\n[^1]: Srivastava, 2014.", "Dropout regularizes networks well."),
    ('A <abbr title="rectified linear unit">ReLU</abbr> is cheap &amp; fast.', "A ReLU is cheap & fast."),
    ("Read it at <https://arxiv.org/abs/1412.6980> first.", "Read it at https://arxiv.org/abs/1412.6980 first."),
    ("The curve ![loss curve](loss.png) falls fast.", "The curve falls fast."),
    ("Override `__init__` and ``a`b`` in the subclass.", "Override __init__ and a`b in the subclass."),
    ("**Bold**, _italic_, ~~struck~~ and ==marked== words.", "Bold, italic, and marked words."),
    (r"The loss $L = \sum_i \ell_i$ is summed.", r"The loss L = \sum_i \ell_i is summed."),
    ("Both [[Leaky_ReLU|*leaky*]] and ![[plot.png]] [[soft_max]] units.", "Both leaky and soft_max units."),
    ("See [[adam#Update rule]] and [[#Notes]].", "See adam > Update rule and Notes."),
])
def test_inline_markdown_becomes_the_text_a_reader_sees(body, summary):
    assert derive_summary(body) == summary


@pytest.mark.parametrize("body, summary", [
    ("Adam was introduced by Diederik P. Kingma and J. Ba in 2014. It adapts each rate.",
     "Adam was introduced by Diederik P. Kingma and J. Ba in 2014."),
    ("Adaptive optimizers, e.g. Adam, i.e. per-weight rates, help. More.",
     "Adaptive optimizers, e.g. Adam, i.e. per-weight rates, help."),
    ("As Vaswani et al. (2017) show in Fig. 3 and Eq. 2, it works. More.",
     "As Vaswani et al. (2017) show in Fig. 3 and Eq. 2, it works."),
    ("Dr. Hinton compared SGD vs. Adam on U.S. Census data. More.",
     "Dr. Hinton compared SGD vs. Adam on U.S. Census data."),
    ("It scores 3.14 with v1.2... roughly. More.", "It scores 3.14 with v1.2... roughly."),
    ('He said "stop." Then it stopped.', 'He said "stop."'),
])
def test_sentences_do_not_end_at_initials_abbreviations_or_decimals(body, summary):
    assert derive_summary(body) == summary


@pytest.mark.parametrize("body, summary", [
    ("**Adam** is an optimizer. It adapts.", "Adam is an optimizer."),
    ("*Momentum* smooths the steps.", "Momentum smooths the steps."),
    ("**Backpropagation** computes gradients.\n\nBroadly, the technique involves:\n\n1. a forward pass\n2. a backward pass",
     "Backpropagation computes gradients."),
    ("- a dash item\n- another\n\n* a star item\n\n+ a plus item\n\n1. first\n2) second\n\n_Term_ is defined here.",
     "Term is defined here."),
    ("1. An item.\n\n   Its own paragraph.\n\n__Warmup__ raises the rate.", "Warmup raises the rate."),
])
def test_a_paragraph_starting_with_emphasis_is_prose_and_list_items_are_not(body, summary):
    assert derive_summary(body) == summary


NOT_PROSE = [
    "# Heading", "Setext heading\n==============", "Sub heading\n---", "---\ntitle: x\ntags: [a]\n---",
    "```python\nx = 1.\n\ny = 2\n```", "~~~ {.haskell}\nmain = pure ()\n~~~", "````\n```\nnested.\n```\n````",
    "    indented code.", "| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n--|--\n1 | 2", "$$\nE = mc^2.\n\nx\n$$",
    '<div class="note">Aside.</div>', "<!-- a comment\n\nstill a comment. -->", "<img src=x.png>",
    "> A quote.", "> [!note] A callout\n> with text.", "[1]: https://example.com\n[^1]: A footnote.",
    "status:: draft\nup:: [[Index]]", "tags: ml, optimizers", "***", "- - -", "![diagram](d.png)", "![[diagram.png]]",
    "![diagram](d.png)\n*Figure 1: the model.*", "#ml #optimization", "[TOC]",
]


def test_blocks_that_are_not_prose_are_passed_over():
    assert [derive_summary(block + "\n\nProse *here*. More.") for block in NOT_PROSE] == ["Prose here."] * len(NOT_PROSE)
    assert derive_summary("Note: a single line like this is prose. More.") == "Note: a single line like this is prose."
    assert derive_summary("Broadly, the technique involves:\n- a forward pass\n- a backward pass") == (
        "Broadly, the technique involves:")


def test_the_summary_is_plain_text_of_at_most_max_chars_cut_at_a_word():
    body = ("The [[adam|Adam]] optimizer ([Kingma][1], `adam.py`) keeps $m_t$ and **$v_t$**, "
            "<em>two</em> running moments ~~only one~~ for ==each== weight[^1] ") * 5
    summary = derive_summary(body + "\n\n[1]: https://example.com")
    assert len(summary) <= MAX_CHARS and summary.endswith("…")
    assert not set(summary) & set("[]`*$<>~=^|#")
    assert summary.startswith("The Adam optimizer (Kingma, adam.py) keeps m_t and v_t, two running moments for each weight")
    words = derive_summary("word " * 100)
    assert words == "word " * 31 + "word…" and len(words) == MAX_CHARS
    assert derive_summary("https://example.com/" + "x" * 300) == "https://example.com/" + "x" * 139 + "…"
    assert derive_summary("Short, with no end") == "Short, with no end"


@pytest.mark.parametrize("body", [
    "[*" * 100_000, "[" * 100_000 + "*" * 100_000, "[**" * 70_000, "[![" * 70_000 + "](" * 30_000,
    "`$" * 100_000, "<!--%%<a " * 25_000, "[[" * 50_000 + "]]" * 50_000, ("a. " + "P. " * 30_000) * 2,
])
def test_pathological_paragraphs_are_read_in_linear_time(body):
    """200 KB paragraphs that a backtracking pattern would take minutes over (it is run, never timed)."""
    assert len(derive_summary(body)) <= MAX_CHARS


def test_a_two_megabyte_body_is_passed_over_block_by_block():
    assert derive_summary("```\n" + "x.\n" * 700_000 + "```\n\n" + "> q\n" * 10_000 + "\nAt last.") == "At last."


def test_a_page_without_a_summary_shows_the_derived_one():
    source = SourceFile(Path("/nonexistent/adam.md"), "content/adam.md", "concept", "adam")
    page = read_page(source, b"---\ntitle: Adam\n---\n**Adam** was introduced by Diederik P. Kingma. More.", Report())
    assert page.summary == "Adam was introduced by Diederik P. Kingma."


@pytest.mark.parametrize("body, expected", [
    ("A point worth linking to. ^point", "A point worth linking to."),
    ("^lonely\n\nThe paragraph after.", "The paragraph after."),
    ("Exponent x^2 stays.", "Exponent x^2 stays."),
])
def test_a_paragraph_s_closing_block_id_is_not_part_of_its_summary(body, expected):
    assert derive_summary(body) == expected
