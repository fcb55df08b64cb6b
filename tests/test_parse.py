import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conceptsite.build import pipeline

from conceptsite.source.discover import SourceFile, discover
from conceptsite.diagnostics import Report
from conceptsite.source.page import read_page
from conceptsite.source.read import read_pages


def read(text, kind="concept", slug="x", shown=None):
    report = Report()
    raw = text if isinstance(text, bytes) else text.encode()
    page = read_page(SourceFile(Path("/nonexistent", slug + ".md"), shown or f"content/{slug}.md", kind, slug), raw, report)
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
    ("tags: 5", "content/x.md:3:7: error: tags must be a list or a string, e.g. tags: [first, second]"),
    ("updated: 2024-02-30", "content/x.md:3:10: error: updated: '2024-02-30' is not a valid date "
                            "(day is out of range for month); write it as YYYY-MM-DD"),
    ("read_time: -1", "content/x.md:3:12: error: read_time: expected a whole number of minutes, got -1"),
    ("draft: maybe", "content/x.md:3:8: error: draft: expected true or false, got 'maybe'"),
    ("link: javascript:alert(1)", "content/x.md:3:7: error: link: 'javascript:alert(1)' must start with https://, http://, mailto: or /"),
    ("tittle: x", "content/x.md:3:9: note: unknown front-matter key 'tittle' (did you mean 'title'?)"),
])
def test_bad_values_are_reported_at_their_position(front, message):
    _, problems = read(f"---\ndate: 2025-01-01\n{front}\n---\nBody")
    assert problems == [message]


def test_no_date_is_needed():
    for kind in ("concept", "writeup", "project"):
        page, problems = read("Body.", kind=kind)
        assert problems == [] and page.date is None and page.updated is None


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


def test_a_repeated_tag_is_warned_about_and_kept_once():
    page, problems = read("---\ndate: 2025-01-01\ntags: [math, ml, math]\n---\nBody")
    assert problems == ["content/x.md:3:18: warning: tag 'math' is listed twice; remove this one"]
    assert page.tags == ("math", "ml")
    assert page.tag_places == ((3, 8), (3, 14))


# --- Front-matter as people write it (issue 23) --------------------------------------------------------------


def test_a_note_without_front_matter_loads():
    page, problems = read("Just a thought, written down. Nothing else.", slug="thought")
    assert problems == [] and page.title == "Thought" and page.summary == "Just a thought, written down."
    assert page.tags == () and page.aliases == () and not page.draft and page.extra == {}


@pytest.mark.parametrize("text, shown, slug, title", [
    ("---\ntitle: Given\n---\n# Heading\n", "content/concepts/a b.md", "a-b", "Given"),
    ("# Heading Here\n\nText.", "content/concepts/RSS Feed.md", "rss-feed", "Heading Here"),
    ("Text.", "content/concepts/RSS Feed.md", "rss-feed", "RSS Feed"),  # case kept, spaces kept
    ("Text.", "content/concepts/making plugins.md", "making-plugins", "making plugins"),
    ("Text.", "content/concepts/ReLU.md", "relu", "ReLU"),
    ("Text.", "content/concepts/batch-norm.md", "batch-norm", "Batch norm"),  # a name written as a slug, as before
    ("Text.", "content/concepts/Query Tips/index.md", "query-tips", "Query Tips"),  # a folder's page: its folder
])
def test_title_from_front_matter_then_heading_then_file_name_as_written(text, shown, slug, title):
    page, problems = read(text, slug=slug, shown=shown)
    assert problems == [] and page.title == title


@pytest.mark.parametrize("front, tags", [
    ("tags: [ml, optimizers]", ("ml", "optimizers")),
    ("tags: ml", ("ml",)),
    ("tags: ml optimizers", ("ml", "optimizers")),
    ("tags: ml, deep learning", ("ml", "deep learning")),
    ("tags: '#ml #optimizers'", ("ml", "optimizers")),
    ("tags: ['#ml', optimizers]", ("ml", "optimizers")),
    ("tags: ml/optimizers, ml", ("ml/optimizers", "ml")),  # nested tags kept as written
    ("tags:\n  - '#ml/deep'\n  - ml", ("ml/deep", "ml")),
    ("tags: ''", ()),
])
def test_tags_as_a_list_or_a_string_with_or_without_hash(front, tags):
    page, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [] and page.tags == tags
    assert len(page.tag_places) == len(tags)


def test_a_tag_string_repeating_a_tag_warns_at_the_string():
    page, problems = read("---\ntags: a b a\n---\nBody")
    assert page.tags == ("a", "b") and page.tag_places == ((2, 7), (2, 7))
    assert problems == ["content/x.md:2:7: warning: tag 'a' is listed twice; remove this one"]


