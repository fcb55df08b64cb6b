"""The theme: one Jinja environment per theme, checked against the template files once per build;
and a site's own templates/ and static/ laid over the bundled theme file by file."""
import hashlib
import os

import jinja2
import pytest

from conceptsite.build import pipeline
from conceptsite.render.theme import BUNDLED, load_theme, make_environment


@pytest.fixture
def theme(tmp_path):
    templates, static = tmp_path / "templates", tmp_path / "static"
    templates.mkdir()
    static.mkdir()
    (templates / "page.html").write_text("first {{ n }}")
    return load_theme((templates,), (static,))


def _edit(path, text):
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a clearly newer mtime


def test_the_environment_is_reused_for_the_same_theme(theme, tmp_path):
    assert make_environment(theme, tmp_path / "cache") is make_environment(theme, tmp_path / "cache")


def test_a_template_edited_between_builds_is_compiled_again(theme, tmp_path):
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=1) == "first 1"
    _edit(theme.templates[0] / "page.html", "second {{ n }}")
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=2) == "second 2"


def test_a_build_renders_one_version_of_its_templates(theme, tmp_path):
    """No stat per render: an edit made while a build runs waits for the next build."""
    env = make_environment(theme, tmp_path / "cache")
    assert env.get_template("page.html").render(n=1) == "first 1"
    _edit(theme.templates[0] / "page.html", "second {{ n }}")
    assert env.get_template("page.html").render(n=1) == "first 1"


def test_a_template_removed_between_builds_is_missing(theme, tmp_path):
    env = make_environment(theme, tmp_path / "cache")
    env.get_template("page.html")
    (theme.templates[0] / "page.html").unlink()
    env = make_environment(theme, tmp_path / "cache")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("page.html")


def test_a_template_added_to_the_first_layer_replaces_the_compiled_one(tmp_path):
    """The watch server keeps its environment; an override saved later must still win."""
    own, bundled = tmp_path / "own", tmp_path / "bundled"
    own.mkdir()
    bundled.mkdir()
    (bundled / "page.html").write_text("bundled")
    env = make_environment(load_theme((own, bundled), ()), tmp_path / "cache")
    assert env.get_template("page.html").render() == "bundled"
    (own / "page.html").write_text("own")
    env = make_environment(load_theme((own, bundled), ()), tmp_path / "cache")
    assert env.get_template("page.html").render() == "own"


# --- A site's own theme files over the bundled theme ------------------------------------------------------------


def test_the_bundled_theme_is_the_checkouts_top_level_folders():
    assert (BUNDLED / "templates" / "concept.html").is_file()
    assert (BUNDLED / "static" / "style.css").is_file()


def test_a_site_overrides_one_partial_and_keeps_the_other_templates(scratch_project):
    scratch_project.concept("alpha")
    partials = scratch_project.root / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "footer.html").write_text('<footer class="own-footer">my footer</footer>\n')
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    page = site.files["concepts/alpha/index.html"].decode()
    assert '<footer class="own-footer">my footer</footer>' in page
    assert 'class="site-footer"' not in page
    bundled = (BUNDLED / "templates" / "partials" / "header.html").read_text()
    assert bundled.splitlines()[0] in page  # the header still comes from the bundled theme


def test_a_site_overrides_one_static_file_and_keeps_the_others(scratch_project):
    scratch_project.concept("alpha")
    static = scratch_project.root / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: red }\n")
    (static / "extra.js").write_text("// the site's own\n")
    site = pipeline.gather(pipeline.Options(content=scratch_project.content))
    bundled = sorted(p.name for p in (BUNDLED / "static").iterdir())
    assert set(site.copies) >= {f"assets/{name}" for name in [*bundled, "extra.js"]}
    assert site.copies["assets/style.css"] == static / "style.css"
    assert site.copies["assets/site.js"] == BUNDLED / "static" / "site.js"
    assert site.copies["assets/extra.js"] == static / "extra.js"
    page = site.files["concepts/alpha/index.html"].decode()
    theme = load_theme(*pipeline.theme_dirs(pipeline.Options(content=scratch_project.content)))
    own, theirs = theme.versions["style.css"], theme.versions["site.js"]
    assert f"assets/style.css?v={own}" in page and f"assets/site.js?v={theirs}" in page
    assert own == hashlib.sha1(b"body { color: red }\n").hexdigest()[:8]


def test_a_written_site_copies_the_merged_static_files(scratch_project):
    scratch_project.concept("alpha")
    static = scratch_project.root / "static"
    static.mkdir()
    (static / "theme.js").write_text("// mine\n")
    pipeline.build(pipeline.Options(content=scratch_project.content, out=scratch_project.out))
    assets = scratch_project.out / "assets"
    assert (assets / "theme.js").read_text() == "// mine\n"
    assert (assets / "site.js").read_bytes() == (BUNDLED / "static" / "site.js").read_bytes()
    assert sorted(p.name for p in assets.iterdir()) == sorted(p.name for p in (BUNDLED / "static").iterdir())


def test_an_override_added_later_is_built(scratch_project):
    """A template added to the site's own folder changes what an incremental build into the same folder writes."""
    scratch_project.concept("alpha")
    options = pipeline.Options(content=scratch_project.content, out=scratch_project.out)
    pipeline.build(options)
    assert "my footer" not in scratch_project.read("concepts/alpha/index.html")
    partials = scratch_project.root / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "footer.html").write_text("<footer>my footer</footer>\n")
    pipeline.build(options)
    assert "my footer" in scratch_project.read("concepts/alpha/index.html")
    (partials / "footer.html").unlink()
    pipeline.build(options)
    assert "my footer" not in scratch_project.read("concepts/alpha/index.html")


def test_a_content_file_clashing_with_a_bundled_asset_names_the_bundled_file(scratch_project):
    scratch_project.concept("alpha")
    (scratch_project.content / "assets").mkdir()
    (scratch_project.content / "assets" / "map.js").write_text("// clash\n")
    with pytest.raises(pipeline.BuildFailed) as failed:
        pipeline.gather(pipeline.Options(content=scratch_project.content))
    messages = [d.message for d in failed.value.diagnostics]
    assert any("static/map.js" in m and "/assets/map.js" in m for m in messages), messages
