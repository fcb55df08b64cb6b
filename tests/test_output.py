from pathlib import Path

import pytest

from conceptsite.build import output
from conceptsite.build.output import MARKER, UnsafeOutput, check_output, write_site


def test_write_swaps_in_a_complete_site(tmp_path):
    out = tmp_path / "site"
    write_site(out, {"index.html": b"one", "a/b/index.html": b"two"}, {})
    write_site(out, {"index.html": b"new"}, {})
    assert (out / "index.html").read_bytes() == b"new"
    assert not (out / "a").exists() and (out / MARKER).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failure_mid_write_leaves_old_output(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old"}, {})

    class Boom(Exception):
        pass

    def explode(*args):
        raise Boom()

    monkeypatch.setattr("conceptsite.build.output.shutil.copyfile", explode)
    with pytest.raises(Boom):
        write_site(out, {"index.html": b"new"}, {"x.png": tmp_path / "missing.png"})
    assert (out / "index.html").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_disk_full_on_write_leaves_old_output(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old"}, {})
    real = Path.write_bytes

    def full(self, data):
        if self.name == "index.html":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError):
        write_site(out, {"index.html": b"new"}, {})
    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == b"old"


@pytest.mark.parametrize("setup, words", [
    (lambda t: Path("/"), "choose a folder of its own"),
    (lambda t: Path.home(), "choose a folder of its own"),
    (lambda t: t / "content", "it is the source folder"),
    (lambda t: t, "it contains"),
    (lambda t: _with(t / "repo", ".git/HEAD"), "holds a .git folder"),
    (lambda t: _with(t / "mine", "notes.txt"), "not empty and was not made by conceptsite"),
    (lambda t: _with(t, "file.txt") / "file.txt", "it is a file"),
])
def test_unsafe_output_folders_are_refused(tmp_path, setup, words):
    (tmp_path / "content").mkdir(exist_ok=True)
    with pytest.raises(UnsafeOutput, match=words):
        check_output(setup(tmp_path), [tmp_path / "content"])


def test_empty_new_and_own_folders_are_accepted(tmp_path):
    check_output(tmp_path / "new", [])
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty", [])
    check_output(_with(tmp_path / "own", MARKER), [])


def _with(folder: Path, rel: str) -> Path:
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    (folder / rel).write_text("x")
    return folder


# --- Issue 5, case 29: a build that dies part-way leaves the previous output exactly as it was ----------------

import os as _os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STUB_STATIC = ROOT / "tests" / "sites" / "basic" / "static"


def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def built(scratch_project, run_cli):
    """A project with a good build in site/ (stub assets, so the bundled theme's may change freely)."""
    import shutil

    shutil.copytree(STUB_STATIC, scratch_project.root / "static")
    for slug in ("alpha", "beta", "gamma"):
        scratch_project.concept(slug, f"title: {slug.title()}", body=f"About {slug}. See [[alpha]].")
    assert run_cli("build", cwd=scratch_project.root).code == 0
    scratch_project.concept("beta", "title: Beta changed")  # the next build would change some files
    return scratch_project


def _leftovers(project) -> list[str]:
    return sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site."))


@pytest.mark.parametrize("args", [["build"], ["build", "--no-cache"]])
def test_exception_mid_build_keeps_old_output(built, run_cli, monkeypatch, args):
    before = _tree(built.out)

    def explode(self, *a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr("conceptsite.render.pages.Renderer.feeds", explode)
    result = run_cli(*args, cwd=built.root)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines() == [
        "error: internal error: RuntimeError: boom (set CONCEPTSITE_DEBUG=1 for details)"]
    assert _tree(built.out) == before and _leftovers(built) == []


def test_disk_full_during_full_write_keeps_old_output(built, run_cli, monkeypatch):
    before = _tree(built.out)
    real = Path.write_bytes

    def full(self, data):
        if self.name == "index.html" and "beta" in str(self):
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    real_file = output.write_file  # pages go to the staging folder through this
    monkeypatch.setattr(output, "write_file", lambda path, data: full(Path(path), data) if "beta" in path else real_file(path, data))
    result = run_cli("build", "--no-cache", cwd=built.root)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith("error: ") and result.err.rstrip().endswith("No space left on device")
    assert _tree(built.out) == before and _leftovers(built) == []


def test_disk_full_during_incremental_write_keeps_old_output(built, run_cli, monkeypatch):
    """Pages and listings go into the staging folder as they are rendered; other files are staged
    beside their targets at the write. A full disk at either leaves the old output and no leftovers."""
    before = _tree(built.out)
    from conceptsite.incremental import write as incremental
    real_put, real_stage, calls = Path.write_bytes, incremental.stage_file, []

    def full(path, data):
        calls.append(path)
        if len(calls) > 1:
            raise OSError(28, "No space left on device", str(path))
        return real_put(path, data) if isinstance(path, Path) and ".staging-" in str(path) else real_stage(path, data)

    monkeypatch.setattr(Path, "write_bytes", lambda self, data: full(self, data) if ".staging-" in str(self) else real_put(self, data))
    real_file = output.write_file

    def full_file(path, data):  # pages and listings, into the staging folder
        calls.append(path)
        if len(calls) > 1:
            raise OSError(28, "No space left on device", path)
        return real_file(path, data)

    monkeypatch.setattr(output, "write_file", full_file)
    monkeypatch.setattr("conceptsite.incremental.write.stage_file", full)
    result = run_cli("build", cwd=built.root)
    assert result.code == 1 and len(calls) > 1 and "Traceback" not in result.err
    assert _tree(built.out) == before and _leftovers(built) == []


KILLER = """
import os, signal, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from conceptsite import cli
from conceptsite.build import output
{patch}
sys.exit(cli.main(["build", "--no-cache"]))
"""

KILL_MID_FILL = """
real = output.write_file
def write_then_die(path, data):
    real(path, data)
    if "beta" in path:
        os.kill(os.getpid(), signal.SIGKILL)
output.write_file = write_then_die
"""

KILL_BETWEEN_RENAMES = """
real = os.rename
def rename_then_die(src, dst):
    real(src, dst)
    if ".old-" in str(dst):
        os.kill(os.getpid(), signal.SIGKILL)
output.os.rename = rename_then_die
"""


def _killed_build(project, patch: str) -> None:
    script = KILLER.format(root=str(ROOT), patch=patch)
    done = subprocess.run([sys.executable, "-c", script], cwd=project.root, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def test_killed_mid_write_leaves_old_output_and_next_build_cleans_up(built, run_cli):
    before = _tree(built.out)
    _killed_build(built, KILL_MID_FILL)
    assert _tree(built.out) == before  # the kill hit the staging folder, never site/
    assert [n.split("-")[0] for n in _leftovers(built)] == [".site.staging"]
    assert run_cli("build", "--no-cache", cwd=built.root).code == 0
    assert "Beta changed" in built.read("concepts/beta/index.html") and _leftovers(built) == []


def test_killed_between_the_two_renames_puts_the_old_output_back(built, run_cli):
    before = _tree(built.out)
    _killed_build(built, KILL_BETWEEN_RENAMES)
    assert not built.out.exists() and [n.split("-")[0] for n in _leftovers(built)] == [".site.old", ".site.staging"]
    built.concept("broken", "title: [")  # even a failing build first puts the old output back, untouched
    result = run_cli("build", cwd=built.root)
    assert result.code == 1 and _tree(built.out) == before and _leftovers(built) == []


def test_recovery_leaves_foreign_look_alikes_alone(tmp_path):
    (tmp_path / ".site.old-x").mkdir()  # no marker: not ours, whatever its name
    (tmp_path / ".site.old-x" / "keep.txt").write_text("mine")
    check_output(tmp_path / "site", [])
    assert (tmp_path / ".site.old-x" / "keep.txt").read_text() == "mine" and not (tmp_path / "site").exists()


def test_recovery_leaves_a_running_build_alone(tmp_path):
    from conceptsite.build.output import MARKER_TEXT

    staging = tmp_path / f".site.staging-{_os.getpid()}"  # this process is alive: a build still at work
    staging.mkdir()
    (staging / MARKER).write_text(MARKER_TEXT)
    check_output(tmp_path / "site", [])
    assert staging.is_dir()


def test_a_template_error_after_pages_were_staged_keeps_old_output(built, run_cli):
    import shutil

    before = _tree(built.out)
    shutil.copytree(ROOT / "templates", built.root / "templates")
    home = built.root / "templates" / "home.html"  # rendered after every concept page was written to staging
    home.write_text(home.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ no_such_value }}"),
                    encoding="utf-8")
    result = run_cli("build", "--no-cache", cwd=built.root)
    assert result.code == 1 and "home.html" in result.err and "no_such_value" in result.err
    assert _tree(built.out) == before and _leftovers(built) == []


def test_write_file_makes_folders_and_writes_what_write_bytes_writes(tmp_path):
    for rel, data in [("a/b/c/index.html", b"x" * 100_000), ("a/b/c/index.html", b"shorter"), ("top.txt", b""),
                      ("a/b/d/f.bin", bytes(range(256)))]:
        output.write_file(str(tmp_path / rel), data)
        assert (tmp_path / rel).read_bytes() == data
    (tmp_path / "ref").write_bytes(b"1")
    assert (tmp_path / "top.txt").stat().st_mode == (tmp_path / "ref").stat().st_mode
