"""Property tests: the front-matter splitter, the page reader, slugs and the server's path policy never misbehave.

A bounded number of examples runs with the suite; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs many more.
The profiles are registered in tests/conftest.py."""
from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conceptsite.source.discover import SourceFile, make_slug
from conceptsite.diagnostics import Report
from conceptsite.source.frontmatter import FrontMatter, FrontMatterError, split
from conceptsite.source.page import Page, read_page

# YAML-ish text: keys, values, flow and block collections, anchors, tags, quotes and fences, mixed at random.
YAML_BITS = st.sampled_from([
    "title", "date", "tags", "related", "summary", ":", ": ", "- ", "  ", "\n", "\t", "---", "...", "[", "]",
    "{", "}", ",", "&a", "*a", "!!python/object:os.system", "!x", "!!str", "!!binary", "<<", "? ", "|", ">",
    "'", '"', "#", "%YAML 1.1", "2024-02-30", "2025-01-01", "no", "yes", "~", "null", "1e3", "0x1F", "1" * 30,
    "\\", "\x00", "\x85", "\u2028", "\ufeff", "\r\n", "\r", "é", "注意", "`", "<script>", "javascript:",
])
YAMLISH = st.lists(st.one_of(YAML_BITS, st.text(max_size=8)), max_size=40).map("".join)
DOCUMENT = st.tuples(YAMLISH, st.sampled_from(["---\n", "...\n", "--- \n", ""]), st.text(max_size=200)).map(
    lambda parts: "---\n" + parts[0] + "\n" + parts[1] + parts[2])
KINDS = st.sampled_from(["concept", "writeup", "project", "page"])


@given(st.one_of(DOCUMENT, YAMLISH, st.text()))
@example("---\ntitle: \x00\n---\n")
@example("---\na: 1" + "0" * 5000 + "\n---\n")
@example("---\na: " + "[" * 5000 + "\n---\n")
def test_splitter_returns_front_matter_or_a_positioned_error(text):
    try:
        fm = split(text)
    except FrontMatterError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.message
        assert exc.line <= text.count("\n") + 2
        return
    assert isinstance(fm, FrontMatter) and isinstance(fm.data, dict)
    assert 1 <= fm.body_line <= text.count("\n") + 2
    assert fm.body in text


def _read(raw: bytes, kind: str):
    report = Report()
    source = SourceFile(Path("/nonexistent/x.md"), "content/x.md", kind, "x")
    page = read_page(source, raw, report)
    return page, report


def _check_outcome(page, report: Report) -> None:
    assert page is None or isinstance(page, Page)
    if page is None:  # no page means at least one error says why
        assert report.errors
    for d in report.items:
        assert d.severity in ("error", "warning", "note") and d.line >= 1 and d.col >= 1 and d.message
        assert "\n" not in d.message


@given(st.binary(max_size=600), KINDS)
@example(b"\xef\xbb\xbf---\r\ndate: 2025-01-01\r\n---\r\n", "concept")
@example(b"---\ndate: 2025-01-01\n---\n\xff", "concept")
@example(b"", "concept")
def test_page_reader_on_arbitrary_bytes(raw, kind):
    page, report = _read(raw, kind)
    _check_outcome(page, report)


@given(DOCUMENT, KINDS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), st.booleans())
def test_page_reader_on_yamlish_documents(text, kind, encoding, crlf):
    if crlf:
        text = text.replace("\n", "\r\n")
    page, report = _read(text.encode(encoding, "surrogatepass"), kind)
    _check_outcome(page, report)


@given(st.sampled_from(["date: 2025-01-01\n", ""]), st.dictionaries(
    st.sampled_from(["title", "summary", "definition", "tags", "related", "aliases", "draft", "read_time",
                     "updated", "link", "status", "stack", "colour"]),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
              st.lists(st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4)),
    max_size=6))
def test_page_reader_on_well_formed_yaml_with_any_values(date, fields):
    import json  # JSON is YAML: any value shape, always syntactically valid

    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    text = "---\n" + date + "\n".join(lines) + "\n---\nBody.\n"
    page, report = _read(text.encode(), "concept")
    _check_outcome(page, report)


PATHS = st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=3).map("/".join)


@given(PATHS)
@example("Cafe\u0301/Über_Netz")
@example("C# and ?%notes")
@example("\u0130stanbul")  # İ lower-cases to two code points
@example("\u1e9e")  # ẞ
def test_slugs_are_url_safe_stable_and_idempotent(path):
    slug = make_slug(path)
    assert slug and slug == make_slug(path)
    assert make_slug(slug) == slug, "a slug must be its own slug"
    for part in slug.split("/"):
        assert part and part not in (".", "..")
        assert re.fullmatch(r"[\w\-]+", part), part
        assert not part.startswith("-") and not part.endswith("-") and "--" not in part
    assert not set(slug) & set("?#%&\\ \t\n\"'<>")


@given(st.text(max_size=20))
@example("ῢ")  # upper-cased, it lowers to a decomposed letter
def test_slugs_ignore_case_and_unicode_normal_form(name):
    import unicodedata

    assert make_slug(unicodedata.normalize("NFD", name)) == make_slug(unicodedata.normalize("NFC", name))
    assert make_slug(name.upper()) == make_slug(name.upper().lower())


# --- the preview server's path policy (conceptsite/serve_policy.py), when it is there --------------------------

try:
    from conceptsite.serve.policy import Refused, locate, request_path
except ImportError:  # pragma: no cover - the server is another engineer's module
    request_path = None

SEGMENTS = st.sampled_from(["..", ".", "", "%2e%2e", "%2E.", "..%2f", "%2f", "%5c", "\\", "a", "b", "index.html",
                            ".hidden", "%00", "C:", "c%3A", "~", "%252e%252e", "link", "out", "root-evil", "%ff",
                            "é", "%C3%A9", "?x=1", "#frag", ";", "//", "http:", "a b", "%20"])
TARGETS = st.lists(st.one_of(SEGMENTS, st.text(max_size=6)), max_size=8).map(lambda parts: "/" + "/".join(parts))


def _server_root(tmp: Path) -> Path:
    root = tmp / "root"
    if not root.exists():
        (root / "a" / "b").mkdir(parents=True)
        (root / "index.html").write_text("home")
        (root / "a" / "index.html").write_text("a")
        (root / ".hidden").write_text("secret")
        (tmp / "root-evil").mkdir()
        (tmp / "root-evil" / "index.html").write_text("outside")
        (tmp / "out").write_text("outside")
        os.symlink(tmp / "out", root / "link")
        os.symlink(tmp / "root-evil", root / "a" / "out")
    return root.resolve()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(TARGETS, st.text(max_size=30).map(lambda s: "/" + s), st.text(max_size=30)))
@example("/../out")
@example("/a/out/index.html")
@example("/link")
@example("//evil.example/")
@example("/%2e%2e/out")
def test_no_request_path_escapes_the_root(tmp_path, target):
    if request_path is None:
        return
    root = _server_root(tmp_path)
    try:
        rel = request_path(target)
    except Refused as refused:
        assert refused.status in (400, 404)
        return
    assert not rel.startswith("/") and ".." not in rel.split("/")
    found = locate(root, rel)
    if isinstance(found, Path):
        real = Path(os.path.realpath(found))
        assert real.is_relative_to(root), f"{target!r} escaped to {real}"
        assert not any(part.startswith(".") for part in real.relative_to(root).parts)
        assert real.read_text() != "outside"
    elif isinstance(found, str):
        assert found.startswith("/") and not found.startswith("//")

