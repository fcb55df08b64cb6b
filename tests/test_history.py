import datetime
import os
import subprocess

import pytest

from conceptsite.source import history
from conceptsite.source.history import (
    Change, Commit, FileDates, collect_dates, file_dates, find_repository, read_head, read_history,
)

NOON = "T12:00:00+00:00"


def dates(created: str, updated: str) -> FileDates:
    return FileDates(datetime.date.fromisoformat(created), datetime.date.fromisoformat(updated))


def git(repo, *args, when="2020-01-01T12:00:00+00:00", authored=None):
    env = {**os.environ, "GIT_AUTHOR_DATE": authored or when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return done.stdout.decode().strip()


def commit(repo, when):
    git(repo, "add", "-A", when=when)
    git(repo, "commit", "-q", "-m", f"at {when}", when=when)


def write(repo, rel, text="x\n"):
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    # Only these settings: no user or system config changes what git writes or logs.
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Ada")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "ada@example.org")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "-c", "init.defaultBranch=main", "init", "-q")
    return root


def test_created_and_updated_come_from_the_first_and_last_commit(repo):
    write(repo, "a.md", "one\n")
    commit(repo, "2020-01-02" + NOON)
    write(repo, "a.md", "two\n")
    commit(repo, "2021-05-06" + NOON)
    assert read_history(repo, repo) == {"a.md": dates("2020-01-02", "2021-05-06")}


def test_a_renamed_file_keeps_its_creation_under_its_new_name(repo):
    write(repo, "notes/a.md", "a long enough line for git to see the same file\n")
    commit(repo, "2019-01-01" + NOON)
    write(repo, "other.md")
    commit(repo, "2019-03-01" + NOON)
    git(repo, "mv", "notes/a.md", "b.md")
    commit(repo, "2020-02-02" + NOON)
    history = read_history(repo, repo)
    assert history["b.md"] == dates("2019-01-01", "2020-02-02")
    assert "notes/a.md" not in history


def test_names_with_spaces_unicode_and_newlines(repo):
    names = ["my note.md", "Über café.md", "注意力.md", "line\nbreak.md"]
    for name in names:
        write(repo, name)
    commit(repo, "2022-07-08" + NOON)
    assert read_history(repo, repo) == dict.fromkeys(names, dates("2022-07-08", "2022-07-08"))


def test_the_date_is_the_day_in_the_authors_own_zone(repo):
    write(repo, "late.md")
    git(repo, "add", "late.md")
    # Already 2021-03-05 in UTC; the commit date (as after a rebase) is later still and not used.
    late = "2021-03-04T23:30:00-05:00"
    git(repo, "commit", "-q", "-m", "late", when="2022-01-01" + NOON, authored=late)
    assert read_history(repo, repo) == {"late.md": dates("2021-03-04", "2021-03-04")}


def test_dates_are_the_oldest_and_newest_even_out_of_the_order_of_commits(repo):
    write(repo, "a.md", "1\n")
    commit(repo, "2020-05-01" + NOON)
    write(repo, "a.md", "2\n")
    # As after a cherry-pick: written before its parent, committed after it.
    git(repo, "commit", "-q", "-am", "picked", when="2020-06-01" + NOON, authored="2020-03-01" + NOON)
    assert read_history(repo, repo) == {"a.md": dates("2020-03-01", "2020-05-01")}


def test_deleted_files_are_absent(repo):
    write(repo, "kept.md")
    write(repo, "dropped.md")
    commit(repo, "2020-01-01" + NOON)
    git(repo, "rm", "-q", "dropped.md")
    commit(repo, "2020-02-01" + NOON)
    assert set(read_history(repo, repo)) == {"kept.md"}


def test_a_file_deleted_and_added_again_counts_from_its_return(repo):
    write(repo, "back.md", "first life\n")
    commit(repo, "2018-01-01" + NOON)
    git(repo, "rm", "-q", "back.md")
    commit(repo, "2019-01-01" + NOON)
    write(repo, "back.md", "second life\n")
    commit(repo, "2020-01-01" + NOON)
    assert read_history(repo, repo) == {"back.md": dates("2020-01-01", "2020-01-01")}


def test_an_edit_of_the_old_name_merged_after_a_rename(repo):
    write(repo, "a.md", "a long enough line for git to see the same file\nsecond line\n")
    commit(repo, "2020-01-01" + NOON)
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, "a.md", "a long enough line for git to see the same file\nsecond line, edited\n")
    commit(repo, "2020-02-01" + NOON)
    git(repo, "checkout", "-q", "main")
    git(repo, "mv", "a.md", "b.md")
    commit(repo, "2020-03-01" + NOON)
    git(repo, "merge", "-q", "--no-edit", "side", when="2020-04-01" + NOON)
    assert sorted(os.listdir(repo)) == [".git", "b.md"]
    # The log shows the side's edit of a.md before the rename to b.md: a.md must not come back.
    history = read_history(repo, repo)
    assert set(history) == {"b.md"}
    assert history["b.md"].created == datetime.date(2020, 1, 1)


