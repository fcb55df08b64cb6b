"""Golden snapshot of a whole small site. Refresh after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
then review the diff of tests/golden/ before committing it."""
import os
import shutil
from pathlib import Path

import pytest

from conceptsite.build import pipeline
HERE = Path(__file__).parent
SITE = HERE / "sites" / "basic"
GOLDEN = HERE / "golden" / "basic"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = "1764547200"  # 2025-12-01: pins the footer year
    try:
        # A copy outside git, its files' times pinned: a note without a date is dated by its last commit, or
        # outside git by its file's time, and neither may move the snapshot.
        site = tmp_path_factory.mktemp("golden")
        shutil.copytree(SITE, site, dirs_exist_ok=True)
        for path in site.rglob("*"):
            os.utime(path, (1764547200, 1764547200))
        out = site / "site"
        pipeline.build(pipeline.Options(content=site / "content", out=out))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return out


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_whole_site_matches_golden(built):
    actual = files_of(built)
    if os.environ.get("UPDATE_GOLDEN"):
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = files_of(GOLDEN)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel].decode() == expected[rel].decode(), f"{rel} differs from tests/golden/basic/{rel}"


def test_concept_page_matches_golden(built):
    """The single page most worth pinning, with a readable diff when it changes."""
    rel = "concepts/gradient/index.html"
    assert (built / rel).read_text() == (GOLDEN / rel).read_text()
