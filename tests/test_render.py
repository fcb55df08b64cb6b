"""Rendering through the templates: links the templates make with url()."""
from __future__ import annotations

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
