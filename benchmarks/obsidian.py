"""The obsidian group (issue 25): the corpus as loose notes three ways, bare, with a tail of Obsidian's own
constructs, and with that tail as plain Markdown showing the same text; their cold builds side by side."""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import corpus, vault

STAMP, VERSION = ".obsidian-version", "2"  # bump when these vaults' generator changes
KINDS = ("bare", "plain", "rich")  # the rows, in the order of the builds of odd runs (even runs: reversed)
EMBEDDED, LINKED = "Overview", "How it works"  # sections every generated note has (corpus.body's first two)
TAG = "topic/sub"  # the constructs' inline tag; the plain vault's notes give it in their front matter
BARE = "obsidian: bare notes, cold --no-cache"
PLAIN = "obsidian: plain-Markdown equivalent, cold --no-cache"
RICH = "obsidian: Obsidian constructs, cold --no-cache"
ROWS = {"bare": BARE, "plain": PLAIN, "rich": RICH}
TARGET = 1.10  # the constructs' cold build against the plain one's, per page


def generate(project: Path, kind: str) -> Path:
    """The corpus's concepts as a vault of loose notes (no site.yml, no git) with the tail of kind; made once."""
    root = project.parent / f"{project.name}-obsidian-{kind}"
    stamp = f"{VERSION} {(project / corpus.STAMP).read_text()} {kind}"
    if (root / STAMP).exists() and (root / STAMP).read_text() == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / vault.NOTES).mkdir(parents=True)
    sources = sorted((project / "content" / "concepts").glob("*.md"))
    texts = [vault.undated(path.read_text(encoding="utf-8"))[0] for path in sources]
    stems = [path.stem for path in sources]
    for stem, text in zip(stems, texts):
        for heading in (EMBEDDED, LINKED):
            section(text, heading, stem)  # a missing section stops here, not as warnings in the check build
    picks = random.Random(17)
    for number, (path, text) in enumerate(zip(sources, texts)):
        other = picks.randrange(number) if number else None  # an earlier note only, so embeds make no cycle
        if kind == "plain":
            text = tagged(text, path) + plain(number, stems, texts, other)
        elif kind == "rich":
            text += rich(number, stems, texts, other)
        (root / vault.NOTES / path.name).write_text(text, encoding="utf-8")
    (root / STAMP).write_text(stamp)
    return root


def rich(number: int, stems: list[str], texts: list[str], other: int | None) -> str:
    """A note's tail in Obsidian's constructs: a folded callout with a highlight and an inline tag, a task list
    with an inline comment, a block comment, a block id, and (but in the first note) a section embed and a
    heading link to an earlier note."""
    lines = ["", f"> [!tip]- A note on {stems[number]}", f"> A line with ==a highlight== and the tag #{TAG} in it.",
             "", "- [ ] a task", "- [x] done %%a private comment%%", "", "%%", "A block comment, shown nowhere.", "%%",
             "", f"This paragraph ends with its block id. ^line-{number}"]
    if other is not None:
        lines += ["", f"![[{stems[other]}#{EMBEDDED}]]", "", f"See [[{stems[other]}#{LINKED}|how]]."]
    return "\n".join(lines) + "\n"


def plain(number: int, stems: list[str], texts: list[str], other: int | None) -> str:
    """The same tail as plain Markdown showing the same text: a block quote with a bold title, a plain list, no
    comments, no block id, the embedded section copied in after a link to its note, a link to the note."""
    lines = ["", f"> **A note on {stems[number]}**", ">", f"> A line with a highlight and the tag {TAG} in it.",
             "", "- a task", "- done", "", "This paragraph ends with its block id."]
    if other is not None:
        lines += ["", f"[[{stems[other]}]]", "", section(texts[other], EMBEDDED, stems[other]), "",
                  f"See [[{stems[other]}|how]]."]
    return "\n".join(lines) + "\n"


def tagged(text: str, path: Path) -> str:
    """The note with TAG added to its front matter's tags: the same site as the constructs' inline tag makes
    (the tag on the note and its two tag pages, topic and topic/sub, listing every note)."""
    text, count = re.subn(r"^tags: \[(.*)\]$", lambda m: f"tags: [{m.group(1)}, {TAG}]", text, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"obsidian vaults: note {path.name} has no 'tags: [...]' line to add {TAG} to")
    return text


