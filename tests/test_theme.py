"""theme.make_environment: one environment per theme, checked against the template files once per build."""
import os

import jinja2
import pytest

from conceptsite.theme import Theme, make_environment


@pytest.fixture
def theme(tmp_path):
    templates, static = tmp_path / "templates", tmp_path / "static"
    templates.mkdir()
    static.mkdir()
    (templates / "page.html").write_text("first {{ n }}")
    return Theme(templates, static, {})


def _edit(path, text):
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a clearly newer mtime


def test_the_environment_is_reused_for_the_same_theme(theme, tmp_path):
    assert make_environment(theme, tmp_path / "cache") is make_environment(theme, tmp_path / "cache")


def test_a_template_edited_between_builds_is_compiled_again(theme, tmp_path):
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=1) == "first 1"
    _edit(theme.templates / "page.html", "second {{ n }}")
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=2) == "second 2"


def test_a_build_renders_one_version_of_its_templates(theme, tmp_path):
    """No stat per render: an edit made while a build runs waits for the next build."""
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=1) == "first 1"
    _edit(theme.templates / "page.html", "second {{ n }}")
    assert env.get_template("page.html").render(n=1) == "first 1"


def test_a_template_removed_between_builds_is_missing(theme, tmp_path):
    env = make_environment(theme, tmp_path / "cache")
    env.get_template("page.html")
    (theme.templates / "page.html").unlink()
    env = make_environment(theme, tmp_path / "cache")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("page.html")
