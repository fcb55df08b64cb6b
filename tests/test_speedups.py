"""The one gate in front of every speed-up (conceptsite/speedups/__init__.py): exact versions, and a switch."""
from pathlib import Path

import markdown
import pygments
import pytest
from markdown import preprocessors, treeprocessors
from markdown.extensions import codehilite, toc
from pygments.lexers import get_lexer_by_name

from conceptsite.markdown import speedups
from conceptsite.markdown.convert import Markup
from fakes import FakeIndex

# A page touching every tuned piece: headings and contents, code, links of each kind, escapes, a table.
PAGE = """[TOC]

## Intro

Text with `code`, *em*, a [link](/concepts/relu/ "t"), ![img](p.png), [ref][r], [[relu]], $x^2$, \\*,
&amp; and <http://ex.org/> or <me@ex.org>.  
A line break, a footnote[^1].

### Code

```python
def f(x):
    return [x * 2 for _ in 'ab']  # note
```

> quoted

| a | b |
|---|---|
| 1 | 2 |

---

Heading two
-----------

[r]: /concepts/relu/
[^1]: The note.
"""


def _tuned(md) -> set[str]:
    """The converter's pieces that are not the library's own (empty: a stock converter)."""
    checks = {
        "inline pass": type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor,
        "toc pass": type(md.treeprocessors["toc"]) is toc.TocTreeprocessor,
        "whitespace pass": type(md.preprocessors["normalize_whitespace"]) is preprocessors.NormalizeWhitespace,
        "inline regexes": all(p.compiled_re.pattern == p.pattern for p in md.inlinePatterns),
        "link parts": not any("getText" in vars(p) or "getLink" in vars(p) for p in md.inlinePatterns),
        "block tests": not any("test" in vars(p) for p in md.parser.blockprocessors),
        "lexer look-up": codehilite.get_lexer_by_name is get_lexer_by_name,
    }
    return {name for name, stock in checks.items() if not stock}


ALL = {"inline pass", "toc pass", "whitespace pass", "inline regexes", "link parts", "block tests", "lexer look-up"}


def _render(markup: Markup) -> tuple:
    body = markup.convert(PAGE, "concepts/x/")
    return body, markup.md.toc_tokens


ON = speedups.running() == speedups.PINNED  # whether this environment has the pinned versions (the switch aside)


@pytest.fixture(autouse=True)
def _switch_unset(monkeypatch):
    """Each test starts with the switch unset, so a run with CONCEPTSITE_SPEEDUPS=off still tests the gate open."""
    monkeypatch.delenv(speedups.SWITCH, raising=False)


def test_the_pinned_versions_are_the_locked_ones():
    # A `make lock` that moves Markdown or Pygments on fails here, where it is noticed: run these tests
    # against the new release with PINNED raised to it, or builds with the locked set lose the speed-ups.
    lock = (Path(__file__).resolve().parent.parent / "constraints" / "lock.txt").read_text(encoding="utf-8")
    locked = dict(line.split("==") for line in lock.splitlines() if "==" in line and not line.startswith("#"))
    assert (locked["Markdown"], locked["Pygments"]) == (speedups.PINNED["markdown"], speedups.PINNED["pygments"])


def test_every_speed_up_is_in_place_exactly_when_the_gate_is_open(monkeypatch):
    assert _tuned(Markup(FakeIndex()).md) == (ALL if ON else set())
    assert speedups.enabled() is (speedups.running() == speedups.PINNED)


@pytest.mark.parametrize("library, version", [(markdown, "3.11.3"), (markdown, "3.12.0"), (pygments, "2.20.0")])
def test_any_other_version_leaves_the_converter_stock_with_the_same_html(monkeypatch, library, version):
    tuned = _render(Markup(FakeIndex()))
    monkeypatch.setattr(library, "__version__", version)
    assert not speedups.enabled()
    plain = Markup(FakeIndex())
    assert _tuned(plain.md) == set()
    assert _render(plain) == tuned
    assert 'class="highlight"' in tuned[0].html and 'id="code"' in tuned[0].html and tuned[0].toc


def test_another_python_leaves_the_converter_stock(monkeypatch):
    monkeypatch.setitem(speedups.PINNED, "python", "3.99")  # what a running 3.12 does against a 3.11 pin
    assert _tuned(Markup(FakeIndex()).md) == set()


@pytest.mark.parametrize("value", ["off", "OFF", " off\n"])
def test_the_switch_turns_every_speed_up_off_with_the_same_html(monkeypatch, value):
    tuned = _render(Markup(FakeIndex()))
    monkeypatch.setenv(speedups.SWITCH, value)
    plain = Markup(FakeIndex())
    assert _tuned(plain.md) == set() and _render(plain) == tuned
    monkeypatch.setenv(speedups.SWITCH, "on")  # read per converter: the next one is tuned again
    assert _tuned(Markup(FakeIndex()).md) == (ALL if ON else set())


def _files(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_example_site_builds_byte_identically_with_speed_ups_on_and_off(run_cli, monkeypatch, tmp_path):
    content = Path(__file__).resolve().parent.parent / "content"
    tuned, install = [], speedups.install
    monkeypatch.setattr(speedups, "install", lambda md, needs: tuned.append(install(md, needs)) or tuned[-1])
    assert run_cli("build", "--no-cache", "--content", content, "--out", tmp_path / "on").code == 0
    assert tuned and set(tuned) == {ON}
    tuned.clear()
    monkeypatch.setenv(speedups.SWITCH, "off")
    assert run_cli("build", "--no-cache", "--content", content, "--out", tmp_path / "off").code == 0
    assert tuned and not any(tuned)
    on, off = _files(tmp_path / "on"), _files(tmp_path / "off")
    assert len(on) > 20 and on == off
