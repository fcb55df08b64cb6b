"""Obsidian callouts: markup.callouts."""
import re

from conceptsite.markdown.convert import Markup
from fakes import FakeIndex


def html(text: str) -> str:
    return Markup(FakeIndex()).convert(text, "concepts/x/").html


def test_a_callout_has_its_type_title_and_content():
    out = html("> [!warning] Mind the *step*\n> Large steps diverge.\n>\n> A second paragraph.\n")
    assert out.startswith('<div class="callout callout-warning" data-callout="warning">')
    assert '<p class="callout-title">Mind the <em>step</em></p>' in out
    assert '<div class="callout-content">\n<p>Large steps diverge.</p>\n<p>A second paragraph.</p>' in out
    assert "[!warning]" not in out and "<blockquote>" not in out


def test_without_a_title_the_type_is_the_title_and_other_names_share_a_style():
    assert '<p class="callout-title">Faq</p>' in html("> [!FAQ]\n> Why?\n")
    assert 'class="callout callout-question" data-callout="faq"' in html("> [!FAQ]\n> Why?\n")
    assert 'class="callout callout-note" data-callout="made-up"' in html("> [!made-up] Odd\n> Kept.\n")


def test_minus_folds_closed_and_plus_folds_open():
    closed, opened = html("> [!tip]- More\n> Hidden.\n"), html("> [!tip]+ More\n> Shown.\n")
    assert closed.startswith('<details class="callout callout-tip" data-callout="tip">\n<summary class="callout-title">More')
    assert re.match(r'<details class="callout callout-tip" data-callout="tip" open>', opened)


def test_callouts_nest_and_two_in_a_row_stay_two():
    nested = html("> [!note] Outer\n> > [!bug] Inner\n> > Deep.\n")
    assert nested.count('class="callout ') == 2 and nested.index("callout-note") < nested.index("callout-bug")
    two = html("> [!note] One\n> First.\n\n> [!note] Two\n> Second.\n")
    assert two.count('<p class="callout-title">') == 2


def test_a_plain_quote_or_a_mark_later_in_it_is_no_callout():
    assert html("> Just a quote.\n") == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>"
    assert "callout" not in html("> Text first, then [!note] here.\n")
    assert "callout" not in html("`> [!note] in code`\n\n    > [!note] indented code\n")
