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


PINNED = 1764547200  # 2025-12-01: the footer year, and the day of every note dated by its file's time


def build_copy(source: Path, content: str, folder: Path, **options) -> pipeline.Result:
    """Build a copy of a test site outside git, its files' times pinned: a note without a date is dated by
    its last commit, or outside git by its file's time, and neither may move a snapshot."""
    os.environ["SOURCE_DATE_EPOCH"] = str(PINNED)  # pins the footer year
    try:
        shutil.copytree(source, folder / source.name)
        for path in (folder / source.name).rglob("*"):
            os.utime(path, (PINNED, PINNED))
        return pipeline.build(pipeline.Options(content=folder / source.name / content, out=folder / "site", **options))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("golden")
    build_copy(SITE, "content", folder)
    return folder / "site"


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def compare(built: Path, golden: Path) -> None:
    """Every file as in golden/ (which UPDATE_GOLDEN=1 rewrites first)."""
    actual = files_of(built)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, data in actual.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    expected = files_of(golden)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel].decode() == expected[rel].decode(), f"{rel} differs from {golden}/{rel}"


def test_whole_site_matches_golden(built):
    compare(built, GOLDEN)


def test_a_vault_in_other_tools_conventions_matches_golden(tmp_path, monkeypatch):
    """Tests/sites/Field Notes: an Obsidian-style vault with no site.yml, every convention of issue 23 in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = build_copy(HERE / "sites" / "Field Notes", "", tmp_path, static=SITE / "static")
    assert result.warnings == ()
    compare(tmp_path / "site", HERE / "golden" / "vault")
    for path in (tmp_path / "site").rglob("*"):  # drafts, publish: false, .trash/ and Templates/: nowhere
        text = path.read_bytes() if path.is_file() else b""
        assert not any(s in text for s in (b"no output", b"never be published", b"secret-tag", b"daily notes")), path


def test_concept_page_matches_golden(built):
    """The single page most worth pinning, with a readable diff when it changes."""
    rel = "concepts/gradient/index.html"
    assert (built / rel).read_text() == (GOLDEN / rel).read_text()
