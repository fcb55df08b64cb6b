"""A deterministic benchmark corpus: N concept pages, a writeup, an about page, and a Hugo twin."""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent
STAMP = ".corpus-version"
VERSION = "4"  # bump when the generator changes so stale corpora are rebuilt

ADJECTIVES = ("sparse", "dense", "stochastic", "residual", "adaptive", "latent", "recurrent", "causal",
              "spectral", "contrastive", "bayesian", "convex", "gated", "implicit", "lateral", "robust")
NOUNS = ("gradient", "kernel", "encoder", "attention", "embedding", "optimizer", "estimator", "manifold",
         "regularizer", "sampler", "tokenizer", "scheduler", "decoder", "ensemble", "projection", "memory")
TAGS = tuple(f"{a}-{b}" for a in ("optim", "vision", "nlp", "theory", "stats", "rl", "graphs", "audio", "math", "systems")
             for b in ("basics", "advanced", "tricks", "history"))  # 40 distinct tags
WORDS = ("the", "model", "learns", "a", "representation", "of", "data", "by", "minimising", "loss", "which",
         "depends", "on", "weights", "and", "their", "updates", "each", "step", "moves", "toward", "lower",
         "error", "while", "noise", "in", "samples", "keeps", "training", "from", "settling", "too", "early",
         "this", "is", "why", "careful", "tuning", "matters", "layers", "share", "signals", "through", "time",
         "as", "inputs", "flow", "forward", "gradients", "backward", "into", "parameters", "that", "change")
SITE_YML = """title: Benchmark Concepts
author: Bench Mark
tagline: A generated corpus for timing builds.
base_url: https://example.org/
"""


@dataclass(frozen=True)
class Concept:
    """One generated concept: its slug, title and front-matter values."""

    index: int
    slug: str
    title: str