def test_a_history_read_in_two_parts_gives_the_dates_of_one_log_wherever_it_is_cut(repo, monkeypatch):
    text = "a long enough line for git to see the same file\n"
    write(repo, "a.md", text + "one\n")
    write(repo, "gone.md")
    commit(repo, "2020-01-01" + NOON)
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, "a.md", text + "one, edited on a side branch\n")
    commit(repo, "2020-02-01" + NOON)
    git(repo, "checkout", "-q", "main")
    git(repo, "mv", "a.md", "b.md")
    write(repo, "c.md")
    commit(repo, "2020-03-01" + NOON)
    (repo / "gone.md").unlink()
    commit(repo, "2020-04-01" + NOON)
    git(repo, "merge", "-q", "--no-edit", "side", when="2020-05-01" + NOON)
    write(repo, "c.md", "edited\n")
    commit(repo, "2020-06-01" + NOON)
    monkeypatch.setattr(history, "_cores", lambda: 1)
    whole = read_history(repo, repo)
    assert whole == {"b.md": dates("2020-01-01", "2020-03-01"), "c.md": dates("2020-03-01", "2020-06-01")}
    monkeypatch.setattr(history, "_cores", lambda: 2)
    line = git(repo, "rev-list", "--first-parent", "HEAD").split()
    for cut in line[1:]:  # (a cut at HEAD leaves nothing to the newer part)
        monkeypatch.setattr(history, "_cut", lambda *_: cut)
        assert read_history(repo, repo) == whole, cut


def test_only_a_long_history_is_cut(repo, monkeypatch):
    for day in range(1, 6):
        write(repo, "a.md", f"{day}\n")
        commit(repo, f"2020-01-0{day}" + NOON)
    git_dir = repo / ".git"
    assert history._cut(git_dir, repo, repo) is None
    monkeypatch.setattr(history, "_LONG", 5)
    line = git(repo, "rev-list", "--first-parent", "HEAD").split()
    assert history._cut(git_dir, repo, repo) == line[1]  # the older part holds about two thirds


def test_user_config_does_not_change_the_log(repo, tmp_path):
    (tmp_path / "gitconfig").write_text("[diff]\nrenames = false\n[log]\nshowRoot = false\n")
    test_a_renamed_file_keeps_its_creation_under_its_new_name(repo)


def test_a_folder_inside_a_larger_repository(repo):
    write(repo, "README.md")
    write(repo, "content/notes/x.md")
    write(repo, "content/top.md")
    commit(repo, "2020-05-05" + NOON)
    assert set(read_history(repo, repo / "content")) == {"notes/x.md", "top.md"}


def test_two_names_swapped_in_one_commit_keep_their_files():
    # git shows a swap as two modifications unless asked to break pairs; the walk must not mix them.
    commits = [
        Commit("2020-03-01", (Change("R", "a.md", "b.md"), Change("R", "b.md", "a.md"))),
        Commit("2020-01-01", (Change("A", "a.md", None),)),
        Commit("2019-01-01", (Change("A", "b.md", None),)),
    ]
    # a.md now was b.md before the swap, so it was created with b.md, in 2019.
    assert collect_dates(commits) == {
        "a.md": dates("2019-01-01", "2020-03-01"),
        "b.md": dates("2020-01-01", "2020-03-01"),
    }


def test_without_git_on_path_there_are_no_dates(repo, tmp_path, monkeypatch, capfd):
    write(repo, "a.md")
    commit(repo, "2020-01-01" + NOON)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert read_history(repo, repo) == {}
    assert capfd.readouterr() == ("", "")


def test_outside_a_repository_or_before_any_commit_there_are_no_dates(repo, tmp_path, capfd):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert read_history(plain, plain) == {}
    assert read_history(repo, repo) == {}
    assert capfd.readouterr() == ("", "")


def head(repo):
    return git(repo, "rev-parse", "HEAD")


def test_read_head_on_a_branch(repo):
    write(repo, "a.md")
    commit(repo, "2020-01-01" + NOON)
    assert read_head(repo) == head(repo)
    assert len(read_head(repo)) == 40


def test_read_head_from_packed_refs_only(repo):
    write(repo, "a.md")
    commit(repo, "2020-01-01" + NOON)
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert read_head(repo) == head(repo)


def test_read_head_detached(repo):
    write(repo, "a.md", "1\n")
    commit(repo, "2020-01-01" + NOON)
    first = head(repo)
    write(repo, "a.md", "2\n")
    commit(repo, "2020-01-02" + NOON)
    git(repo, "checkout", "-q", "--detach", first)
    assert read_head(repo) == first == head(repo)


def test_read_head_and_history_in_a_worktree(repo):
    write(repo, "a.md")
    commit(repo, "2020-01-01" + NOON)
    tree = repo.parent / "tree"
    git(repo, "worktree", "add", "-q", "-b", "side", str(tree))
    write(tree, "sub/b.md")
    commit(tree, "2020-02-02" + NOON)
    assert (tree / ".git").is_file()
    assert read_head(tree) == head(tree) != head(repo)
    assert find_repository(tree / "sub") == tree.resolve()
    assert read_history(tree, tree)["sub/b.md"] == dates("2020-02-02", "2020-02-02")


