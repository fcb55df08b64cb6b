import pytest

from conceptsite.source.discover import discover, is_junk, make_slug


@pytest.mark.parametrize("name", [".DS_Store", "._x.md", "x.md.swp", "x.md~", "4913", ".#x.md", "#x.md#", ".hidden.md"])
def test_editor_and_os_junk_is_ignored(name):
    assert is_junk(name)


@pytest.mark.parametrize("name", ["relu.md", "notes 2.md", "é.md"])
def test_real_pages_are_not_junk(name):
    assert not is_junk(name)


@pytest.mark.parametrize("path, slug", [
    ("ReLU", "relu"),
    ("Vanishing Gradient Problem", "vanishing-gradient-problem"),
    ("C# and ?%notes", "c-and-notes"),
    ("optimizers/Adam", "optimizers/adam"),
    ("Über_Netz", "über-netz"),
    ("注意力", "注意力"),
    ("---", "page"),
])
def test_slugs_are_lower_case_and_url_safe(path, slug):
    assert make_slug(path) == slug


def test_slug_is_stable_under_unicode_normal_form():
    assert make_slug("Cafe\u0301") == make_slug("Caf\u00e9")


def test_discover_classifies_sections_pages_and_assets(scratch_project):
    scratch_project.write("concepts/optimizers/Adam.md", "x")
    scratch_project.write("writeups/w.md", "x")
    scratch_project.write("about.md", "x")
    scratch_project.write("images/fig.png", "png")
    scratch_project.write("concepts/.x.md.swp", "junk")
    scratch_project.write("site.yml", "title: T\n")
    sources = discover(scratch_project.content)
    kinds = {(p.kind, p.slug) for p in sources.pages}
    assert kinds == {("concept", "optimizers/adam"), ("writeup", "w"), ("page", "about")}
    assert [a.rel for a in sources.assets] == ["images/fig.png"]


def test_show_path_is_relative_inside_the_working_folder_only(tmp_path, monkeypatch):
    from conceptsite.source.discover import show_path

    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert show_path(tmp_path / "work" / "content" / "a.md") == "content/a.md"
    assert show_path(tmp_path / "work") == "."
    assert show_path(tmp_path / "workshop" / "b.md") == str(tmp_path / "workshop" / "b.md")  # a look-alike prefix
    monkeypatch.chdir("/")
    assert show_path(tmp_path / "x.md") == str(tmp_path / "x.md").lstrip("/")