@pytest.mark.parametrize("front, aliases", [
    ("aliases: [Step Size, eta]", ("step-size", "eta")),
    ("aliases: Step Size", ("step-size",)),
    ("alias: Step Size", ("step-size",)),
    ("alias: [eta]", ("eta",)),
    ("aliases: [eta]\nalias: eta", ("eta",)),  # one name once, whichever key gave it
    ("aliases: [X, Other]", ("other",)),  # the page's own name adds nothing and would clash with its URL
    ("redirect_from: [/concepts/old-name/, /older/]", ("old-name", "older")),
    ("redirect_from: /concepts/old-name/", ("old-name",)),
])
def test_aliases_from_aliases_alias_and_redirect_from(front, aliases):
    page, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [] and tuple(ref.target for ref in page.aliases) == aliases


def test_an_alias_string_points_at_its_value():
    page, _ = read("---\ntitle: T\nalias: Step Size\n---\nBody")
    assert [(r.target, r.line, r.col) for r in page.aliases] == [("step-size", 3, 8)]


def test_description_is_the_summary_when_there_is_no_summary():
    page, _ = read("---\ndescription: Said in front.\n---\nFirst sentence. Second.")
    assert page.summary == "Said in front."
    page, _ = read("---\nsummary: Ours.\ndescription: Theirs.\n---\nBody.")
    assert page.summary == "Ours."


@pytest.mark.parametrize("front, date, updated", [
    ("created: 2024-03-05", dt.date(2024, 3, 5), None),
    ("publishDate: 2024-03-05", dt.date(2024, 3, 5), None),
    ("date: 2024-03-05\ncreated: 2020-01-01", dt.date(2024, 3, 5), None),  # ours first
    ("modified: 2024-04-01", None, dt.date(2024, 4, 1)),
    ("lastmod: 2024-04-01", None, dt.date(2024, 4, 1)),
    ("last-modified: 2024-04-01", None, dt.date(2024, 4, 1)),
    ("date: 2024-03-05T23:30:00+02:00\nupdated: 2024-04-01 08:15", dt.date(2024, 3, 5), dt.date(2024, 4, 1)),
    ("created: 2024-03-05T23:30:00.123Z", dt.date(2024, 3, 5), None),  # the date as written, not moved to UTC
    ("created: '2024-03-05 23:30:00 -0500'", dt.date(2024, 3, 5), None),
    ("created: 2024-03-05T10:30", dt.date(2024, 3, 5), None),
])
def test_dates_under_other_names_and_with_times(front, date, updated):
    page, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [] and (page.date, page.updated) == (date, updated)


@pytest.mark.parametrize("front, message", [
    ("created: 2024-03-05T25:00", "created: '2024-03-05T25:00' is not a valid date (hour must be in 0..23)"),
    ("lastmod: 2024-02-30T10:00Z", "lastmod: '2024-02-30T10:00Z' is not a valid date (day is out of range for month)"),
    ("date: 2024-03-05 noon", "date: '2024-03-05 noon' is not a valid date (expected YYYY-MM-DD)"),
])
def test_a_bad_date_time_is_an_error_at_its_key(front, message):
    page, problems = read(f"---\n{front}\n---\nBody")
    assert page is None and problems == [f"content/x.md:2:{front.index(':') + 3}: error: {message}; write it as YYYY-MM-DD"]


@pytest.mark.parametrize("front, hidden", [
    ("draft: true", True), ("publish: false", True), ("published: false", True),
    ("draft: false", False), ("publish: true", False), ("published: true", False), ("title: T", False),
    ("publish: true\ndraft: true", True),
])
def test_draft_publish_and_published_keep_a_note_out(front, hidden):
    page, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [] and page.draft is hidden


def test_hidden_notes_are_left_out_by_the_reader_unless_drafts_are_asked_for(tmp_path):
    concepts = tmp_path / "content" / "concepts"
    concepts.mkdir(parents=True)
    for name, front in [("shown", ""), ("d", "draft: true"), ("p", "publish: false"), ("q", "published: false")]:
        (concepts / f"{name}.md").write_text(f"---\n{front}\n---\nBody.\n")
    sources = discover(tmp_path / "content")
    assert [p.slug for p in read_pages(sources, False, Report())] == ["shown"]
    assert len(read_pages(sources, True, Report())) == 4


@pytest.mark.parametrize("kind, slug, front, url", [
    ("concept", "x", "slug: Step Size", "concepts/step-size/"),
    ("concept", "folder/x", "slug: y", "concepts/folder/y/"),  # the file's name replaced, its folder kept
    ("writeup", "x", "slug: y", "writeups/y/"),
    ("page", "x", "slug: y", "y/"),
    ("concept", "x", "permalink: /terms/adagrad/", "terms/adagrad/"),
    ("concept", "x", "permalink: terms/AdaGrad", "terms/AdaGrad/"),  # as written: the site's own links keep working
    ("concept", "x", "slug: y\npermalink: /terms/z/", "terms/z/"),
])
def test_slug_and_permalink_give_the_url(kind, slug, front, url):
    page, problems = read(f"---\n{front}\n---\nBody", kind=kind, slug=slug)
    assert problems == [] and page.url == url
    assert page.slug == slug  # links still find the note by its file's name


