"""The vault group: the benchmark corpus as a git vault of loose notes, built beside its content/ form."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from . import corpus

BUILD = Path(__file__).resolve().parent.parent / "build.py"
STAMP, VERSION = ".vault-version", "1"  # bump when the vault generator changes
NOTES = "notes"  # the vault inside each root: also the site's title, as a vault has no site.yml
AUTHOR = "Bench Mark <bench@example.org>"
EDITED = 0.1  # the share of notes changed again in a later commit
LAST_EDIT = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)  # no edit after this day
LINKS = 5  # dangling wikilinks per note in the second vault
REFERENCE = "vault: content/ form, cold --no-cache"
COLD, WARM = "vault: git vault, cold --no-cache", "vault: git vault, warm"


def generate(project: Path, links: int = 0) -> Path:
    """The corpus's concepts as a git vault with `links` dangling wikilinks a note, beside it; made once."""
    root = project.parent / f"{project.name}-vault{'-dangling' if links else ''}"
    stamp = f"{VERSION} {(project / corpus.STAMP).read_text()} {links}"
    if (root / STAMP).exists() and (root / STAMP).read_text() == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / NOTES).mkdir(parents=True)
    sources = sorted((project / "content" / "concepts").glob("*.md"))
    titles = [re.search(r"^title: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1) for path in sources]
    history, typos = random.Random(11), random.Random(13)
    events = []
    for path in sources:
        text, day = undated(path.read_text(encoding="utf-8"))
        if links:
            text += dangling(titles, links, typos)
        (root / NOTES / path.name).write_text(text, encoding="utf-8")
        events += commits(path.name, text, day, history)
    fast_import(root / NOTES, events)
    (root / STAMP).write_text(stamp)
    return root


def undated(text: str) -> tuple[str, dt.date]:
    """A note without its front-matter `date:` line, and that date."""
    match = re.search(r"^date: (\d{4}-\d\d-\d\d)\n", text, re.M)
    return text[:match.start()] + text[match.end():], dt.date.fromisoformat(match.group(1))


def dangling(titles: list[str], links: int, rng: random.Random) -> str:
    """A last paragraph of wikilinks to notes that exist nowhere: misspelt titles of real ones."""
    names = [misspelt(title, rng) for title in rng.sample(titles, links)]
    return f"\nStill to write: {', '.join(f'[[{name}]]' for name in names)}.\n"


def misspelt(title: str, rng: random.Random) -> str:
    """A title with a typo in its adjective or noun: two letters swapped, one dropped or one doubled."""
    words = title.split()
    place = rng.randrange(2)
    word, at = words[place], rng.randrange(len(words[place]) - 1)
    kind = rng.randrange(3)
    if kind == 0 and word[at] != word[at + 1]:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif kind == 1:
        word = word[:at] + word[at + 1:]
    else:
        word = word[:at] + word[at] + word[at:]
    words[place] = word
    return " ".join(words)


def commits(name: str, text: str, day: dt.date, rng: random.Random) -> list[tuple]:
    """(unix time, message, name, text) of a note's commits: on its date, and for ~10% a later edit too."""
    added = dt.datetime(day.year, day.month, day.day, 8, tzinfo=dt.timezone.utc)
    added += dt.timedelta(seconds=rng.randrange(36000))
    if rng.random() >= EDITED:
        return [(int(added.timestamp()), f"Add {name}", name, text)]
    edited = min(added + dt.timedelta(days=rng.randint(1, 365), seconds=rng.randrange(36000)), LAST_EDIT)
    edited = max(edited, added + dt.timedelta(hours=1))
    draft = text.replace("\nsummary: ", "\nsummary: Draft. ", 1)
    return [(int(added.timestamp()), f"Add {name}", name, draft), (int(edited.timestamp()), f"Edit {name}", name, text)]


def fast_import(notes: Path, events: list[tuple]) -> None:
    """Commit the events in time order, back-dated, by git fast-import; then index the files written."""
    stream = bytearray()
    for when, message, name, text in sorted(events):
        data, who = text.encode(), f"{AUTHOR} {when} +0000\n".encode()
        stream += b"commit refs/heads/main\nauthor " + who + b"committer " + who
        stream += b"data %d\n%s\n" % (len(message), message.encode())
        stream += b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data)
    git(notes, "init", "-q", "-b", "main")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=notes, input=bytes(stream), check=True)
    git(notes, "read-tree", "main")
    git(notes, "update-index", "-q", "--refresh")


def git(folder: Path, *args: str) -> str:
    """Run git in folder; its output."""
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


def shim(folder: Path) -> tuple[Path, Path]:
    """A `git` script that appends its arguments to a log, then runs the real git: (its folder, the log)."""
    real, log = shutil.which("git"), folder / "git.log"
    (folder / "bin").mkdir(parents=True, exist_ok=True)
    script = folder / "bin" / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\nexec {shlex.quote(real)} "$@"\n')
    script.chmod(0o755)
    return folder / "bin", log


RAM = Path("/dev/shm")  # a memory-backed folder on Linux


