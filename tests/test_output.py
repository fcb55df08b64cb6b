from pathlib import Path

import pytest

from conceptsite.output import MARKER, UnsafeOutput, check_output, write_site


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

    monkeypatch.setattr("conceptsite.output.shutil.copyfile", explode)
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
