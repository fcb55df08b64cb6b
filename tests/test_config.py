from conceptsite.source.config import SiteConfig, read_config
from conceptsite.diagnostics import Report


def read(tmp_path, text):
    path = tmp_path / "site.yml"
    path.write_text(text)
    report = Report()
    return read_config(path, report), [f"{d.line}:{d.col}: {d.severity}: {d.message}" for d in sorted(report.items)]


def test_defaults_without_site_yml(tmp_path):
    config = read_config(tmp_path / "none.yml", Report())
    assert config.title == "Concepts" and config.short_name == "C" and config.timezone == "UTC"


def test_full_settings(tmp_path):
    config, problems = read(tmp_path, "title: Deep Notes\nauthor: A\nbase_url: https://x.org/notes\n"
                                      "timezone: Asia/Kolkata\ntimezone_label: IST\nfooter: one\n"
                                      "nav:\n  - {label: Concepts, path: /concepts/, key: k}\n")
    assert problems == []
    assert config.short_name == "DN" and config.base_path == "/notes/" and config.footer == ("one",)
    assert config.nav[0].key == "K" and config.nav_from_file


def test_bad_settings_are_placed(tmp_path):
    _, problems = read(tmp_path, "title: 5\ntimezone: Mars/Base\ntitel: x\n"
                                 "nav:\n  - {label: A, path: /a/, key: T}\n")
    assert problems == [
        "1:8: error: title: expected a string, got 5; quote it",
        "2:11: error: timezone: 'Mars/Base' is not an IANA time zone name such as 'Asia/Kolkata'",
        "3:8: warning: unknown setting 'titel' (did you mean 'title'?)",
        "5:5: error: nav key 'T' must be one letter, unique, and not T, / or ?",
    ]


def test_base_path_of_root_site():
    assert SiteConfig(base_url="https://example.org").base_path == "/"


def test_a_vault_without_site_yml_is_titled_by_its_folder(tmp_path):
    vault = tmp_path / "Field Notes"
    vault.mkdir()
    (vault / "A note.md").write_text("A note.\n", encoding="utf-8")
    config = read_config(vault / "site.yml", Report())
    assert config.title == "Field Notes" and config.short_name == "FN"
    (vault / "concepts").mkdir()  # a site with sections keeps the default title
    assert read_config(vault / "site.yml", Report()).title == SiteConfig().title


def test_sections_map_folders_to_kinds_and_url_folders(tmp_path):
    config, problems = read(tmp_path, "sections:\n  _terms: {kind: concept, url: /terms/}\n  posts: writeups\n"
                                      "  notes/loose: page\n")
    assert problems == []
    assert [(s.folder, s.kind, s.url) for s in config.sections] == [
        ("_terms", "concept", "terms"), ("posts", "writeup", ""), ("notes/loose", "page", "")]


def test_bad_sections_and_keys_are_placed_and_explained(tmp_path):
    _, problems = read(tmp_path, "sections:\n  a: glossary\n  b: {kind: concept, url: '/:title/'}\n"
                                 "keys:\n  relatd: related_terms\n  summary: excerpt\n")
    # Placed at the start of the setting's mapping: positions are kept for top-level keys and list items.
    assert problems == [
        "2:3: error: sections: 'a' needs a kind (concept, writeup, project or page) and may have a url, "
        "a plain folder path such as terms",
        "2:3: error: sections: 'b' needs a kind (concept, writeup, project or page) and may have a url, "
        "a plain folder path such as terms",
        "5:3: error: keys: 'relatd: related_terms' must map one of our front-matter keys (such as related or summary) "
        "to the name your notes use (did you mean 'related'?)",
    ]


def test_a_key_map_reads_other_names_as_ours(tmp_path):
    config, problems = read(tmp_path, "keys:\n  related: related_terms\n  summary: excerpt\n")
    assert problems == [] and config.keys == (("related", "related_terms"), ("summary", "excerpt"))
