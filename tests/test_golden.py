"""Golden snapshot of a whole small site. Refresh after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
then review the diff of tests/golden/ before committing it."""
import os
import re
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


VAULT = HERE / "sites" / "Field Notes"


@pytest.fixture(scope="module")
def vault(tmp_path_factory):
    """The golden vault built once, its cache out of the way; (the build's result, the site folder)."""
    folder = tmp_path_factory.mktemp("vault")
    cache = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    try:
        result = build_copy(VAULT, "", folder, static=SITE / "static")
    finally:
        if cache is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = cache
    return result, folder / "site"


def test_a_vault_in_other_tools_conventions_matches_golden(vault):
    """Tests/sites/Field Notes: an Obsidian-style vault with no site.yml, every convention of issue 23 in it."""
    result, site = vault
    assert result.warnings == ()  # (a wikilink in a %% comment would warn: it names no note)
    compare(site, HERE / "golden" / "vault")
    for path in site.rglob("*"):  # drafts, publish: false, .trash/ and Templates/: nowhere
        text = path.read_bytes() if path.is_file() else b""
        assert not any(s in text for s in (b"no output", b"never be published", b"secret-tag", b"daily notes")), path


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text()


def test_the_vault_s_obsidian_comments_reach_no_output_file(vault):
    """An inline %% comment in Learning Rate's first paragraph (its summary: cards, feed, data files) and a
    block one in Weight Decay's embedded section (its page, Momentum's embed, the feed, the search words)."""
    _, site = vault
    words = (b"aardvarkcomment", b"abacuscomment", b"Unwritten Sweep")
    source = b"".join(p.read_bytes() for p in VAULT.rglob("*.md"))
    assert all(word in source for word in words)  # the vault holds them, in comments
    written = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml")]
    assert {p.suffix for p in written} == {".html", ".json", ".xml"}
    for path in written:
        assert not any(word in path.read_bytes() for word in words), path
    # What stands around each comment is still there
    first = "<p>The learning rate scales each update before it is applied to the weights.</p>"
    assert first in read(site, "concepts/learning-rate")
    assert "It is shown in full on the momentum page." in read(site, "concepts/optimizers/momentum")


def test_the_vault_s_block_id_is_an_anchor_and_its_embed_shows_the_block(vault):
    _, site = vault
    decay = read(site, "concepts/l2-penalty")
    assert ('<p id="decoupled">Decoupled decay subtracts a share of each weight after the step, not through the '
            'gradient.</p>') in decay
    assert "^decoupled" not in decay and decay.count('id="decoupled"') == 1
    adam = read(site, "concepts/optimizers/adam")  # ![[Weight Decay#^decoupled]]: that paragraph, and only it
    assert ('<div class="embed"><div class="embed-content"><p>Decoupled decay subtracts a share of each weight after '
            'the step, not through the gradient.</p></div><p class="embed-source">'
            '<a href="../../l2-penalty/#decoupled">') in adam
    momentum = read(site, "concepts/optimizers/momentum")  # the section embed shows the block without its id
    assert "Decoupled decay subtracts" in momentum and 'id="decoupled"' not in momentum and "^decoupled" not in momentum


def test_the_vault_s_inline_tags_tasks_and_highlight(vault):
    _, site = vault
    clipping = read(site, "concepts/gradient-clipping")
    assert ('<p>Filed under <a class="tag" href="../../tags/stability/">#stability</a>, with the other guards under '
            '<a class="tag" href="../../tags/training/guards/">#training/guards</a>.</p>') in clipping
    for tag in ("stability", "training/guards", "training"):  # a nested inline tag is under its parent's page too
        assert (site / "tags" / tag / "index.html").is_file(), tag
        up = "../" * (tag.count("/") + 2)
        assert f'href="{up}concepts/gradient-clipping/"' in read(site, f"tags/{tag}"), tag
    boxes = re.findall(r'<li class="task">(<input[^>]*>) ([^<]*)</li>', clipping)
    assert boxes == [('<input disabled type="checkbox">', "Clip each layer on its own instead of the whole gradient"),
                     ('<input checked disabled type="checkbox">',
                      "Log the norm before clipping, to pick the threshold")]
    assert clipping.count("<input") == 2
    assert "<mark>too small and training crawls</mark>" in read(site, "concepts/learning-rate")


def test_the_vault_s_marks_in_code_and_math_stay_as_written(vault):
    _, site = vault
    page = read(site, "concepts/rss-feed")
    for mark in ("==x==", "%%y%%", "[[z]]", "#w"):
        assert f"<code>{mark}</code>" in page
    assert not (site / "tags" / "w").exists()
    # $a ==x== [[z]] %%y%%$: ==x== and [[z]] as TeX reads them (no <mark>, no link). '%' starts a TeX comment,
    # so %%y%% shows nothing whoever takes it out: tests/test_obsidian.py holds a '%%' in math to opening no comment.
    assert re.findall(r"<math .*?</math>", page) == [
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>a</mi><mo>&#x0003D;</mo>'
        '<mo>&#x0003D;</mo><mi>x</mi><mo>&#x0003D;</mo><mo>&#x0003D;</mo><mo stretchy="false">[</mo>'
        '<mo stretchy="false">[</mo><mi>z</mi><mo stretchy="false">]</mo><mo stretchy="false">]</mo></mrow></math>']


def test_concept_page_matches_golden(built):
    """The single page most worth pinning, with a readable diff when it changes."""
    rel = "concepts/gradient/index.html"
    assert (built / rel).read_text() == (GOLDEN / rel).read_text()
