"""Issue 5 hardening: one tiny site per bad input under tests/sites_invalid/<NN-case-name>/.

Each case folder holds a `content/` tree (and sometimes its own `templates/` or `static/`), an `expected.txt`
with the exact stderr lines, and optionally:
  args.txt      the command line (default `build`), split like a shell would; `{home}` is the (fake) home folder
                (expected.txt may say `{home}`, and `{today}` for today's date in hints)
  previous/     a previous output folder copied to `site/` before the run (a folder named `dotgit` becomes `.git`)
The exit status follows from expected.txt: 1 when it reports a failure, else 0.

Every failing build first gets a previous output (one made by conceptsite, unless previous/ says otherwise) and
must leave it byte for byte as it was. Cases that need more than a folder can hold (a 50 MB file, timing, what the
output looks like) have a SETUP and/or CHECK function below.

Refresh the expected files after an intended change of wording with
    UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_invalid_sites.py
and review the diff before committing it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from conceptsite.build import pipeline
from conceptsite.build.output import MARKER

HERE = Path(__file__).parent
CASES_DIR = HERE / "sites_invalid"
STUB_STATIC = HERE / "sites" / "basic" / "static"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "expected.txt").is_file())
FAILED = re.compile(r"^((build|check) failed: |error: )")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (dotfiles too) with its bytes; folders as None so empty ones count."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = path.read_bytes() if path.is_file() else None
    return found


def prepare(name: str, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """Copy a case to tmp, give it stub assets, a fake home and its previous output; return (case, home)."""
    case = tmp_path / name
    shutil.copytree(CASES_DIR / name, case, ignore=shutil.ignore_patterns("expected.txt", "args.txt", "previous"))
    if not (case / "static").is_dir():  # tiny stand-ins, so cases do not depend on the bundled theme's assets
        shutil.copytree(STUB_STATIC, case / "static")
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "diary.txt").write_text("precious")
    monkeypatch.setenv("HOME", str(home))
    previous = CASES_DIR / name / "previous"
    if previous.is_dir():
        shutil.copytree(previous, case / "site")
        for folder in sorted(case.rglob("dotgit"), reverse=True):
            folder.rename(folder.with_name(".git"))
    if name in SETUP:
        SETUP[name](case, monkeypatch)
    return case, home


def argv_of(name: str, home: Path) -> list[str]:
    args = CASES_DIR / name / "args.txt"
    text = args.read_text().strip() if args.is_file() else "build"
    return shlex.split(text.replace("{home}", str(home)))


@pytest.mark.parametrize("name", CASES)
def test_invalid_site(name, tmp_path, monkeypatch, run_cli):
    case, home = prepare(name, tmp_path, monkeypatch)
    expected_file = CASES_DIR / name / "expected.txt"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    fails = any(FAILED.match(line) for line in expected)
    argv = argv_of(name, home)
    if argv[0] == "build" and not (case / "site").exists():  # a failed build must keep it; a good one replaces it
        (case / "site" / "concepts").mkdir(parents=True)
        (case / "site" / MARKER).write_text("made by conceptsite\n")
        (case / "site" / "index.html").write_bytes(b"<!doctype html><p>previous build</p>\n")
        (case / "site" / "concepts" / "index.html").write_bytes("previous \u00e9\r\n".encode())
    before, home_before, sources = snapshot(case / "site"), snapshot(home), snapshot(case / "content")

    result = run_cli(*argv, cwd=case)

    err = result.err.replace(str(home), "{home}").replace(f"date: {dt.date.today()}", "date: {today}")
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(err, encoding="utf-8")
        expected = err.splitlines()
        fails = any(FAILED.match(line) for line in expected)
    assert "Traceback" not in err and "internal error" not in err
    assert err.splitlines() == expected
    assert result.code == (1 if fails else 0)
    assert snapshot(home) == home_before and snapshot(case / "content") == sources
    leftovers = sorted(p.name for p in case.iterdir() if p.name.startswith(".") and p.name != ".cache")
    assert leftovers == [], "staging or old output left behind"
    if fails:
        assert snapshot(case / "site") == before, "a failed run changed the previous output"
    if name in CHECK:
        CHECK[name](case)


# --- Set-ups for cases whose inputs are too big or too odd to keep in git --------------------------------------


def _huge_inputs(case: Path, monkeypatch) -> None:
    # Bodies on which Python-Markdown runs away (or ran away before 3.11) are refused by counting, before
    # Markdown runs, so this case takes the same course on every machine; see conceptsite/runaway.py.
    concepts = case / "content" / "concepts"
    with open(concepts / "huge.md", "wb") as f:  # 50 MB, written in chunks to keep memory flat
        f.write(b"---\ndate: 2025-01-01\n---\n")
        for _ in range(50):
            f.write(b"word " * 200_000 + b"\n")
    bodies = {
        "brackets": "[" * 50_000 + "]" * 50_000,
        "parens": "Intro.\n\nSee f" + "(" * 5_000 + "x",
        "stars": "*a " * 30_000,
        "underscores": "A form: " + "_" * 2_000 + " sign here.",
        "backticks": "`" * 100_000,
        "lt": "<" * 100_000,
        "dollars": "$a" * 50_000,
        "links": "Links:\n\n" + "[a](" * 2_000,
        "ticks": "Code: " + " ".join("`" * i for i in range(1, 400)),
        "fences": "```x\n" * 8_000,
        "emphasis": "Deep: " + "*a " * 300 + "b" + "*_" * 300,
        "lists": "Nested:\n\n" + "- " * 64_000 + "a",
        "footnotes": "\n\n".join(f"a[^{i}]" for i in range(2_000)) + "\n\n"
                     + "\n".join(f"[^{i}]: x" for i in range(2_000)),
        "spaces": "x" + " " * 100_000 + "y",  # long, but nothing Markdown works hard on: accepted
        "heading": "# a" + " " * 100_000 + "b",
        "code": "```\n" + "[" * 5_000 + "\n```\n\n    " + "(" * 5_000 + "\n\nAnd `" + "*" * 5_000 + "`.",
    }
    for name, body in bodies.items():
        (concepts / f"{name}.md").write_text("---\ndate: 2025-01-01\n---\n" + body + "\n")


def _junk_files(case: Path, monkeypatch) -> None:
    concepts = case / "content" / "concepts"
    for name in ("._alpha.md", "alpha.md.swp", "alpha.md~", "4913", ".#alpha.md", "#alpha.md#", ".DS_Store"):
        (concepts / name).write_bytes(b"\x00\x01 not a page \xff")
    (case / "content" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


def _clashing_names(case: Path, monkeypatch) -> None:
    concepts = case / "content" / "concepts"
    for name in ("Beta.md", "beta.md", "Caf\u00e9.md", "cafe\u0301.md", "Optimizers/adam.md", "optimizers/Adam.md"):
        (concepts / name).parent.mkdir(exist_ok=True)
        (concepts / name).write_text("---\ndate: 2025-01-01\n---\nBody.\n", encoding="utf-8")


SETUP = {"15-case-and-unicode-clash": _clashing_names, "22-huge-and-pathological-bodies": _huge_inputs,
         "24-junk-files-ignored": _junk_files}


# --- Extra checks on what a passing case wrote ------------------------------------------------------------------


def _crlf_same_as_lf(case: Path) -> None:
    lf = case.parent / "lf"
    shutil.copytree(case / "content", lf / "content")
    shutil.copytree(case / "static", lf / "static")
    for source in [*(lf / "content").rglob("*.md"), lf / "content" / "site.yml"]:
        source.write_bytes(source.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    assert all(b"\r" in p.read_bytes() for p in (case / "content").rglob("*.*")), "the case lost its CRLFs"
    pipeline.build(pipeline.Options(content=lf / "content", out=lf / "site"))
    assert snapshot(case / "site") == snapshot(lf / "site")


def _odd_names_resolve(case: Path) -> None:
    site = case / "site"
    for folder in ("concepts/notes-2", "concepts/c-notes", "concepts/100-sure", "concepts/注意力",
                   "concepts/über-netz"):
        assert (site / folder / "index.html").is_file(), folder
    hub = (site / "concepts/hub/index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', hub)
    for href in hrefs:
        if href.startswith("../../assets/") or not href.startswith(("../", "./")):
            continue  # the theme's own links (cache-busting queries) and fragments
        path = href.split("#", 1)[0]
        assert not re.search(r"[\s#?]|%(?![0-9A-F]{2})", path), href  # every odd character percent-encoded
        target = site / "concepts/hub" / unquote(path)
        assert (target / "index.html").is_file() or target.is_file(), href
    assert '"../%E6%B3%A8%E6%84%8F%E5%8A%9B/"' in hub
    assert (site / "files/data 1#2.csv").is_file()
    assert 'href="../../files/data%201%232.csv"' in hub


def _junk_ignored(case: Path) -> None:
    written = snapshot(case / "site")
    assert not [rel for rel in written if re.search(r"(\._|\.swp|~|4913|\.#|#|DS_Store)", rel)], sorted(written)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.title, self._in_title = [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _hostile_escaped(case: Path) -> None:
    site = case / "site"
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".json":  # data: the hostile text is kept as text in valid JSON, never as markup
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".html", ".xml"):
            parsed = _Tags()
            parsed.feed(path.read_text(encoding="utf-8"))
            for tag, attrs in parsed.tags:  # the hostile text made no element and no attribute
                assert not (tag == "img" and attrs.get("src") == "x") and not (tag == "script" and "src" not in attrs), rel
                assert not [name for name in attrs if name.startswith("on")], f"{rel}: <{tag} {attrs}>"
                for name in ("href", "src", "action", "formaction"):
                    assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), f"{rel}: {attrs}"
    page = _Tags()
    page.feed((site / "concepts/evil/index.html").read_text(encoding="utf-8"))
    assert page.title.startswith(EVIL)  # shown as the very text written, so escaped rather than dropped
    graph = json.loads((site / "graph.json").read_text(encoding="utf-8"))
    assert next(n for n in graph["nodes"] if n["id"] == "concepts/evil/")["title"] == EVIL


EVIL = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'


def _raw_html_escaped(case: Path) -> None:
    page = (case / "site/concepts/raw/index.html").read_text(encoding="utf-8")
    prose = page.split('<div class="prose">', 1)[1].split("</div>\n", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in prose and "<script" not in prose
    assert "&lt;img src=x onerror=alert(1)&gt;" in prose and "<img src" not in prose
    assert "javascript:" not in prose.lower() and 'class="unsafe-link"' in prose


def _nothing_ran(case: Path) -> None:
    assert not (case / "pwned").exists() and not Path("pwned").exists()


def _raw_html_allowed(case: Path) -> None:
    page = (case / "site/concepts/raw/index.html").read_text(encoding="utf-8")
    assert '<div class="note">Kept as written.</div>' in page and "<kbd>Ctrl</kbd>" in page
    assert "javascript:" not in page.lower()  # opting in to HTML does not opt in to unsafe link schemes


CHECK = {
    "05-python-and-unknown-tags": _nothing_ran,
    "20-crlf-and-mixed-endings": _crlf_same_as_lf,
    "23-odd-file-names": _odd_names_resolve,
    "24-junk-files-ignored": _junk_ignored,
    "25-hostile-front-matter": _hostile_escaped,
    "26a-raw-html-escaped": _raw_html_escaped,
    "26b-raw-html-opt-in": _raw_html_allowed,
}


def test_every_check_and_setup_names_a_case():
    assert set(SETUP) | set(CHECK) <= set(CASES)
