"""source/regions.py: the quick reading of plain and empty lines against the general one. What the regions
are is tested with the converter they follow, in test_obsidian.py, and restarts in test_marks.py."""
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conceptsite.source.regions import Regions

# Lines that start blocks, continue or end them, or start with a letter; a letter-led line after each
LINES = ["", "", "text", "Text #t", "é `x`", "a %%c%% b", "%%", "```", "~~~", "    code #c", "\tcode", "- item",
         "  - nested", "     indented #i", "1. one", "-", "> quote", ">", ">     code #q", "> > deep", "> - item", "$$", "a $m$ b",
         "`open", "close`", "[link", "text](url)", "[[wiki]]", "![[embed]]", "   ", "***", "---", "===", "# h",
         "|a|b|"]


class _General(Regions):
    """Every line read the general way."""

    def line(self, pos: int) -> int:
        stop = self.line_end(pos)
        self.state, self.line_at = (self.blank, self.listed, self.coded), pos
        return self.any_line(pos, stop)


def _states(regions: Regions) -> tuple:
    return regions.run(), regions.blank, regions.listed, regions.coded, regions.depth


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=14))
@example(["- item", "", "text", "", "    code #c"])  # a letter after a blank line ends the list
@example(["> quote", "", "text", "    code #c"])  # and the quote
@example(["> quote", "text", "", "    code #c"])  # a lazy line goes on the quote's paragraph
@example(["-", "", "    code #c"])  # an empty item and a blank line: the list is over
@example(["> - item", "", "    code #c"])  # a blank line ends a quote and the list in it
@example([">     code #q", ""])  # and the code in it
def test_plain_and_empty_lines_are_read_as_the_general_reading_reads_them(lines):
    body = "\n".join(lines)
    assert _states(Regions(body)) == _states(_General(body))
