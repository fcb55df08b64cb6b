"""How long the readers take on pathological pages: long runs of unclosed marks and deeply nested open fences.

Each reader should take time in proportion to the page; one that looked back over what it had read, or
searched to the end of the page again at every mark, would take minutes. The tests check what these pages
read as; their times are measured here, never asserted in a test (machines differ in speed).

`python -m benchmarks.pathological [--runs N] [--units N]`: the median of N runs for each page, and the time
per thousand units, so a page twice as long that takes four times as long shows."""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from conceptsite.markdown.blockparse import Parser
from conceptsite.markdown.convert import Markup
from conceptsite.source.fields import inline_tags
from conceptsite.source.marks import marked_regions, without_comments

# The units the tests repeat (tests/test_obsidian.py LONG_RUNS): each opens a mark that nothing closes.
UNITS = ["==a ", "`` ` ", "$a ", "%%", "#a#", "[[a ", "$$\n", "```\n", "    x\n\n- a\n", "^[a "]


class Nothing:
    """Resolves no wikilink and suggests nothing: the converter's own work only."""

    def resolve(self, name):
        return None

    def resolve_file(self, name, folder):
        return None

    def hint(self, name):
        return ""


def median_seconds(work, runs: int) -> float:
    """The median wall time of work() over runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rows(units: int, runs: int):
    """(page, reader, seconds at units, seconds at twice as many) for every page and reader."""
    markup = Markup(Nothing())
    readers = {
        "regions and tags": lambda text: (marked_regions(text), inline_tags(text)),
        "converter": lambda text: markup.convert(without_comments(text)[0], "concepts/x/"),
    }
    for unit in UNITS:
        for name, read in readers.items():
            once, twice = (median_seconds(lambda n=n: read(unit * n), runs) for n in (units, 2 * units))
            yield repr(unit), name, once, twice
    fences = lambda n: ["> - ```"] * n + ["text"] * n  # noqa: E731 - nested open fences, as tests/test_blocks.py
    once, twice = (median_seconds(lambda n=n: Parser().parse(fences(n)), runs) for n in (units * 2, units * 4))
    yield "'> - ```' lines", "block reader", once, twice


def main(argv: list[str] | None = None) -> int:
    """Print each page's times and how they grow when the page doubles."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pathological", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page, of which the median is shown")
    parser.add_argument("--units", type=int, default=4000, help="how many times each unit is repeated")
    args = parser.parse_args(argv)
    print(f"{'page':<18} {'reader':<17} {'median':>9} {'doubled':>9} {'growth':>7}")
    for page, reader, once, twice in rows(args.units, args.runs):
        print(f"{page:<18} {reader:<17} {once:>8.3f}s {twice:>8.3f}s {twice / max(once, 1e-9):>6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
