"""Speed-ups for Python-Markdown and Pygments, with the same output: the only place in conceptsite
allowed to touch those libraries' internals (private methods and registries, lexers' rule tables,
the `re` module's parser).

Each tuning reproduces a piece of one exact release and is held to that release's own output by
tests/test_speedups_*.py. So `install()` is the one gate: it tunes a converter only when every
library is at the version in PINNED and CONCEPTSITE_SPEEDUPS is not "off", and otherwise leaves the
libraries as they are, which renders the same HTML, only slower. The tuning modules are imported
only past the gate, so another release never loads them. To move to a new release, raise PINNED
and run those tests against it; a tuning they fail is fixed or dropped.

- markdown_inline: inline patterns, block tests and two whole-source passes of Python-Markdown.
- markdown_passes: its table of contents and unescape passes and its link parser.
- pygments_lexers: Pygments' regex lexers, each state's rules joined into one pattern.
- regex_first_chars: which characters a regex match can start with (for pygments_lexers).
"""
from __future__ import annotations

import os
import sys

import markdown
import pygments

PINNED = {"markdown": "3.11.4", "pygments": "2.21.0", "python": "3.11"}
SWITCH = "CONCEPTSITE_SPEEDUPS"  # "off" turns every speed-up off


def running() -> dict[str, str]:
    """The versions the gate compares with PINNED, read afresh on each call."""
    return {"markdown": markdown.__version__, "pygments": pygments.__version__,
            "python": "%d.%d" % sys.version_info[:2]}


def enabled() -> bool:
    """Whether speed-ups may be installed: not switched off, and every library at its pinned version."""
    return os.environ.get(SWITCH, "").strip().lower() != "off" and running() == PINNED


def install(md: markdown.Markdown, inline_needs: dict[str, tuple[str, ...]]) -> bool:
    """Tune this converter and codehilite's lexer look-up when enabled(), else leave both stock; True if tuned.

    inline_needs names our own inline patterns and the texts every match of each holds."""
    if not enabled():
        _stock_lexers()
        return False
    from . import markdown_inline, markdown_passes, pygments_lexers

    pygments_lexers.install()
    markdown_inline.tune(md, inline_needs)
    markdown_passes.tune(md)
    return True


def _stock_lexers() -> None:
    # The lexer look-up is codehilite's module-wide name, not the converter's: a converter made with the
    # speed-ups off puts Pygments' own back, if an earlier one in this process had replaced it.
    lexers = sys.modules.get(f"{__name__}.pygments_lexers")
    if lexers is not None:
        lexers.uninstall()
