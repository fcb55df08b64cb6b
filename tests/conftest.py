"""Shared fixtures: a scratch project written from a dict, and the CLI run in-process."""
from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis (tests/test_fuzz.py): a bounded run with the suite, many more examples with `make fuzz`.
# No time limit decides an outcome: no deadline per example, and no "too slow" health check (it fails a
# test whose examples take long to generate, as they do on a loaded machine). A test that sets its own
# suppress_health_check must list HealthCheck.too_slow too (its list replaces this one).
settings.register_profile("suite", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
# Every incremental build in the suite also makes each view its stamp says is unchanged, and fails
# if it is not (incremental.ViewKeys.check): the stamps must name everything a view reads.
os.environ["CONCEPTSITE_CHECK_STAMPS"] = "1"
# A vault of loose notes keeps its build cache in the user's cache folder (discover.work_folder): never the
# real one from the suite.
os.environ["XDG_CACHE_HOME"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"conceptsite-tests-{os.getpid()}" / "xdg")

from conceptsite import cli
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Project:
    """A tiny site in a temporary folder."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "site"

    def write(self, rel: str, text: str) -> Path:
        """Write a file under content/, dedenting the text."""
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def concept(self, slug: str, front: str = "", body: str = "Body text.", date: str = "2025-05-11") -> Path:
        """Write a concept with a date and the given extra front-matter lines."""
        front = textwrap.dedent(front).strip("\n")
        head = f"---\ndate: {date}\n{front}\n---\n" if front else f"---\ndate: {date}\n---\n"
        return self.write(f"concepts/{slug}.md", head + textwrap.dedent(body).lstrip("\n"))

    def read(self, rel: str) -> str:
        """Read a built output file."""
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture
def scratch_project(tmp_path) -> Project:
    """An empty project; tests add the pages they need."""
    project = Project(tmp_path)
    project.content.mkdir()
    return project


@pytest.fixture
def whole_builds(monkeypatch):
    """Builds that always gather the whole site (never the engine's edits), to test that way on its own."""
    from conceptsite.build import pipeline
    from conceptsite.incremental.classify import Change
    monkeypatch.setattr(pipeline, "classify", lambda *args: Change(None, None))


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run the CLI in-process and capture its exit status and output."""

    def run(*argv: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = cli.main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


# ---- browser tests: one Chromium (`chromium`) and the example site served (`served_site`, `served_sub_path`)
# per session; see tests/browser.py. Only one Playwright sync driver may run per process, so browser test
# modules take `chromium` instead of launching their own.
from browser import chromium, served_site, served_sub_path  # noqa: E402,F401
