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
