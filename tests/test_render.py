"""Rendering through the templates: links the templates make with url()."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conceptsite.build import pipeline


def test_a_nav_link_to_another_site_stays_whole(scratch_project):
    p = scratch_project
    p.concept("alpha", "title: Alpha")
    p.write("site.yml", "title: Notes\nnav:\n  - {label: Concepts, path: /concepts/, key: K}\n"
                        "  - {label: Code, path: 'https://example.org/code', key: C}\n")
    pipeline.build(pipeline.Options(content=p.content, out=p.out))
    page = p.read("concepts/alpha/index.html")
    assert 'href="https://example.org/code"' in page and 'href="../"' in page
    assert 'href="https://example.org/code"' in p.read("404.html")  # absolute links there too


TREE = Path(__file__).parent / "sites" / "tag-tree" / "content"
ML_NOTES = ("anchor-boxes", "convolution", "non-max-suppression", "overfitting", "tokenizer")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tag-tree") / "site"
    pipeline.build(pipeline.Options(content=TREE, out=out, use_cache=False, workers=1))
    return out


def main(path: Path) -> str:
    """The <main> of a built page."""
    return re.search(r"<main\b.*</main>", path.read_text(encoding="utf-8"), re.S).group()


class TagTree(HTMLParser):
    """(depth of nested lists, link text, count text) of each tag in the tag index."""

    def __init__(self):
        super().__init__()
        self.depth, self.rows, self.into = 0, [], None

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "ul"
        if tag == "a" or (tag == "span" and ("class", "count") in attrs):
            self.into = tag

    def handle_endtag(self, tag):
        self.depth -= tag == "ul"
        self.into = None if tag == self.into else self.into

    def handle_data(self, data):
        if self.into == "a":
            self.rows.append([self.depth, data])
        elif self.into == "span":
            self.rows[-1].append(data)


def test_the_tag_index_nests_child_tags_under_their_parents(tree):
    parser = TagTree()
    parser.feed(main(tree / "tags/index.html"))
    assert [tuple(row) for row in parser.rows] == [
        (1, "#cooking", "1 page"), (1, "#ml", "5 pages"), (2, "#ml/nlp", "1 page"),
        (2, "#ml/vision", "3 pages"), (3, "#ml/vision/detection", "2 pages")]


def test_a_parent_tag_page_lists_its_child_tags_with_the_notes_under_each(tree):
    page = main(tree / "tags/ml/index.html")
    children = re.search(r'<nav class="tag-children".*?</nav>', page, re.S).group()
    assert re.findall(r'href="([^"]+)">(#[^<]+)</a> <span class="count">([^<]+)<', children) == [
        ("nlp/", "#ml/nlp", "1 page"), ("vision/", "#ml/vision", "3 pages")]
    assert "<nav" not in main(tree / "tags/ml/vision/detection/index.html")  # a leaf has no child tags


def test_a_parent_tag_page_lists_every_note_under_it_once(tree):
    page = main(tree / "tags/ml/index.html")
    shown = re.findall(r'class="item-link" href="../../concepts/([^/]+)/"', page)
    assert tuple(shown) == ML_NOTES  # tagged ml or below it, A-Z, non-max-suppression (two tags below) once
    assert "5 pages tagged ml or a tag below it." in page


def test_a_child_tag_page_links_up_to_its_parent(tree):
    page = main(tree / "tags/ml/vision/detection/index.html")
    assert '<p class="back"><a href="../../../">&larr; Tags</a> / <a href="../">#ml/vision</a></p>' in page
    assert '<p class="back"><a href="../">&larr; Tags</a></p>' in main(tree / "tags/ml/index.html")


def test_a_note_shows_its_tags_as_written(tree):
    page = main(tree / "concepts/non-max-suppression/index.html")
    assert re.findall(r'<a class="tag" href="([^"]+)">([^<]+)</a>', page) == [
        ("../../tags/ml/vision/detection/", "#ml/vision/detection"), ("../../tags/ml/vision/", "#ml/vision")]


def test_the_concepts_index_groups_by_tags_as_written(tree):
    by_tag = main(tree / "concepts/index.html").split('<section class="by-tag"')[1]
    assert re.findall(r'>(#[^<]+)</a> <span class="count">(\d+)<', by_tag) == [
        ("#cooking", "1"), ("#ml", "1"), ("#ml/nlp", "1"), ("#ml/vision", "2"), ("#ml/vision/detection", "2")]


def test_one_tag_in_two_spellings_lists_both_notes_on_its_page_and_in_the_index(scratch_project):
    p = scratch_project
    p.concept("adam", "title: Adam\ntags: [ML]")
    p.concept("sgd", "title: SGD\ntags: [ml]")
    pipeline.build(pipeline.Options(content=p.content, out=p.out, use_cache=False))
    tag_page = p.read("tags/ml/index.html")
    assert "../../concepts/adam/" in tag_page and "../../concepts/sgd/" in tag_page
    by_tag = main(p.out / "concepts/index.html").split('<section class="by-tag"')[1]
    assert re.findall(r'>(#[^<]+)</a> <span class="count">(\d+)<', by_tag) == [("#ML", "2")]
    assert by_tag.count('href="adam/"') == 1 and by_tag.count('href="sgd/"') == 1
    assert '<a class="tag" href="../../tags/ml/">#ml</a>' in p.read("concepts/sgd/index.html")  # as it is written


def test_a_parent_no_note_carries_has_a_page_in_the_sitemap(scratch_project):
    p = scratch_project
    p.concept("conv", "title: Conv\ntags: [ml/vision]")
    pipeline.build(pipeline.Options(content=p.content, out=p.out, use_cache=False))
    assert "#ml/vision" in p.read("tags/ml/index.html") and "../../concepts/conv/" in p.read("tags/ml/index.html")
    assert "/tags/ml/</loc>" in p.read("sitemap.xml") and "/tags/ml/vision/</loc>" in p.read("sitemap.xml")


def test_a_summary_edit_rewrites_the_parent_tag_pages_showing_it(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(TREE, content)
    pipeline.build(pipeline.Options(content=content, out=out, workers=1))
    note = content / "concepts/anchor-boxes.md"
    note.write_text(note.read_text(encoding="utf-8").replace("nudges into place", "shifts and stretches"), encoding="utf-8")
    assert pipeline.build(pipeline.Options(content=content, out=out, workers=1)).kind == "fields"  # the engine's edit
    for tag in ("ml", "ml/vision", "ml/vision/detection"):
        assert "shifts and stretches" in (out / "tags" / tag / "index.html").read_text(encoding="utf-8"), tag
    scratch = tmp_path / "scratch"
    pipeline.build(pipeline.Options(content=content, out=scratch, use_cache=False, workers=1))
    for tag in ("ml", "ml/vision", "ml/nlp", "cooking"):
        assert (out / "tags" / tag / "index.html").read_bytes() == (scratch / "tags" / tag / "index.html").read_bytes()


def test_front_matter_keys_of_other_tools_reach_templates_as_page_extra(scratch_project):
    p = scratch_project
    p.concept("alpha", "colour: teal\nsources: [a book, a paper]\nrating: {stars: 4}")
    (p.root / "templates").mkdir()
    (p.root / "templates" / "concept.html").write_text(
        '{% extends "article.html" %}{% block main %}<p id="x">{{ page.extra.colour }} '
        '{{ page.extra.sources | join(" & ") }} {{ page.extra.rating.stars }} {{ page.extra.get("none", "-") }}</p>'
        '{% endblock %}', encoding="utf-8")
    pipeline.build(pipeline.Options(content=p.content, out=p.out))
    assert '<p id="x">teal a book &amp; a paper 4 -</p>' in (p.out / "concepts/alpha/index.html").read_text()