@pytest.mark.parametrize("value", ["/:title/", "/terms/x.html", "https://example.com/x/", "/a b/"])
def test_a_permalink_that_is_not_a_plain_path_is_warned_about_and_ignored(value):
    page, problems = read(f"---\npermalink: '{value}'\n---\nBody")
    assert page.url == "concepts/x/"
    assert problems == [f"content/x.md:2:12: warning: permalink: '{value}' is not a plain path like /terms/adam/ "
                        "(letters, digits, '-', '_' and '/'), so the page keeps its own URL"]


def test_unknown_keys_are_kept_as_extra():
    page, problems = read("---\ntitle: T\ncolour: red\nrelated_terms: [a, b]\nweight: 3\n---\nBody")
    assert page.extra == {"colour": "red", "related_terms": ["a", "b"], "weight": 3}
    # Notes: only a strict run shows them (and fails), so another tool's keys build quietly.
    assert problems == ["content/x.md:3:9: note: unknown front-matter key 'colour'",
                        "content/x.md:4:16: note: unknown front-matter key 'related_terms' (did you mean 'related'?)",
                        "content/x.md:5:9: note: unknown front-matter key 'weight'"]


def test_keys_read_under_other_names_are_not_unknown():
    front = ("description: D\ncreated: 2024-01-01\nmodified: 2024-01-02\npublish: true\nalias: a\n"
             "redirect_from: [/b/]\nslug: s\npermalink: /p/\npublishDate: 2024-01-01\nlastmod: 2024-01-02")
    page, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [] and page.extra == {}


@pytest.mark.parametrize("front, message", [
    ("status: [deprecated]", "status: expected a string, got a list ['deprecated']; "
                             "write it without brackets: status: deprecated"),
    ("status: [old, new]", "status: expected a string, got a list ['old', 'new']; write a single value, e.g. status: old"),
    ("status: 3", "status: expected a string, got a number 3; quote it"),
])
def test_a_list_where_one_value_is_wanted_is_not_told_to_quote_it(front, message):
    _, problems = read(f"---\n{front}\n---\nBody")
    assert problems == [f"content/x.md:2:9: error: {message}"]


VAULT = Path(__file__).parent / "sites" / "vault-frontmatter" / "content"
STUB_STATIC = Path(__file__).parent / "sites" / "basic" / "static"


def test_a_vault_in_other_tools_front_matter_builds_with_each_convention(tmp_path):
    shutil.copytree(VAULT, tmp_path / "content")
    out = tmp_path / "site"
    result = pipeline.build(pipeline.Options(content=tmp_path / "content", out=out, static=STUB_STATIC,
                                             use_cache=False, workers=1))
    assert result.warnings == ()  # its unknown key 'difficulty' is a note, shown only by --strict
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: (n["title"], n["tags"]) for n in graph["nodes"]}
    assert nodes == {
        "concepts/rss-feed/": ("RSS Feed", []),  # no front-matter: the file's name as written
        "concepts/gradient-clipping/": ("Gradient Clipping", []),  # its first heading
        "concepts/weight-decay/": ("weight decay", ["optimization", "regularization/l2"]),  # a tag string, '#', nested
        "concepts/learning-rate/": ("Learning rate", ["optimization", "training"]),  # a space-separated string
        "concepts/lr-warmup/": ("Warmup", ["training"]),  # slug
        "terms/momentum/": ("Momentum", ["optimization"]),  # permalink
    }
    summary = next(n["summary"] for n in graph["nodes"] if n["id"] == "concepts/weight-decay/")
    assert summary == "Shrinks every weight a little at each step."  # description
    for alias in ("step-size", "eta", "lr", "l2-penalty"):  # aliases, redirect_from and alias
        assert (out / "concepts" / alias / "index.html").is_file(), alias
    page = (out / "concepts/weight-decay/index.html").read_text(encoding="utf-8")
    assert 'datetime="2024-11-03"' in page and 'datetime="2025-01-12"' in page  # created and lastmod, with times
    page = (out / "terms/momentum/index.html").read_text(encoding="utf-8")
    assert 'datetime="2024-09-09"' in page and 'datetime="2025-03-03"' in page  # created and last-modified
    for path in out.rglob("*"):  # draft, publish: false and published: false: in no output at all
        if path.is_file():
            text = path.read_bytes()
            assert b"Hidden by" not in text and b"hiddentag" not in text, path
