"""check --graph: each kind of finding, pinned on small sites."""

from conceptsite.graph import health

from conceptsite.build import pipeline
def report(project) -> health.Health:
    return health.analyze(pipeline.gather(pipeline.Options(content=project.content)).graph)


def messages(findings) -> list[str]:
    return [str(f) for f in findings]


def test_orphans_have_no_edges_either_way(scratch_project):
    p = scratch_project
    p.concept("alone", "title: Alone\ndefinition: d\nsummary: s")
    p.concept("a", "title: A\nrelated: [b]")
    p.concept("b", "title: B")
    p.write("writeups/w.md", "---\ndate: 2025-01-01\n---\nSee [[c]].\n")
    p.concept("c", "title: C")
    found = report(p)
    assert [f.path.rsplit("/", 1)[-1] for f in found.orphans] == ["alone.md"]
    assert found.orphans[0].message == "orphan: Alone links nowhere and nothing links to it"


def test_related_declared_one_way_only_points_at_the_entry(scratch_project):
    p = scratch_project
    p.concept("a", "title: A\nrelated: [b, c]")
    p.concept("b", "title: B\nrelated: [a]")
    p.concept("c", "title: C")
    [finding] = report(p).one_way
    assert finding.path.endswith("concepts/a.md") and (finding.line, finding.col) == (4, 14)
    assert finding.message == "one-way related: a lists c, but c does not list a"


def test_unlinked_mentions_skip_code_math_links_and_linked_targets(scratch_project):
    p = scratch_project
    p.concept("gd", "title: Gradient Descent\naliases: [steepest-descent]")
    p.concept("lr", "title: Learning Rate")
    p.concept("sgd", "title: Stochastic Gradient Descent")
    p.concept("user", "title: User", body="""
        Intro line.
        We tune the learning rate, then run stochastic
        gradient descent; plain Gradient Descent too.
        `gradient descent` and $learning rate$ and [[lr|Learning Rate]] do not count,
        nor [gradient descent](/concepts/gd/) nor <b>learning rate</b>.

        ```
        learning rate in code
        ```
        Steepest descent again: gradient descent.
        """)
    found = messages(f for f in report(p).mentions if f.path.endswith("user.md"))
    # lr is linked in the body, so its bare mention is fine; gd is linked too (the Markdown link);
    # sgd matches across the line break, as the longest name at that place.
    assert found == [f"{p.content}/concepts/user.md:6:37: mentions Stochastic Gradient Descent without a link: "
                     "'stochastic\ngradient descent'; write [[sgd]]"]


def test_unlinked_mentions_find_titles_and_aliases_once_per_target(scratch_project):
    p = scratch_project
    p.concept("bn", "title: Batch Normalization\naliases: [batch-norm]")
    p.concept("relu", "title: ReLU")
    p.concept("user", "title: User", body="A batch norm layer, then batch normalization, then relu (not prelu).\n")
    found = [(f.line, f.col, f.message.split(":")[0]) for f in report(p).mentions if f.path.endswith("user.md")]
    assert found == [(5, 3, "mentions Batch Normalization without a link"), (5, 52, "mentions ReLU without a link")]


def test_a_page_never_mentions_itself(scratch_project):
    scratch_project.concept("relu", "title: ReLU", body="ReLU is relu.\n")
    assert report(scratch_project).mentions == ()


def test_missing_definition_or_summary(scratch_project):
    p = scratch_project
    p.concept("full", "title: Full\ndefinition: d\nsummary: s.")
    p.concept("nodef", "title: No Def\nsummary: s.")
    p.concept("bare", "title: Bare", body="First sentence. Second.\n")
    found = {f.path.rsplit("/", 1)[-1]: f.message for f in report(p).missing}
    assert found == {"bare.md": "no definition or summary in the front matter",
                     "nodef.md": "no definition in the front matter"}


def test_most_and_least_linked(scratch_project):
    p = scratch_project
    p.concept("hub", "title: Hub")
    p.concept("mid", "title: Mid", body="[[hub]]")
    for name in ("x", "y"):
        p.concept(name, f"title: {name.upper()}", body="[[hub]] [[mid]]")
    found = report(p)
    assert [(n, title) for n, title, _ in found.most_linked] == [(3, "Hub"), (2, "Mid"), (0, "X"), (0, "Y")]
    assert [(n, title) for n, title, _ in found.least_linked] == [(0, "X"), (0, "Y"), (2, "Mid"), (3, "Hub")]


def test_cli_prints_a_deterministic_report(scratch_project, run_cli):
    p = scratch_project
    p.concept("a", "title: A\nrelated: [b]", body="Mentions B here, and [[Bee]], and [x](/nowhere/).")
    p.concept("b", "title: B")
    p.concept("lonely", "title: Lonely")
    first = run_cli("check", "--graph", "--content", "content", cwd=p.root)
    second = run_cli("check", "--graph", "--content", "content", cwd=p.root)
    assert first.code == 0 and first.out == second.out
    assert first.out.splitlines()[1:] == [
        "graph health: 3 concepts, 1 edges",
        "orphans (no links in or out): 1",
        "  content/concepts/lonely.md:1:1: orphan: Lonely links nowhere and nothing links to it",
        "related declared one way only: 1",
        "  content/concepts/a.md:4:11: one-way related: a lists b, but b does not list a",
        "unlinked mentions: 0",
        "concepts without a definition or summary: 3",
        "  content/concepts/a.md:1:1: no definition or summary in the front matter",
        "  content/concepts/b.md:1:1: no definition or summary in the front matter",
        "  content/concepts/lonely.md:1:1: no definition or summary in the front matter",
        "links to no note, page or heading: 2",
        "  content/concepts/a.md:6:22: no note named 'Bee'",
        "  content/concepts/a.md:6:39: broken link '/nowhere/': no page or file at /nowhere/",
        "most linked:",
        "  1 in  B  (content/concepts/b.md)",
        "  0 in  A  (content/concepts/a.md)",
        "  0 in  Lonely  (content/concepts/lonely.md)",
        "least linked:",
        "  0 in  A  (content/concepts/a.md)",
        "  0 in  Lonely  (content/concepts/lonely.md)",
        "  1 in  B  (content/concepts/b.md)",
    ]
    assert "check --graph" not in run_cli("check", "--content", "content", cwd=p.root).out


def test_mentions_found_across_many_concepts(scratch_project):
    """Correctness at size; the scan's speed is measured in benchmarks/graph_scale.py, not asserted here."""
    p = scratch_project
    for i in range(1500):
        p.concept(f"c{i}", f"title: Concept number {i}", body=f"Text about concept number {(i * 7) % 1500} and more words. " * 5)
    graph = pipeline.gather(pipeline.Options(content=p.content)).graph
    mentions = list(health.unlinked_mentions(graph))
    assert len(mentions) == 1500 - 6  # i * 7 % 1500 == i for i = 0, 250, ..., 1250: those mention themselves