def section(text: str, heading: str, stem: str) -> str:
    """The Markdown of a note's section: its heading line to the next heading of the same or a higher level
    (outside code fences)."""
    lines, start, level, fence = text.split("\n"), None, 0, False
    for at, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
        found = None if fence else re.match(r"(#{1,6}) (.*?)\s*$", line)
        if found and start is not None and len(found.group(1)) <= level:
            return "\n".join(lines[start:at]).strip("\n")
        if found and start is None and found.group(2) == heading:
            start, level = at, len(found.group(1))
    if start is None:
        raise SystemExit(f"obsidian vaults: note {stem} has no heading '{heading}' to embed or link to")
    return "\n".join(lines[start:]).strip("\n")


class Runs:
    """The obsidian rows of one corpus, run by run; pages built and ratios go into the notes at the end."""

    def __init__(self, project: Path, run, record):
        self.project, self.run, self.record = project, run, record
        self.roots = {kind: generate(project, kind) for kind in KINDS}
        self.pages, self.files, self.turns = {}, {}, 0
        for kind, root in self.roots.items():
            self.pages[kind], self.files[kind] = self.check(root)

    def env(self, root: Path) -> dict:
        """The environment of a vault build: its work folder (cache) inside root."""
        return dict(os.environ, XDG_CACHE_HOME=str(root / "cache"))

    def command(self, root: Path, *flags: str) -> list[str]:
        """A build of the vault's notes into its site folder (in memory where there is some: vault.site)."""
        return [sys.executable, str(vault.BUILD), "build", "--content", vault.NOTES, "--out", str(vault.site(root)),
                *flags]

    def check(self, root: Path) -> tuple[int, int]:
        """One untimed cold build of a vault: 0 errors and 0 warnings, or the run stops; the pages it built (the
        notes: `built N pages` counts no tag page) and the files it wrote (tag pages among them)."""
        shutil.rmtree(vault.site(root), ignore_errors=True)
        proc = subprocess.run(self.command(root, "--no-cache"), cwd=root, env=self.env(root), capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"obsidian check build failed in {root}:\n{proc.stderr[-3000:]}")
        warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line]
        built = re.search(r"built (\d+) pages, wrote (\d+) files", proc.stdout)
        if warnings or not built:
            raise SystemExit(f"obsidian check build in {root}: {len(warnings)} warnings (expected 0)"
                             f"{'' if built else ', no pages and files counts on stdout'}; first: {warnings[:5]}")
        print(f"{root.name}: check: {built.group(1)} pages, {built.group(2)} files, 0 errors, 0 warnings", flush=True)
        return int(built.group(1)), int(built.group(2))

    def once(self) -> None:
        """One cold build of each vault, so each row has its reference in the same session; the order is
        reversed every other run, as in the vault group (benchmarks/README.md says why)."""
        self.turns += 1
        for kind in KINDS if self.turns % 2 else KINDS[::-1]:
            root = self.roots[kind]
            shutil.rmtree(vault.site(root), ignore_errors=True)
            self.record(ROWS[kind], self.run(self.command(root, "--no-cache"), root, self.env(root)))

    def finish(self, samples: dict) -> None:
        """The notes: pages built and files written, and ratios of medians (constructs / plain, constructs / bare,
        plain / bare), whole and per page built (seconds / `built N pages`, which counts the notes only: the tag
        pages the inline tags add are among the files)."""
        median = {kind: samples[ROWS[kind]].median() for kind in KINDS}

        def ratios(a: str, b: str) -> tuple[float, float]:
            return median[a] / median[b], median[a] / self.pages[a] / (median[b] / self.pages[b])
        built = {kind: f"{self.pages[kind]} pages ({self.files[kind]} files)" for kind in KINDS}
        samples[BARE].note = f"the reference; {built['bare']}; check 0 warnings"
        whole, page = ratios("plain", "bare")
        samples[PLAIN].note = f"{built['plain']}; x bare {whole:.3f}, per page {page:.3f}; check 0 warnings"
        whole, page = ratios("rich", "plain")
        bare_whole, bare_page = ratios("rich", "bare")
        samples[RICH].note = (f"{built['rich']}; x plain {whole:.3f}, per page {page:.3f} (target <= "
                              f"{TARGET:.2f}); x bare {bare_whole:.3f}, per page {bare_page:.3f}; check 0 warnings")
        vault.forget_sites(self.roots.values())