def site(root: Path) -> Path:
    """Where the build of a vault (or of the corpus) in root writes: under RAM when the machine has it.
    On the machine of 2026-12-07, writing the same 10,000 pages to its disk took 1 to 11 s of system time,
    more after each folder of them was deleted: noise as large as the differences measured."""
    return (RAM / "conceptsite-bench" / root.name if RAM.is_dir() else root) / "site"


def forget_sites(roots) -> None:
    """Remove the sites written in memory for these roots, giving the memory back."""
    for root in roots:
        if site(root).parent != root:
            shutil.rmtree(site(root).parent, ignore_errors=True)
    with contextlib.suppress(OSError):
        (RAM / "conceptsite-bench").rmdir()  # when no other run is using it


class Runs:
    """The vault rows of one corpus, run by run; checks, git runs and ratios go into the notes at the end."""

    def __init__(self, project: Path, run, record):
        self.project, self.run, self.record = project, run, record
        self.size = len(list((project / "content" / "concepts").glob("*.md")))
        self.plain, self.dangling = generate(project), generate(project, LINKS)
        self.links = f"vault: git vault + {LINKS * self.size:,} dangling links, cold --no-cache"
        self.bin, self.log = shim(self.plain / "shim")
        self.git_runs: list[int] = []
        self.checks = {COLD: self.check(self.plain, 0), self.links: self.check(self.dangling, LINKS * self.size)}

    def env(self, root: Path, logged: bool = False) -> dict:
        """The environment of a vault build: its work folder (cache) inside root; the git shim first on PATH."""
        env = dict(os.environ, XDG_CACHE_HOME=str(root / "cache"))
        if logged:
            env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
            self.log.unlink(missing_ok=True)
        return env

    def command(self, content: str, root: Path, *flags: str) -> list[str]:
        """A build of content (in root) into its site folder."""
        return [sys.executable, str(BUILD), "build", "--content", content, "--out", str(site(root)), *flags]

    def check(self, root: Path, expected: int) -> str:
        """One untimed cold build of a vault: 0 errors, and its warnings counted against those expected."""
        proc = subprocess.run(self.command(NOTES, root, "--no-cache"), cwd=root, env=self.env(root, True),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"vault check build failed in {root}:\n{proc.stderr[-3000:]}")
        warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line]
        hinted = sum("did you mean" in line for line in warnings)
        built = re.search(r"built (\d+) pages", proc.stdout)
        text = (f"check: {built.group(1) if built else '?'} pages, 0 errors, {len(warnings)} warnings "
                f"(expected {expected}{', ' + str(hinted) + ' with a did-you-mean' if warnings else ''}), "
                f"git ran {self.git_count()} times")
        print(f"{root.name}: {text}" + ("" if len(warnings) == expected else f"; first: {warnings[:3]}"), flush=True)
        return text

    def git_count(self) -> int:
        """How many times the shim ran since the log was last cleared."""
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0

    def vault_build(self, root: Path, *flags: str, logged: bool = False) -> tuple[float, float]:
        """A timed build of the vault in root."""
        return self.run(self.command(NOTES, root, *flags), root, self.env(root, logged))

    def once(self) -> None:
        """One run of each row, so each vault row has its reference in the same session. The three cold
        builds swap order every other run, so that a machine slowing down (or speeding up) over a run
        favours none of them."""
        colds = [(REFERENCE, self.project, "content", None), (COLD, self.plain, NOTES, self.env(self.plain)),
                 (self.links, self.dangling, NOTES, self.env(self.dangling))]
        for name, root, content, env in colds if len(self.git_runs) % 2 == 0 else colds[::-1]:
            shutil.rmtree(site(root), ignore_errors=True)
            self.record(name, self.run(self.command(content, root, "--no-cache"), root, env))
        self.vault_build(self.plain)  # fills the cache after a --no-cache build
        self.record(WARM, self.vault_build(self.plain, logged=True))
        self.git_runs.append(self.git_count())

    def finish(self, samples: dict) -> None:
        """The notes: ratios (vault / content form, dangling / vault), checks and git runs. Each ratio is given
        twice: of the rows' medians, and the median of each run's own ratio, whose builds ran minutes apart."""
        def ratio(a: str, b: str) -> str:
            paired = statistics.median(x / y for x, y in zip(samples[a].values, samples[b].values))
            return f"{samples[a].median() / samples[b].median():.3f} (run by run {paired:.3f})"
        samples[REFERENCE].note = f"the reference; {self.size} concepts"
        samples[COLD].note = f"x content/ form {ratio(COLD, REFERENCE)}; {self.checks[COLD]}"
        runs = sorted(set(self.git_runs))
        samples[WARM].note = (f"git ran {'/'.join(map(str, self.git_runs)) if len(runs) > 1 else runs[0]} times; "
                              f"x cold {ratio(WARM, COLD)}")
        samples[self.links].note = f"x git vault {ratio(self.links, COLD)} (target <= 1.20); {self.checks[self.links]}"
        forget_sites((self.project, self.plain, self.dangling))
