import datetime as dt

from conceptsite.cli import main


def test_build_writes_site_and_reports(scratch_project, run_cli):
    scratch_project.concept("alpha", "title: Alpha")
    result = run_cli("build", "--content", scratch_project.content, "--out", scratch_project.out)
    assert result.code == 0 and "built 1 pages" in result.out
    assert "<h1>Alpha</h1>" in scratch_project.read("concepts/alpha/index.html")


def test_errors_are_listed_together_without_traceback_and_output_kept(scratch_project, run_cli):
    scratch_project.concept("good", "title: Good")
    assert run_cli("build", "--content", scratch_project.content, "--out", scratch_project.out).code == 0
    before = scratch_project.read("concepts/good/index.html")
    scratch_project.concept("bad1", "title: no")
    scratch_project.concept("bad2", "related: [goood]")
    scratch_project.write("concepts/bad3.md", "---\ntitle: [\n---\n")
    result = run_cli("build", "--content", scratch_project.content, "--out", scratch_project.out, cwd=scratch_project.root)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines() == [
        "content/concepts/bad1.md:3:8: error: title: expected a string, got a boolean False; quote it",
        "content/concepts/bad2.md:3:11: warning: no note named 'goood' in related (did you mean 'good'?)",
        "content/concepts/bad3.md:3:1: error: invalid YAML: did not find expected node content",
        "build failed: 2 error(s); the previous output was left as it was",
    ]
    assert scratch_project.read("concepts/good/index.html") == before


def test_check_writes_nothing(scratch_project, run_cli):
    scratch_project.concept("alpha")
    result = run_cli("check", "--content", scratch_project.content, cwd=scratch_project.root)
    assert result.code == 0 and "checked 1 pages" in result.out
    assert not scratch_project.out.exists()


def test_strict_turns_warnings_and_notes_into_errors(scratch_project, run_cli):
    scratch_project.concept("alpha", "colour: red\nrelated: [nowhere]")
    quiet = run_cli("check", "--content", scratch_project.content, cwd=scratch_project.root)
    assert quiet.code == 0 and "colour" not in quiet.err and "nowhere" in quiet.err  # a note is not shown
    result = run_cli("check", "--strict", "--content", scratch_project.content, cwd=scratch_project.root)
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/concepts/alpha.md:3:9: note: unknown front-matter key 'colour'",
        "content/concepts/alpha.md:4:11: warning: no note named 'nowhere' in related",
        "check failed: 0 error(s) and 1 warning(s) and 1 note(s), which strict mode treats as errors"]


def test_drafts_are_built_only_on_request(scratch_project, run_cli):
    scratch_project.concept("wip", "draft: true")
    run_cli("build", "--content", scratch_project.content, "--out", scratch_project.out)
    assert not (scratch_project.out / "concepts/wip").exists()
    run_cli("build", "--drafts", "--content", scratch_project.content, "--out", scratch_project.out)
    assert (scratch_project.out / "concepts/wip/index.html").exists()


def test_refuses_foreign_output_folder(scratch_project, run_cli):
    scratch_project.concept("alpha")
    (scratch_project.root / "mine").mkdir()
    (scratch_project.root / "mine" / "thesis.tex").write_text("precious")
    result = run_cli("build", "--content", scratch_project.content, "--out", scratch_project.root / "mine")
    assert result.code == 1 and "not made by conceptsite" in result.err
    assert (scratch_project.root / "mine" / "thesis.tex").read_text() == "precious"
    result = run_cli("build", "--content", scratch_project.content, "--out", scratch_project.root)
    assert result.code == 1 and "it contains" in result.err


def test_new_concept_scaffold_builds_as_draft(scratch_project, run_cli):
    result = run_cli("new", "concept", "Vanishing Gradient Problem", "--content", scratch_project.content)
    path = scratch_project.content / "concepts/vanishing-gradient-problem.md"
    assert result.code == 0 and path.exists()
    text = path.read_text()
    for key in ("title", "summary", "definition", "tags", "date", "related", "prerequisites", "aliases", "draft"):
        assert f"\n{key}:" in text
    assert f"date: {dt.date.today().isoformat()}" in text
    assert run_cli("check", "--strict", "--drafts", "--content", scratch_project.content).code == 0
    assert run_cli("new", "concept", "Vanishing Gradient Problem", "--content", scratch_project.content).code == 1


def test_default_command_is_build(scratch_project, monkeypatch, capsys):
    scratch_project.concept("alpha")
    monkeypatch.chdir(scratch_project.root)
    assert main([]) == 0
    assert (scratch_project.root / "site/concepts/alpha/index.html").exists()


def test_the_entry_point_says_everything_and_exits_with_mains_status(scratch_project):
    """build.py ends the process without the interpreter's teardown (cli.run): output must still be
    flushed into a pipe and the status passed on."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    build = Path(__file__).resolve().parent.parent / "build.py"
    scratch_project.concept("alpha", "title: Alpha")
    args = [sys.executable, str(build), "build", "--content", str(scratch_project.content)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output into a pipe is buffered
    good = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=scratch_project.root, env=env)
    assert good.returncode == 0 and good.stdout.startswith("built 1 pages") and good.stdout.endswith("\n")
    scratch_project.write("concepts/broken.md", "---\ntitle: [unclosed\n---\n")
    bad = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=scratch_project.root, env=env)
    assert bad.returncode == 1 and "invalid YAML" in bad.stderr and bad.stderr.rstrip().endswith(
        "the previous output was left as it was")