def test_read_head_before_any_commit_is_none(repo):
    assert read_head(repo) is None


def test_find_repository_from_a_nested_folder(repo):
    nested = repo / "a" / "b" / "c"
    nested.mkdir(parents=True)
    assert find_repository(nested) == repo.resolve()


def test_find_repository_outside_any_repository(tmp_path):
    lone = tmp_path / "lone" / "deep"
    lone.mkdir(parents=True)
    inside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=lone, capture_output=True)
    if inside.returncode == 0:
        pytest.skip("the temporary folder is itself inside a git repository")
    assert find_repository(lone) is None
    assert read_head(lone) is None


def test_file_dates_come_from_the_modification_time(tmp_path):
    path = write(tmp_path, "loose.md")
    moment = datetime.datetime(2019, 7, 8, 12, 0).timestamp()  # local noon
    os.utime(path, (moment, moment))
    assert file_dates(path) == dates("2019-07-08", "2019-07-08")


# Builds: notes without dates take them from git, and the engine keeps them by HEAD.

STUB_STATIC = __import__("pathlib").Path(__file__).parent / "sites" / "basic" / "static"


def build(vault, out, **options):
    from conceptsite.build import pipeline
    return pipeline.build(pipeline.Options(content=vault, out=out, static=STUB_STATIC, **options))


@pytest.fixture
def vault(repo, tmp_path, monkeypatch):
    """A vault of three notes in git, and a git on PATH that logs each run to tmp_path/git.log."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shim = tmp_path / "bin"
    shim.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True).stdout.strip()
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/git.log"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    write(repo, "Alpha.md", "Alpha links to [[Beta]].\n")
    write(repo, "Beta.md", "Beta text.\n")
    write(repo, "Gamma.md", "---\ndate: 2019-09-09\nupdated: 2019-10-10\n---\nGamma keeps its own dates.\n")
    commit(repo, "2021-03-04T23:30:00-05:00")
    write(repo, "Beta.md", "Beta text, edited.\n")
    commit(repo, "2022-06-07" + NOON)
    return repo


def git_runs(tmp_path) -> int:
    log = tmp_path / "git.log"
    return sum(" log " in line for line in log.read_text().splitlines()) if log.exists() else 0


def times(page: str) -> list[str]:
    import re
    return re.findall(r'<time datetime="([\d-]+)"', page)


def test_notes_without_dates_are_dated_by_their_first_and_last_commit(vault, tmp_path):
    out = tmp_path / "site"
    build(vault, out)
    beta = (out / "concepts/beta/index.html").read_text(encoding="utf-8")
    gamma = (out / "concepts/gamma/index.html").read_text(encoding="utf-8")
    assert 'Updated <time datetime="2022-06-07">' in beta and "2021-03-04" in times(beta)  # its own zone's day
    assert 'Updated <time datetime="2019-10-10">' in gamma and "2022-06-07" not in gamma  # front-matter wins


def test_a_warm_build_runs_no_git_and_writes_nothing(vault, tmp_path):
    out = tmp_path / "site"
    build(vault, out)
    assert git_runs(tmp_path) == 1  # one git log for the whole history
    again = build(vault, out)
    assert again.kind == "unchanged" and again.stats.files == 0 and git_runs(tmp_path) == 1
    (vault / "Alpha.md").write_text("Alpha links to [[Beta]].\n\nMore prose.\n", encoding="utf-8")
    assert build(vault, out).kind == "prose" and git_runs(tmp_path) == 1  # an edit reads the kept dates


def test_a_commit_that_changes_only_dates_rewrites_only_those_pages(vault, tmp_path):
    out = tmp_path / "site"
    (vault / "Alpha.md").write_text("Alpha links to [[Beta]], edited.\n", encoding="utf-8")
    build(vault, out)
    commit(vault, "2023-08-09" + NOON)  # the file is as it was built; only its updated date moves
    result = build(vault, out)
    assert result.kind == "whole" and git_runs(tmp_path) == 2
    assert 'Updated <time datetime="2023-08-09">' in (out / "concepts/alpha/index.html").read_text(encoding="utf-8")
    # Its page, and the feed and home page, which list what was updated last: nothing else.
    assert result.stats.written == ("concepts/alpha/index.html", "feed.xml", "index.html")


def test_outside_git_a_missing_date_is_the_files_modification_day(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    note = write(tmp_path / "notes", "Loose.md", "No dates here.\n")
    os.utime(note, (1700000000, 1700000000))  # 2023-11-14 in every zone from UTC-12 to UTC+9
    out = tmp_path / "site"
    build(tmp_path / "notes", out)
    page = (out / "concepts/loose/index.html").read_text(encoding="utf-8")
    assert times(page) == ["2023-11-14"]  # the date; no updated date from a file's time
