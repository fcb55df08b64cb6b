"""The package as a user gets it: a wheel built from the checkout, installed into a fresh virtual
environment, run from a folder that has nothing to do with the checkout (build, check, serve).

The fresh environment finds its dependencies in the environment running the tests, through a .pth
line (so no index is needed, and each CI environment tests its own versions); a directory named in a
.pth line is only put on sys.path, its own .pth files are not run, so the checkout's editable-install
hook stays out and only the wheel's copy of conceptsite can be imported."""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "conceptsite", "templates", "static")  # what the wheel is made from
pytestmark = pytest.mark.wheel

CONCEPT = """---
title: Wheel Test Concept
date: 2025-05-11
tags: [packaging]
---
A concept built by the installed wheel. See [[other]].
"""
OTHER = """---
title: Other
date: 2025-05-11
---
The other concept.
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of the checkout, built with the setuptools of the running environment.

    From a copy of what the wheel is made of: setuptools leaves build/ and *.egg-info in the folder it
    builds, where a stale file could slip into the wheel, and CI runs environments side by side."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(source)], check=True, env=_clean_env())
    [built] = out.glob("conceptsite-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, env=_clean_env())
    # Only now: pip would otherwise see the checkout's editable install there and try to replace it.
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib, "_test_dependencies.pth").write_text("".join(f"{folder}\n" for folder in sorted(deps)))
    return venv / "bin"


@pytest.fixture
def site(tmp_path) -> Path:
    """A tiny site in a folder of its own, with no templates/ or static/ beside content/."""
    (tmp_path / "content" / "concepts").mkdir(parents=True)
    (tmp_path / "content" / "concepts" / "wheel-test.md").write_text(CONCEPT)
    (tmp_path / "content" / "concepts" / "other.md").write_text(OTHER)
    return tmp_path


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(bin_folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_folder / args[0]), *args[1:]], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_the_whole_package_and_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / "conceptsite").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    for folder in ("templates", "static"):
        expected |= {f"conceptsite/bundled/{p.relative_to(ROOT).as_posix()}"
                     for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert expected - names == set()


def test_the_installed_package_is_the_wheels_not_the_checkouts(installed, site):
    found = _run(installed, "python", "-c", "import conceptsite.render.theme as t; print(t.__file__); print(t.BUNDLED)",
                 cwd=site)
    assert found.returncode == 0, found.stderr
    module, bundled = found.stdout.splitlines()
    venv = installed.parent.resolve()
    assert Path(module).is_relative_to(venv) and Path(bundled).is_relative_to(venv)
    assert Path(bundled).name == "bundled" and (Path(bundled) / "templates" / "partials" / "footer.html").is_file()
    checked = subprocess.run([sys.executable, "-m", "pip", "--python", str(installed / "python"), "check"],
                             capture_output=True, text=True, env=_clean_env())
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the wheel's dependencies are all met


def test_installed_build_and_check_work_outside_the_checkout(installed, site):
    built = _run(installed, "conceptsite", "build", cwd=site)
    assert built.returncode == 0, built.stderr
    assert "built 2 pages" in built.stdout
    page = (site / "site" / "concepts" / "wheel-test" / "index.html").read_text()
    assert "Wheel Test Concept" in page and 'class="site-footer"' in page
    bundled = installed.parent / "lib"
    [style] = bundled.rglob("conceptsite/bundled/static/style.css")
    assert (site / "site" / "assets" / "style.css").read_bytes() == style.read_bytes()
    checked = _run(installed, "conceptsite", "check", "--strict", cwd=site)
    assert checked.returncode == 0, checked.stderr
    assert "checked 2 pages: no errors" in checked.stdout


def test_installed_serve_answers_with_a_page(installed, site):
    server = subprocess.Popen([str(installed / "conceptsite"), "serve", "--host", "127.0.0.1", "--port", "0"],
                              cwd=site, env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout] + [lines.put(None)],
                     daemon=True).start()
    try:
        url = _wait_for(lines, " serving ").split(" at ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        _wait_for(lines, " rebuilt (first build)")
        with urllib.request.urlopen(url + "concepts/wheel-test/", timeout=120) as response:
            assert response.status == 200
            assert "Wheel Test Concept" in response.read().decode()
        server.send_signal(2)  # SIGINT, as Ctrl-C
        _wait_for(lines, " stopped")
        assert server.wait(timeout=120) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _wait_for(lines: queue.Queue, needle: str) -> str:
    """The server's first output line holding needle; fails on the server's end or error output."""
    seen = []
    while True:
        line = lines.get(timeout=120)  # only a hung server waits this long
        assert line is not None, "the server ended early:\n" + "".join(seen)
        seen.append(line)
        if needle in line:
            return line
        assert "error" not in line, "".join(seen)
