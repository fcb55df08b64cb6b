"""source/marks.py: where a pass over a body's regions may start past its beginning (restart). The regions
themselves are tested with the converter they follow, in test_obsidian.py."""
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conceptsite.source.marks import _LINK_OVER_LINES, marked_regions, restart

# Lines and pieces of lines that open, close or hold regions, or change how the next line starts
LINES = ["", "", "text", "a #tag b", "x %%c%% y", "%%", "```", "```py", "````", "~~~", "  ```", "> ```", "- ```",
         "\t```", "    code", "\tcode", "- item", "  - nested", "     indented", "1. one", "> quote #q", ">", "> > deep",
         "$$", "$$ x $$", "a $m$ b", "`open", "close`", "``", "[link", "text](url)", "[a](b", "c)", "[[wiki]]",
         "![[embed]]", "\\`", "\\[", "#tag", "- [ ] task #t", "   ", "***", "---", "===", "# heading #h", "|a|#b|"]


def _check(body: str) -> None:
    """Every restart, for each limit, finds what the whole pass finds from there, and no region runs past it."""
    whole = marked_regions(body)
    for start in {restart(body, limit) for limit in range(len(body) + 1)} - {0}:
        assert body[start - 2:start] == "\n\n" and "%%" not in body[:start - 1]
        assert all(end <= start for begin, end, _ in whole if begin < start), "a region runs past the restart"
        assert [(b - start, e - start, k) for b, e, k in whole if b >= start] == marked_regions(body[start:]), start


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=14))
@example(["```", "", "a", "```", "", "b"])  # a blank line in fenced code is no restart
@example(["[a", "", "b](c)", "", "d"])  # nor one in a link's text
@example(["- a", "", "    b", "", "c"])  # an indented line after a blank one may be a list's text
@example(["> q", "", "> r #t"])
def test_a_pass_restarted_finds_the_regions_the_whole_pass_finds_from_there(lines):
    _check("\n".join(lines))


def test_restarts_after_closed_fences_and_not_where_one_is_open_or_indented():
    body = "Intro [x](y).\n\n```py\ncode\n\n```\n\nPara $m$.\n\n> [!tip] #tag\n"
    assert body[restart(body, body.index("#tag")):].startswith("> [!tip]")
    assert restart("```\na\n\nb #t", 9) == 0  # open
    assert restart("  ```\na\n  ```\n\nb #t", 18) == 0  # indented: not read here
    assert restart("[a\nb](c)\n\nd #t", 12) == 0  # a link across lines before it
    assert restart("a %%\n\nb #t", 10) == 0  # (a comment runs past any line)


# _LINK_OVER_LINES as first written, with runs that give characters back: the possessive one must match as it does
_GREEDY = re.compile(r"\[[^\[\]\\\n]*(?:\\.[^\[\]\\\n]*)*\n[^\[\]\\]*(?:\\.[^\[\]\\]*)*\]\([^()]*\)"
                     r"|\[[^\[\]\\]*(?:\\.[^\[\]\\]*)*\]\([^()\n]*\n[^()]*\)")


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="[]()\\\na", max_size=24))
@example("[a\\\n](b)")  # an escape before the line break is no escape of it
@example("[a\n\\]](b)")
def test_links_over_lines_are_found_as_by_runs_that_give_back(text):
    for at in range(len(text) + 1):
        found, greedy = _LINK_OVER_LINES.match(text, at), _GREEDY.match(text, at)
        assert (found and found.span()) == (greedy and greedy.span()), at
