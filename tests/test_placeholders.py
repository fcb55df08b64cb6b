"""No Python-Markdown stash marker ever reaches a message or an output file (issue 24): the converter
swaps text for markers such as STX 'klzzwxh:0' ETX while it works, and a marker that leaks shows readers
and authors nonsense ('unknown concept pic.pngklzzwxh:0000800')."""
import shutil
from pathlib import Path

import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed

HERE = Path(__file__).parent
MARKERS = ("\x02", "\x03", "klzzwxh", "wzxhzdk", "%02", "%03")  # raw, and as a URL would escape them
TRICKY = """---
title: Tricky
date: 2025-01-01
---
| name | link |
|---|---|
| a | [[pic.png\\|x]] and [[nowhere\\|y]] |

[foo](/bar\\*) ![img](/baz\\*.png) [ok](https://example.org/a\\_b) `[[code]]` <https://x.org/\\*>

Text with a footnote[^1] and an `inline $x$` and &copy; and \\$5.

[^1]: A note with [[nowhere-else]].
"""


def leaks(text: str) -> list[str]:
    return [marker for marker in MARKERS if marker in text]


@pytest.mark.parametrize("site", ["basic/content", "Field Notes", "tag-tree/content", "vault-frontmatter/content"])
def test_no_marker_in_any_output_or_message_of_the_test_sites(site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "site-src"
    shutil.copytree(HERE / "sites" / site, folder)
    (folder / ("concepts" if (folder / "concepts").is_dir() else "") / "tricky-leak-check.md").write_text(TRICKY)
    try:
        result = pipeline.build(pipeline.Options(content=folder, out=tmp_path / "out", static=HERE / "sites/basic/static"))
        diagnostics = result.warnings
    except BuildFailed as failed:
        diagnostics = failed.diagnostics
    assert [str(d) for d in diagnostics if leaks(str(d))] == []
    leaking = [str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*")
               if p.is_file() and leaks(p.read_bytes().decode("utf-8", "replace"))]
    assert leaking == []