def concepts(n: int) -> list[Concept]:
    """The concept names, stable for a given n."""
    out = []
    for i in range(n):
        adj, noun = ADJECTIVES[i % len(ADJECTIVES)], NOUNS[(i // len(ADJECTIVES)) % len(NOUNS)]
        out.append(Concept(i, f"{adj}-{noun}-{i:05d}", f"{adj.capitalize()} {noun} {i:05d}"))
    return out


def generate(root: Path, n: int, seed: int = 7) -> Path:
    """Write a project (content/, templates/, static/) of n concepts into root, unless it is there already."""
    stamp = f"{VERSION} {n} {seed}"
    if (root / STAMP).exists() and (root / STAMP).read_text() == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    content = root / "content"
    (content / "concepts").mkdir(parents=True)
    (content / "writeups").mkdir()
    rng = random.Random(seed)
    names = concepts(n)
    for concept in names:
        path = content / "concepts" / f"{concept.slug}.md"
        path.write_text(concept_page(concept, names, rng), encoding="utf-8")
    (content / "site.yml").write_text(SITE_YML, encoding="utf-8")
    (content / "about.md").write_text("---\ntitle: About\n---\nA generated site for benchmarks.\n", encoding="utf-8")
    (content / "writeups" / "overview.md").write_text(writeup(names, rng), encoding="utf-8")
    copy_theme(root)
    (root / STAMP).write_text(stamp)
    return root


def copy_theme(root: Path) -> None:
    """A private copy of the bundled theme, so template edits never touch the repository."""
    shutil.copytree(BUNDLED / "templates", root / "templates")
    shutil.copytree(BUNDLED / "static", root / "static")
    for name in ("style.css", "theme.js", "site.js"):  # the templates ask for these three
        if not (root / "static" / name).exists():
            (root / "static" / name).write_text(f"/* {name} placeholder for benchmarks */\n")


def concept_page(concept: Concept, names: list[Concept], rng: random.Random) -> str:
    """Front-matter and a 400-700 word body for one concept."""
    others = [c for c in rng.sample(names, min(len(names), 6)) if c.index != concept.index]
    related = others[: rng.randint(3, 5)]
    earlier = names[: concept.index]
    prereqs = rng.sample(earlier, min(len(earlier), rng.randint(1, 2))) if earlier and rng.random() < 0.4 else []
    tags = rng.sample(TAGS, rng.randint(2, 4))
    date = f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lines = ["---", f"title: {concept.title}", f"summary: {sentence(rng, 12).rstrip('.')} in {concept.title}.",
             f"definition: {sentence(rng, 14)}", f"tags: [{', '.join(tags)}]", f"date: {date}",
             f"related: [{', '.join(c.slug for c in related)}]"]
    if prereqs:
        lines.append(f"prerequisites: [{', '.join(c.slug for c in prereqs)}]")
    lines.append("---")
    return "\n".join(lines) + "\n" + body(concept, names, rng)


def body(concept: Concept, names: list[Concept], rng: random.Random) -> str:
    """Headings, prose with links and wikilinks, a list, a code block, sometimes a table and math."""
    target = rng.randint(400, 700)
    parts, words = [], 0
    sections = ["Overview", "How it works", "In practice", "Pitfalls", "Further reading"]
    for number, heading in enumerate(sections):
        parts.append(f"## {heading}")
        for _ in range(2):
            text = paragraph(concept, names, rng, rng.randint(45, 70))
            words += len(text.split())
            parts.append(text)
        if number == 1:
            parts.append("\n".join(f"- {sentence(rng, 8)}" for _ in range(rng.randint(3, 5))))
            parts.append(code_block(concept, rng))
        if number == 2 and rng.random() < 0.3:
            parts.append(table(rng))
        if words >= target:
            break
    return "\n\n".join(parts) + "\n"


def paragraph(concept: Concept, names: list[Concept], rng: random.Random, size: int) -> str:
    """Prose with one wikilink or Markdown link to another concept, and sometimes inline math."""
    text = sentence(rng, size)
    other = names[rng.randrange(len(names))]
    if other.index == concept.index:
        return text
    roll = rng.random()
    if roll < 0.4:
        link = f"see [[{other.slug}]]"
    elif roll < 0.6:
        link = f"compare [[{other.title}|{other.title.lower()}]]"
    elif roll < 0.8:
        link = f"read [{other.title}](/concepts/{other.slug}/)"
    else:
        link = f"as in [the overview of {other.title}](/concepts/{other.slug}/#overview)"
    math = f" The update is $w_{{t+1}} = w_t - \\eta \\nabla L_{rng.randint(1, 9)}$." if rng.random() < 0.25 else ""
    return f"{text} In short, {link}.{math}"


def sentence(rng: random.Random, size: int) -> str:
    """size random words as a capitalised sentence."""
    words = [rng.choice(WORDS) for _ in range(size)]
    return " ".join(words).capitalize() + "."


def code_block(concept: Concept, rng: random.Random) -> str:
    """A small fenced Python example."""
    name = concept.slug.replace("-", "_")
    rate = rng.choice(("0.1", "0.01", "3e-4"))
    return (f"```python\ndef {name}(weights, grads, rate={rate}):\n"
            f"    \"\"\"One step of {concept.title}.\"\"\"\n"
            "    return [w - rate * g for w, g in zip(weights, grads)]\n\n"
            f"print({name}([1.0, 2.0], [0.5, -0.5]))\n```")


def table(rng: random.Random) -> str:
    """A small Markdown table of settings."""
    rows = "\n".join(f"| {rng.choice(NOUNS)} | {rng.randint(1, 512)} | {rng.choice(WORDS)} |" for _ in range(4))
    return "| setting | value | effect |\n|---|---:|---|\n" + rows


def writeup(names: list[Concept], rng: random.Random) -> str:
    """One writeup that links to a handful of concepts."""
    picks = rng.sample(names, min(len(names), 5))
    links = "\n".join(f"- [[{c.slug}]]" for c in picks)
    return f"---\ntitle: A tour of the corpus\ndate: 2025-01-01\n---\n{sentence(rng, 60)}\n\n## Start here\n\n{links}\n"
