"""Embeds (issue 25): markdown/embeds.py leaves slots and finds files; build/embeds.py fills the slots."""
import re

import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed


def gather(project):
    return pipeline.gather(pipeline.Options(content=project.content))


def test_a_note_and_a_section_are_shown_inline_with_a_link_to_their_source(scratch_project):
    p = scratch_project
    p.concept("source", "title: Source", body="Intro words.\n\n## Part One\n\nFirst [[other|section]] text.\n\n"
                                               "## Part Two\n\nSecond section text.\n")
    p.concept("other", "title: Other")
    p.concept("host", "title: Host", body="Before.\n\n![[source]]\n\nThen ![[Source#Part One]] here.\n")
    site = gather(p)
    html = site.bodies["concepts/host/"].html
    assert html.count('class="embed"') == 2 and "data-embed" not in html
    whole, section = re.findall(r'<(div) class="embed-content">(.*?)</\1><p '
                                r'class="embed-source"><a href="([^"]*)">([^<]*)</a>', html, re.S)
    assert "Intro words." in whole[1] and "Second section text." in whole[1] and whole[2:] == ("../source/", "Source")
    assert "First" in section[1] and "Second" not in section[1]
    assert section[2:] == ("../source/#part-one", "Source &gt; Part One")
    assert "<p>Then </p><div" in html and "</div><p> here.</p>" in html  # its paragraph closed around it
    assert 'href="../other/"' in section[1]  # the embedded note's links, made from the host page
    assert ' id="' not in whole[1] and 'class="anchor"' not in whole[1]  # the source's ids stay the source's
    assert "\nsecond 1" in site.bodies["concepts/host/"].words  # search sees embedded text


def test_embeds_nest_fifty_deep(scratch_project):
    p = scratch_project
    for n in range(50):
        p.concept(f"n{n:02d}", f"title: N{n:02d}", body=f"Level {n}." + (f"\n\n![[n{n + 1:02d}]]" if n < 49 else ""))
    html = gather(p).bodies["concepts/n00/"].html
    assert all(f"Level {n}." in html for n in range(50))


def test_an_embed_cycle_is_an_error_naming_each_embed(scratch_project):
    p = scratch_project
    p.concept("a", "title: A", body="Text.\n\n![[b]]\n")
    p.concept("b", "title: B", body="More.\n\n\n![[c]]\n")
    p.concept("c", "title: C", body="![[a]]\n")
    with pytest.raises(BuildFailed) as failed:
        gather(p)
    shown = lambda name: pipeline.show_path(p.content / "concepts" / name)  # noqa: E731
    assert [f"{d.line}:{d.col}: {d.message}" for d in failed.value.diagnostics] == [
        f"7:1: embed cycle: {shown('a.md')}:7 -> {shown('b.md')}:8 -> {shown('c.md')}:5 -> back to the first; "
        "remove one of these embeds"]


def test_a_missing_embed_is_a_warning_and_images_are_found_by_name_nearest_first(scratch_project):
    p = scratch_project
    p.write("concepts/deep/pic.png", "near")
    p.write("attachments/pic.png", "far")
    p.write("attachments/only.png", "one")
    p.concept("deep/host", "title: Host", body="![[pic.png|300]] ![[only.png|20x10]] ![[gone]] ![[gone.png]]\n")
    site = gather(p)
    html = site.bodies["concepts/deep/host/"].html
    assert 'src="../pic.png" width="300"' in html and 'src="../../../attachments/only.png" width="20"' in html
    assert [d.message for d in site.warnings] == ["no note named 'gone' to embed", "no file named 'gone.png' to embed"]


def test_embed_syntax_in_code_stays_literal(scratch_project):
    p = scratch_project
    p.concept("a", "title: A")
    p.concept("x", body="`![[a]]` and\n\n```\n![[a]]\n```\n")
    html = gather(p).bodies["concepts/x/"].html
    assert html.count("![[a]]") == 2 and "embed" not in html


def _build(project):
    return pipeline.build(pipeline.Options(content=project.content, out=project.out))


def test_editing_an_embedded_note_rewrites_its_page_and_the_pages_embedding_it_only(scratch_project):
    p = scratch_project
    p.concept("source", "title: Source", body="Original text.\n\nMore words.\n")
    p.concept("host", "title: Host", body="![[source]]\n")
    p.concept("outer", "title: Outer", body="![[host]]\n")
    p.concept("bystander", "title: Bystander", body="Unrelated [[source]] link.\n")
    _build(p)
    page = p.content / "concepts" / "source.md"
    page.write_text(page.read_text().replace("More words.", "More words, edited."))
    result = _build(p)
    pages = sorted(path for path in result.stats.written if path.endswith("index.html") and path.startswith("concepts/"))
    assert pages == ["concepts/host/index.html", "concepts/outer/index.html", "concepts/source/index.html"]
    assert "More words, edited." in (p.out / "concepts/outer/index.html").read_text()


def test_embeds_filled_across_processes_are_filled_as_in_one(scratch_project, monkeypatch):
    """fill_embeds in 2 or 3 processes (each filling first what its share needs) gives every body as one
    process does: nested sections with and without embeds in them, embeds opening, closing and inside
    paragraphs, a cycle, and chains that cross from one share to the next."""
    import random
    from conceptsite.build import embeds
    from conceptsite.diagnostics import Report
    p, rng = scratch_project, random.Random(25)
    names = [f"n{n:03d}" for n in range(90)]
    for n, name in enumerate(names):
        def embed():
            target = rng.choice(names[:n] or names)  # mostly earlier notes: long chains; the first makes a cycle
            return f"![[{target}{rng.choice(['', '#Part A', '#Part B'])}]]"
        part_a = rng.choice([f"Words {name} here.", f"{embed()} starts this.", f"Ends with {embed()}"])
        part_b = rng.choice([f"Plain {name}.", f"Mid {embed()} text.", embed()])
        p.concept(name, f"title: {name.upper()}", body=f"Intro {name}.\n\n## Part A\n\n{part_a}\n\n## Part B\n\n{part_b}\n")
    seen = {}
    monkeypatch.setattr(pipeline, "fill_embeds", lambda pages, bodies, report, workers: seen.setdefault(
        "args", (pages, bodies)) and embeds.fill_embeds(pages, bodies, report, 1))
    with pytest.raises(BuildFailed):  # the cycle
        gather(p)
    pages, bodies = seen["args"]
    one = embeds.fill_embeds(pages, bodies, Report(), 1)
    assert sum('class="embed"' in body.html for body in one.values()) > 60
    assert sum(body.html.count('class="embed"') > 2 for body in one.values()) > 10  # nested
    for workers in (2, 3):
        report = Report()
        many = embeds.fill_embeds(pages, bodies, report, workers)
        assert {u: (b.html, b.words) for u, b in many.items()} == {u: (b.html, b.words) for u, b in one.items()}
        assert [d.message for d in report.items][0].startswith("embed cycle")
