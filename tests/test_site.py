"""The bundled example site: it passes check --strict and every page is sound."""
from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conceptsite.build import pipeline
ROOT = Path(__file__).resolve().parent.parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'none'")


class PageScan(HTMLParser):
    """Collects what the checks need from one HTML file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs, self.ids, self.csp, self.inline_scripts, self.handlers, self.styles = [], set(), [], 0, [], []
        self._in_script = False
        self.tags = []  # every (tag, attrs), in order

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name], attrs.get("rel", "")))
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(attrs["content"])
        if tag == "script" and "src" not in attrs:
            self.inline_scripts += 1
        self.handlers += [n for n in attrs if n.startswith("on")]
        if "style" in attrs:
            self.styles.append(tag)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    pipeline.build(pipeline.Options(content=ROOT / "content", out=out))
    return out


def html_files(site: Path):
    return sorted(site.rglob("*.html"))


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_example_site_passes_strict_check(run_cli):
    result = run_cli("check", "--strict", "--content", ROOT / "content")
    assert result.code == 0, result.err
    assert result.err == ""


def test_example_site_has_every_section(site):
    concepts = list((site / "concepts").glob("*/index.html"))
    assert len(concepts) >= 15
    for rel in ("index.html", "concepts/index.html", "writeups/index.html", "projects/index.html", "about/index.html",
                "tags/index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt", "graph.json",
                "assets/style.css", "assets/site.js", "assets/theme.js"):
        assert (site / rel).is_file(), rel


def test_every_internal_link_and_asset_resolves(site):
    broken = []
    for page in html_files(site):
        rel_page = page.relative_to(site).as_posix()
        for tag, attr, value, _ in scan(page).refs:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                continue
            target = _resolve(site, rel_page, unquote(parts.path))
            if target is None:
                broken.append(f"{rel_page}: {tag}[{attr}]={value}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in scan(target).ids:
                broken.append(f"{rel_page}: {value} (no #{parts.fragment})")
    assert broken == []


def _resolve(site: Path, from_rel: str, path: str) -> Path | None:
    if path.startswith("/"):  # only 404.html links site-absolute, from the base path
        joined = path.lstrip("/")
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), path or posixpath.basename(from_rel)))
    target = site / joined
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def test_every_page_has_csp_and_no_inline_code(site):
    for page in html_files(site):
        found = scan(page)
        rel = page.relative_to(site)
        assert found.csp == [CSP], rel
        assert found.inline_scripts == 0 and found.handlers == [] and found.styles == [], rel
        assert not [v for _, _, v, _ in found.refs if v.strip().lower().startswith("javascript:")], rel


def test_no_request_leaves_the_site(site):
    for page in html_files(site):
        for tag, attr, value, rel in scan(page).refs:
            loads = attr == "src" or (tag == "link" and rel in ("stylesheet", "icon", "preload", "modulepreload"))
            assert not (loads and urlsplit(value).netloc), f"{page}: {value}"
    for css in site.rglob("*.css"):
        assert "http://" not in css.read_text() and "https://" not in css.read_text()


URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background", "ping")
LOADS = {"src", "srcset", "poster", "data", "background"}


def test_csp_comes_first_and_nothing_hides_in_other_attributes(site):
    """A meta CSP only covers what follows it; and code or foreign loads can hide beyond href and src."""
    for page in html_files(site):
        rel = page.relative_to(site)
        tags = scan(page).tags
        first_csp = next(i for i, (t, a) in enumerate(tags) if a.get("http-equiv") == "Content-Security-Policy")
        assert not [t for t, a in tags[:first_csp] if t in ("script", "link", "style", "img", "base")], rel
        assert not [t for t, a in tags if t in ("style", "base", "iframe", "object", "embed")], rel
        for tag, attrs in tags:
            for name in URL_ATTRS:
                for url in (attrs.get(name) or "").split(","):  # srcset lists candidates
                    url = url.strip().split(" ")[0]
                    assert not "".join(url.split()).lower().startswith(("javascript:", "vbscript:")), f"{rel}: <{tag} {name}>"
                    if name in LOADS or (tag == "link" and name == "href" and attrs.get("rel") != "canonical"):
                        assert not urlsplit(url).netloc, f"{rel}: <{tag} {name}={url}> loads from another host"
            if attrs.get("http-equiv", "").lower() == "refresh":
                target = attrs.get("content", "").partition("url=")[2]
                assert target and not urlsplit(target).netloc and not target.lower().startswith("javascript:"), rel
    for script in site.rglob("*.js"):  # no fetch, import or beacon to another host
        hosts = {h for h in re.findall(r"https?://([^/\"'`\s]+)", script.read_text()) if h != "www.w3.org"}
        assert not hosts, f"{script.relative_to(site)}: {hosts}"


def test_feed_sitemap_and_graph_are_well_formed(site):
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries and all(e.find("a:content", ns).text for e in entries)
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(loc.startswith("https://example.org/") for loc in locs)
    assert any(loc.endswith("/concepts/map/") for loc in locs) and len(locs) == len(set(locs))
    graph = json.loads((site / "graph.json").read_text())
    urls = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in urls and e["target"] in urls for e in graph["edges"])
    assert {"related", "prerequisites", "link"} <= {e["kind"] for e in graph["edges"]}


def test_concept_page_shows_every_element(site):
    html = (site / "concepts/vanishing-gradient-problem/index.html").read_text()
    for fragment in ('&larr; Concepts</a>', "<h1>Vanishing Gradient Problem</h1>", 'class="summary"',
                     'class="tag"', " MIN READ &middot; <time", "<figcaption>definition.md</figcaption>",
                     'class="line-number"', "// ", "Related concepts", "Linked from", 'data-nav="prev"',
                     'data-nav="next"', "Back to concepts", "<math", 'class="clock-time">--:--:--'):
        assert fragment in html, fragment
