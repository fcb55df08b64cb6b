"""Learning paths ("Read first") and prerequisite cycles."""
import pytest

from conceptsite.build import pipeline
from conceptsite.diagnostics import BuildFailed


def gather(project):
    return pipeline.gather(pipeline.Options(content=project.content))


def test_learning_path_is_transitive_roots_first_with_ties_a_to_z(scratch_project):
    p = scratch_project
    p.concept("top", "title: Top\nprerequisites: [mid, zeta]")
    p.concept("mid", "title: Mid\nprerequisites: [root-b, root-a]")
    p.concept("zeta", "title: Zeta\nprerequisites: [root-a]")
    p.concept("root-a", "title: Root A")
    p.concept("root-b", "title: Root B")
    site = gather(p)
    path = site.graph.learning_path("concepts/top/")
    assert path == ("concepts/root-a/", "concepts/root-b/", "concepts/mid/", "concepts/zeta/")
    assert site.graph.learning_path("concepts/root-a/") == ()
    html = site.files["concepts/top/index.html"].decode()
    read_first = html[html.index('class="read-first"'):html.index("</aside>")]
    assert [t for t in ("Root A", "Root B", "Mid", "Zeta") if t in read_first] == ["Root A", "Root B", "Mid", "Zeta"]
    assert read_first.index("Root A") < read_first.index("Root B") < read_first.index("Mid") < read_first.index("Zeta")


def test_learning_path_is_stable_across_builds(scratch_project):
    p = scratch_project
    for i in range(8):
        p.concept(f"c{i}", f"title: C{i}\nprerequisites: [{', '.join(f'c{j}' for j in range(i))}]")
    first = gather(p).graph.paths
    assert first == gather(p).graph.paths
    assert first["concepts/c7/"] == tuple(f"concepts/c{j}/" for j in range(7))


def test_prerequisite_cycle_fails_naming_the_whole_cycle_and_each_edge(scratch_project, run_cli):
    p = scratch_project
    p.concept("a", "title: A\nprerequisites: [b]")
    p.concept("b", "title: B\nprerequisites: [c]")
    p.concept("c", "title: C\nprerequisites: [a]")
    p.concept("d", "title: D\nprerequisites: [a]")
    with pytest.raises(BuildFailed):
        gather(p)
    result = run_cli("check", "--content", "content", cwd=p.root)
    assert result.code == 1
    [line] = [x for x in result.err.splitlines() if "cycle" in x]
    assert line == ("content/concepts/a.md:4:17: error: prerequisite cycle: a → b → c → a (edges at "
                    "content/concepts/a.md:4:17, content/concepts/b.md:4:17, content/concepts/c.md:4:17)")


def test_two_cycles_are_two_errors_and_cli_fails(scratch_project, run_cli):
    p = scratch_project
    p.concept("a", "prerequisites: [b]")
    p.concept("b", "prerequisites: [a]")
    p.concept("x", "prerequisites: [y]")
    p.concept("y", "prerequisites: [x]")
    result = run_cli("check", "--content", p.content)
    assert result.code == 1
    assert "prerequisite cycle: a → b → a" in result.err
    assert "prerequisite cycle: x → y → x" in result.err
