import datetime as dt

import pytest

from conceptsite.source.discover import SourceFile
from conceptsite.diagnostics import Report
from conceptsite.source.page import first_sentence, read_page


def read(text, kind="concept", slug="x"):
    report = Report()
    raw = text if isinstance(text, bytes) else text.encode()
    page = read_page(SourceFile(None, f"content/{slug}.md", kind, slug), raw, report)
    return page, [str(d) for d in report.items]


def test_full_front_matter():
    page, problems = read("---\ntitle: ReLU\nsummary: Max of zero.\ndefinition: max(0, x)\n"
                          "tags: [activations]\ndate: 2025-05-11\nupdated: 2025-06-01\nread_time: 4\n"
                          "related: [sigmoid]\naliases: [rectifier]\n---\nBody")
    assert problems == []
    assert page.title == "ReLU" and page.definition == "max(0, x)" and page.read_time == 4
    assert page.date == dt.date(2025, 5, 11) and page.updated == dt.date(2025, 6, 1)
    assert [r.target for r in page.relations["related"]] == ["sigmoid"]
    assert (page.relations["related"][0].line, page.relations["related"][0].col) == (9, 11)
    assert page.aliases[0].target == "rectifier" and page.url == "concepts/x/"


def test_title_from_heading_then_file_name():
    page, _ = read("---\ndate: 2025-01-01\n---\n# From Heading\n\nFirst sentence here. Second.")
    assert page.title == "From Heading" and page.summary == "First sentence here."
    assert "From Heading" not in page.body
    page, _ = read("---\ndate: 2025-01-01\n---\ntext", slug="batch-norm")
    assert page.title == "Batch norm"


def test_read_time_is_computed_from_words():
    page, _ = read("---\ndate: 2025-01-01\n---\n" + "word " * 401)
    assert page.read_time == 3


@pytest.mark.parametrize("front, message", [
    ("title: no", "content/x.md:3:8: error: title: expected a string, got a boolean False; quote it"),
    ("title: 123", "content/x.md:3:8: error: title: expected a string, got a number 123; quote it"),
    ("tags: a, b", "content/x.md:3:7: error: tags must be a list, e.g. tags: [first, second]"),
    ("updated: 2024-02-30", "content/x.md:3:10: error: updated: '2024-02-30' is not a valid date "
                            "(day is out of range for month); write it as YYYY-MM-DD"),
    ("read_time: -1", "content/x.md:3:12: error: read_time: expected a whole number of minutes, got -1"),
    ("draft: maybe", "content/x.md:3:8: error: draft: expected true or false, got 'maybe'"),
    ("link: javascript:alert(1)", "content/x.md:3:7: error: link: 'javascript:alert(1)' must start with https://, http://, mailto: or /"),
    ("tittle: x", "content/x.md:3:9: warning: unknown front-matter key 'tittle' (did you mean 'title'?)"),
])
def test_bad_values_are_reported_at_their_position(front, message):
    _, problems = read(f"---\ndate: 2025-01-01\n{front}\n---\nBody")
    assert problems == [message]


def test_missing_required_date():
    page, problems = read("")
    assert page is None
    assert problems[0].startswith("content/x.md:1:1: error: missing required field 'date'")


def test_loose_pages_need_no_date():
    page, problems = read("About me.", kind="page", slug="about")
    assert problems == [] and page.url == "about/"


def test_not_utf8_reports_byte_offset():
    _, problems = read(b"---\ndate: 2025-01-01\n---\nbad \xff here")
    assert problems == ["content/x.md:4:5: error: not UTF-8 at byte 29; save the file as UTF-8"]


def test_bom_and_crlf_read_like_lf():
    lf, _ = read("---\ndate: 2025-01-01\ntitle: T\n---\nA\n\nB\n")
    crlf, _ = read(b"\xef\xbb\xbf" + "---\r\ndate: 2025-01-01\r\ntitle: T\r\n---\r\nA\r\n\r\nB\r\n".encode())
    assert (crlf.title, crlf.body, crlf.body_line) == (lf.title, lf.body, lf.body_line)


def test_first_sentence_strips_markdown():
    assert first_sentence("## H\n\nSee [[relu|the rectifier]] and `code` *now*. More.") == "See the rectifier and code now."


def test_a_repeated_tag_is_warned_about_and_kept_once():
    page, problems = read("---\ndate: 2025-01-01\ntags: [math, ml, math]\n---\nBody")
    assert problems == ["content/x.md:3:18: warning: tag 'math' is listed twice; remove this one"]
    assert page.tags == ("math", "ml")
    assert page.tag_places == ((3, 8), (3, 14))
