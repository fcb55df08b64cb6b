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


def _files(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("A note.\n", encoding="utf-8")


def test_a_folder_without_sections_is_a_vault_of_concepts(tmp_path):
    vault = tmp_path / "My Vault"
    _files(vault, ["Learning Rate.md", "optim/Adam.md", "optim/index.md", ".obsidian/app.json",
                   ".trash/Old.md", "Templates/Daily.md", "deep/templates/Kept.md", "pic.png"])
    found = discover(vault)
    assert {(s.kind, s.slug) for s in found.pages} == {
        ("concept", "learning-rate"), ("concept", "optim/adam"), ("concept", "optim"), ("concept", "deep/templates/kept")}
    assert [a.rel for a in found.assets] == ["pic.png"]  # .obsidian/ and .trash/ are left out, as dot folders


def test_folder_pages_are_their_folders_in_sections_too(tmp_path):
    _files(tmp_path, ["concepts/optim/index.md", "concepts/optim/README.md", "concepts/nets/_index.md",
                      "concepts/index.md", "README.md", "templates/kept.md"])
    found = discover(tmp_path)
    assert sorted((s.kind, s.slug) for s in found.pages) == [
        ("concept", "index"), ("concept", "nets"), ("concept", "optim"), ("concept", "optim"),
        ("page", "readme"), ("page", "templates/kept")]  # with sections, loose notes stay pages; the clash is the index's to report


def test_a_vaults_work_folder_is_in_the_users_cache_and_a_projects_is_beside_content(tmp_path, monkeypatch):
    from conceptsite.source.discover import work_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _files(tmp_path, ["project/content/concepts/a.md", "My Vault/a.md"])
    assert work_folder(tmp_path / "project" / "content") == tmp_path / "project"
    folder = work_folder(tmp_path / "My Vault")
    assert folder.parent == tmp_path / "xdg" / "conceptsite" and folder.name.startswith("my-vault-")
    assert work_folder(tmp_path / "My Vault") == folder != work_folder(tmp_path / "project" / "content")


def test_sections_from_site_yml_place_notes_and_leave_the_rest_loose(tmp_path):
    from conceptsite.source.discover import Section

    _files(tmp_path, ["_terms/Adam.md", "_terms/optim/index.md", "posts/2024/Intro.md", "about.md", "concepts/x.md"])
    found = discover(tmp_path, (Section("_terms", "concept", "terms"), Section("posts/2024", "writeup")))
    assert sorted((s.kind, s.slug, s.base) for s in found.pages) == [
        ("concept", "adam", "terms"), ("concept", "optim", "terms"), ("page", "about", ""),
        ("page", "concepts/x", ""), ("writeup", "intro", "")]


def test_a_glossary_keeps_its_own_urls_and_key_names(scratch_project):
    from conceptsite.build import pipeline

    p = scratch_project
    p.write("site.yml", "title: Glossary\nsections:\n  _terms: {kind: concept, url: terms}\n"
                        "keys:\n  related: related_terms\n  summary: excerpt\n")
    p.write("_terms/adam.md", "---\ntitle: Adam\nexcerpt: An adaptive optimizer.\nrelated_terms: [SGD]\n---\n"
                              "Builds on [plain SGD](/terms/sgd/) and [[sgd]].\n")
    p.write("_terms/sgd.md", "---\ntitle: SGD\n---\nThe plain one.\n")
    p.write("index.md", "---\ntitle: Start\n---\nSee [the terms](/terms/adam/).\n")
    site = pipeline.gather(pipeline.Options(content=p.content))
    assert site.warnings == ()
    adam = site.graph.pages["terms/adam/"]
    assert adam.kind == "concept" and adam.summary == "An adaptive optimizer."
    assert site.graph.outgoing["terms/adam/"]["related"] == ("terms/sgd/",)
    assert 'href="../sgd/"' in site.bodies["terms/adam/"].html and "index/" in site.graph.pages
