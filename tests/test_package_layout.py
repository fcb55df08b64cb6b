"""The package layout rules, read from the source with ast: root size, module length, names, import cycles,
layering between packages, and library internals only in markdown/speedups/.

Each rule is a plain function taking a repository root (holding conceptsite/ and tests/) and returning a list
of problems, one string each, naming the file (and line) and the rule; the real package must have none, and a
tiny synthetic tree that breaks the rule shows that each check can fail."""
from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "conceptsite"

MAX_ROOT_MODULES = 6
MIN_SUBPACKAGES = 5
MAX_LINES = 300
BANNED_NAMES = {"lane", "quick", "shelf", "fresh", "heap", "cardswap", "patch", "passtuning", "mdtuning", "lextuning"}

# Lowest first; a unit may import from itself, from its own layer and from the layers below it only.
# A unit is a subpackage or a root module; "__init__" is conceptsite/__init__.py itself.
LAYERS = [
    {"__init__", "diagnostics", "urls", "store", "parallel"},
    {"source"},
    {"markdown"},
    {"graph"},
    {"render"},
    {"incremental"},
    {"build"},
    {"serve"},
    {"cli"},
]

LIBRARIES = {"markdown", "pygments", "jinja2", "yaml", "watchdog", "latex2mathml"}
INTERNALS_ALLOWED_UNDER = (PACKAGE, "markdown", "speedups")


# --- reading the source ---------------------------------------------------------------------------------------

def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    """Every module under conceptsite/, by dotted name (a package by its __init__.py)."""
    return {_module_name(root, path): path for path in _python_files(root / PACKAGE)}


@dataclass(frozen=True)
class _Found:
    node: ast.Import | ast.ImportFrom
    lazy: bool  # inside a function: runs when the function does
    type_checking: bool  # under `if TYPE_CHECKING:`: never runs


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, lazy: bool = False, type_checking: bool = False) -> list[_Found]:
    """Every import statement anywhere in the tree: module level, in classes, in functions, under any `if`."""
    found = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            found.append(_Found(child, lazy, type_checking))
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            found += _imports(child, True, type_checking)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                found += _imports(ast.Module(body=[statement], type_ignores=[]), lazy, True)
            for statement in child.orelse:
                found += _imports(ast.Module(body=[statement], type_ignores=[]), lazy, type_checking)
        else:
            found += _imports(child, lazy, type_checking)
    return found


def _parse(root: Path, path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=_rel(root, path))


@dataclass(frozen=True)
class _Edge:
    source: str  # importing module
    target: str  # imported conceptsite module (the nearest existing one)
    named: str  # the module as the import names it
    file: str
    line: int
    lazy: bool
    type_checking: bool

    def where(self) -> str:
        how = " (inside a function)" if self.lazy else ""
        how += " (under TYPE_CHECKING)" if self.type_checking else ""
        return f"{self.file}:{self.line} imports {self.target}{how}"


def _existing(dotted: str, modules: dict[str, Path]) -> str | None:
    """The module itself if it exists, else the longest existing package that holds it."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in modules:
            return ".".join(parts[:n])
    return None


def _from_base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _edges(root: Path) -> list[_Edge]:
    """Every import of a conceptsite module by a conceptsite module; `from pkg import mod` reaches pkg.mod."""
    modules = _modules(root)
    edges = []
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for found in _imports(_parse(root, path)):
            node = found.node
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = _from_base(module, is_package, node)
                wanted = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                          for alias in node.names]
            for dotted in dict.fromkeys(wanted):  # one edge per imported module, however many names
                if dotted.split(".")[0] != PACKAGE:
                    continue
                target = _existing(dotted, modules) or dotted
                if target != module:
                    edges.append(_Edge(module, target, dotted, _rel(root, path), node.lineno, found.lazy,
                                       found.type_checking))
    return edges


# --- the checks ---------------------------------------------------------------------------------------------

def root_shape_problems(root: Path) -> list[str]:
    """At most MAX_ROOT_MODULES .py files directly in conceptsite/, at least MIN_SUBPACKAGES subpackages."""
    package = root / PACKAGE
    modules = sorted(p.name for p in package.glob("*.py"))
    subpackages = sorted(p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file())
    problems = []
    if len(modules) > MAX_ROOT_MODULES:
        problems.append(f"{PACKAGE}/: {len(modules)} modules directly in the package root, at most "
                        f"{MAX_ROOT_MODULES} allowed: {', '.join(modules)}")
    if len(subpackages) < MIN_SUBPACKAGES:
        problems.append(f"{PACKAGE}/: {len(subpackages)} subpackages (folders with __init__.py), at least "
                        f"{MIN_SUBPACKAGES} required: {', '.join(subpackages) or 'none'}")
    return problems


def long_module_problems(root: Path) -> list[str]:
    """Every module under conceptsite/ longer than MAX_LINES lines."""
    problems = []
    for path in _python_files(root / PACKAGE):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{_rel(root, path)}: {lines} lines, at most {MAX_LINES} allowed")
    return problems


def banned_name_problems(root: Path) -> list[str]:
    """Modules, packages and import aliases under conceptsite/ and tests/ named with a banned name."""
    problems = []
    for folder in (root / PACKAGE, root / "tests"):
        if not folder.is_dir():
            continue
        packages = sorted(p.parent for p in folder.rglob("__init__.py") if "__pycache__" not in p.parts)
        for package in packages:
            if package.name in BANNED_NAMES:
                problems.append(f"{_rel(root, package)}/: package name {package.name!r} is banned")
        for path in _python_files(folder):
            stem = path.stem.removeprefix("test_") if folder.name == "tests" else path.stem
            if stem in BANNED_NAMES:
                problems.append(f"{_rel(root, path)}: module name {stem!r} is banned")
            for node in ast.walk(_parse(root, path)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        if alias.asname in BANNED_NAMES:
                            problems.append(f"{_rel(root, path)}:{node.lineno}: import alias "
                                            f"'{alias.name} as {alias.asname}' uses the banned name "
                                            f"{alias.asname!r}")
    return problems


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle(start: str, graph: dict[str, set[str]], within: set[str]) -> list[str]:
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for after in sorted(graph.get(node, ())):
            if after not in within:
                continue
            if after == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return list(reversed(path)) + [start]
            if after not in came_from:
                came_from[after] = node
                queue.append(after)
    return []


def import_cycle_problems(root: Path) -> list[str]:
    """Every import cycle between conceptsite modules, counting imports inside functions; not those under
    TYPE_CHECKING, which never run (they name a type for annotations only)."""
    edges = [edge for edge in _edges(root) if not edge.type_checking]
    graph: dict[str, set[str]] = {}
    first: dict[tuple[str, str], _Edge] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        first.setdefault((edge.source, edge.target), edge)
    problems = []
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue
        seen = set()
        for start in component:
            cycle = _shortest_cycle(start, graph, set(component))
            ring = cycle[:-1]
            turn = ring.index(min(ring))
            key = tuple(ring[turn:] + ring[:turn])
            if key in seen:
                continue
            seen.add(key)
            cycle = list(key) + [key[0]]
            how = "; ".join(first[(a, b)].where() for a, b in zip(cycle, cycle[1:]))
            problems.append(f"import cycle {cycle}: {how}")
    return problems


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit: str) -> int | None:
    for rank, units in enumerate(LAYERS):
        if unit in units:
            return rank
    return None


def layering_problems(root: Path) -> list[str]:
    """Every import from one conceptsite package into another not below it; TYPE_CHECKING imports excepted."""
    problems = []
    placeless = sorted({_unit(module) for module in _modules(root) if _layer(_unit(module)) is None})
    for unit in placeless:
        where = f"{PACKAGE}/{unit}.py" if (root / PACKAGE / f"{unit}.py").is_file() else f"{PACKAGE}/{unit}/"
        problems.append(f"{where}: {unit} is in no layer of LAYERS; every package and root module must have one")
    for edge in _edges(root):
        if edge.type_checking:
            continue
        source, target = _unit(edge.source), _unit(edge.target)
        below, above = _layer(source), _layer(target)
        if source == target or below is None or above is None or above <= below:
            continue
        problems.append(f"{edge.file}:{edge.line}: {source} imports {edge.named}"
                        f"{' (inside a function)' if edge.lazy else ''}, but {target} is above {source} "
                        f"in the layering")
    return problems


def library_internals_problems(root: Path) -> list[str]:
    """Imports of private names or modules of the wrapped libraries outside conceptsite/markdown/speedups/."""
    problems = []
    allowed = root.joinpath(*INTERNALS_ALLOWED_UNDER)
    for path in _python_files(root / PACKAGE):
        if allowed in path.parents:
            continue
        for found in _imports(_parse(root, path)):
            node = found.node
            if isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    continue
                dotted = [node.module]
                names = [alias.name for alias in node.names]
            else:
                dotted = [alias.name for alias in node.names]
                names = []
            for module in dotted:
                if module.split(".")[0] not in LIBRARIES:
                    continue
                private = [part for part in module.split(".") if part.startswith("_")]
                if private:
                    problems.append(f"{_rel(root, path)}:{node.lineno}: imports {module}, whose {private[0]!r} "
                                    f"is a library internal: only {'/'.join(INTERNALS_ALLOWED_UNDER)}/ may")
                for name in names:
                    if name.startswith("_"):
                        problems.append(f"{_rel(root, path)}:{node.lineno}: imports the private name {name!r} "
                                        f"from {module}: only {'/'.join(INTERNALS_ALLOWED_UNDER)}/ may")
    return problems


# --- the real package ---------------------------------------------------------------------------------------

def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


LAYERING = " < ".join("/".join(sorted(units)) for units in LAYERS)


def test_root_shape():
    """conceptsite/ holds at most six root modules and at least five subpackages."""
    problems = root_shape_problems(ROOT)
    assert problems == [], _report(problems)


def test_no_long_modules():
    """No module under conceptsite/ is over 300 lines."""
    problems = long_module_problems(ROOT)
    assert problems == [], _report(problems)


def test_no_banned_names():
    """No module, test module or import alias under conceptsite/ or tests/ carries a banned name."""
    problems = banned_name_problems(ROOT)
    assert problems == [], _report(problems)


def test_no_import_cycles():
    """No import cycle between conceptsite modules, lazy imports included."""
    problems = import_cycle_problems(ROOT)
    assert problems == [], _report(problems)


def test_layering():
    """Every import between conceptsite packages goes down the layering, imports in functions included."""
    problems = layering_problems(ROOT)
    assert problems == [], f"layering, lowest first: {LAYERING}\n" + _report(problems)


def test_library_internals_only_in_speedups():
    """Only conceptsite/markdown/speedups/ imports private names or modules of the wrapped libraries."""
    problems = library_internals_problems(ROOT)
    assert problems == [], _report(problems)


# --- each check can fail ------------------------------------------------------------------------------------

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _package(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A minimal tree that keeps every rule, plus `extra` files."""
    files = {f"{PACKAGE}/__init__.py": '"""root"""\n', f"{PACKAGE}/diagnostics.py": "", f"{PACKAGE}/urls.py": "",
             "tests/test_urls.py": "from conceptsite import urls\n"}
    for name in ("source", "markdown", "graph", "render", "build"):
        files[f"{PACKAGE}/{name}/__init__.py"] = ""
    return _tree(root, {**files, **(extra or {})})


def test_minimal_tree_passes_every_check(tmp_path):
    """The synthetic base tree keeps every rule, so the failures below come from what each test adds."""
    root = _package(tmp_path)
    assert [check(root) for check in (root_shape_problems, long_module_problems, banned_name_problems,
                                      import_cycle_problems, layering_problems, library_internals_problems)] == [[]] * 6


def test_root_shape_catches_too_many_root_modules(tmp_path):
    """Seven root modules are reported."""
    root = _package(tmp_path, {f"{PACKAGE}/{n}.py": "" for n in ("cli", "a", "b", "c")})
    assert root_shape_problems(root) == [
        f"{PACKAGE}/: 7 modules directly in the package root, at most 6 allowed: "
        "__init__.py, a.py, b.py, c.py, cli.py, diagnostics.py, urls.py"]


def test_root_shape_catches_too_few_subpackages(tmp_path):
    """Four subpackages are reported; a folder without __init__.py is no subpackage."""
    root = _package(tmp_path)
    (root / PACKAGE / "build" / "__init__.py").unlink()
    assert root_shape_problems(root) == [
        f"{PACKAGE}/: 4 subpackages (folders with __init__.py), at least 5 required: graph, markdown, render, source"]


def test_long_modules_catches_301_lines(tmp_path):
    """A 301-line module is reported, a 300-line one is not."""
    root = _package(tmp_path, {f"{PACKAGE}/graph/ok.py": "x = 1\n" * 300, f"{PACKAGE}/graph/big.py": "x = 1\n" * 301})
    assert long_module_problems(root) == [f"{PACKAGE}/graph/big.py: 301 lines, at most 300 allowed"]


def test_banned_names_catches_modules_tests_and_aliases(tmp_path):
    """A banned module, test module, package and import alias are each reported with file and line."""
    root = _package(tmp_path, {
        f"{PACKAGE}/build/heap.py": "",
        f"{PACKAGE}/shelf/__init__.py": "",
        "tests/test_quick.py": "",
        "tests/test_other.py": "import os\nfrom conceptsite.build import memory as lextuning\n",
        f"{PACKAGE}/build/ok.py": "def f():\n    import json as fresh\n"})
    assert sorted(banned_name_problems(root)) == sorted([
        f"{PACKAGE}/build/heap.py: module name 'heap' is banned",
        f"{PACKAGE}/shelf/: package name 'shelf' is banned",
        f"{PACKAGE}/build/ok.py:2: import alias 'json as fresh' uses the banned name 'fresh'",
        "tests/test_quick.py: module name 'quick' is banned",
        "tests/test_other.py:2: import alias 'memory as lextuning' uses the banned name 'lextuning'"])


def test_import_cycles_catches_a_lazy_import_cycle(tmp_path):
    """A cycle closed by an import inside a function is reported as its list of modules, with file and line."""
    root = _package(tmp_path, {
        f"{PACKAGE}/markdown/convert.py": "def f():\n    from conceptsite.render import search\n",
        f"{PACKAGE}/render/search.py": "from conceptsite.markdown.convert import Body\n"})
    assert import_cycle_problems(root) == [
        "import cycle ['conceptsite.markdown.convert', 'conceptsite.render.search', 'conceptsite.markdown.convert']: "
        f"{PACKAGE}/markdown/convert.py:2 imports conceptsite.render.search (inside a function); "
        f"{PACKAGE}/render/search.py:1 imports conceptsite.markdown.convert"]


def test_import_cycles_catches_relative_imports_and_not_type_checking_ones(tmp_path):
    """A three-module cycle through a relative import is reported; one closed only under TYPE_CHECKING is not."""
    root = _package(tmp_path, {
        f"{PACKAGE}/graph/a.py": "from . import b\n",
        f"{PACKAGE}/graph/b.py": "import conceptsite.graph.c\n",
        f"{PACKAGE}/graph/c.py": "from .a import X\n"})
    assert import_cycle_problems(root) == [
        "import cycle ['conceptsite.graph.a', 'conceptsite.graph.b', 'conceptsite.graph.c', 'conceptsite.graph.a']: "
        f"{PACKAGE}/graph/a.py:1 imports conceptsite.graph.b; {PACKAGE}/graph/b.py:1 imports conceptsite.graph.c; "
        f"{PACKAGE}/graph/c.py:1 imports conceptsite.graph.a"]
    (root / PACKAGE / "graph" / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import X\n")
    assert import_cycle_problems(root) == []


def test_import_cycles_resolve_names_from_a_package_init(tmp_path):
    """`from pkg import name` reaches pkg's __init__ when name is no submodule, and so closes a cycle."""
    root = _package(tmp_path, {
        f"{PACKAGE}/render/__init__.py": "from conceptsite.render.pages import Page\n",
        f"{PACKAGE}/render/pages.py": "from conceptsite.render import THEME\n"})
    assert import_cycle_problems(root) == [
        "import cycle ['conceptsite.render', 'conceptsite.render.pages', 'conceptsite.render']: "
        f"{PACKAGE}/render/__init__.py:1 imports conceptsite.render.pages; "
        f"{PACKAGE}/render/pages.py:1 imports conceptsite.render"]


def test_layering_catches_upward_imports(tmp_path):
    """Upward imports, lazy ones included, are reported; downward, same-package and TYPE_CHECKING ones are not."""
    root = _package(tmp_path, {
        f"{PACKAGE}/markdown/convert.py": (
            "from __future__ import annotations\nimport json\nfrom typing import TYPE_CHECKING\n"
            "from conceptsite import urls\nfrom conceptsite.source import page\nfrom conceptsite.markdown import x\n"
            "if TYPE_CHECKING:\n    from conceptsite.render import search\n"
            "def f():\n    from conceptsite.graph.model import Graph\n"),
        f"{PACKAGE}/build/output.py": "",
        f"{PACKAGE}/source/page.py": "from conceptsite.build.output import Output, write\n",
        f"{PACKAGE}/urls.py": "import conceptsite.diagnostics\n"})
    assert layering_problems(root) == [
        f"{PACKAGE}/markdown/convert.py:10: markdown imports conceptsite.graph.model (inside a function), but graph is "
        "above markdown in the layering",
        f"{PACKAGE}/source/page.py:1: source imports conceptsite.build.output, but build is above source in the "
        "layering"]


def test_layering_catches_a_unit_in_no_layer(tmp_path):
    """A root module or package that the layering does not place is reported."""
    root = _package(tmp_path, {f"{PACKAGE}/misc.py": "", f"{PACKAGE}/extras/__init__.py": ""})
    assert layering_problems(root) == [
        f"{PACKAGE}/extras/: extras is in no layer of LAYERS; every package and root module must have one",
        f"{PACKAGE}/misc.py: misc is in no layer of LAYERS; every package and root module must have one"]


def test_library_internals_catches_private_names_and_modules(tmp_path):
    """Private names and modules of the libraries are reported outside speedups/, lazy imports included."""
    root = _package(tmp_path, {
        f"{PACKAGE}/render/pages.py": "import jinja2._compat\nfrom jinja2 import Environment\nimport os._x\n",
        f"{PACKAGE}/markdown/convert.py": "def f():\n    from pygments.lexer import _PseudoMatch\n",
        f"{PACKAGE}/markdown/speedups/__init__.py": "from pygments.token import _TokenType\nimport yaml._yaml\n"})
    assert library_internals_problems(root) == [
        f"{PACKAGE}/markdown/convert.py:2: imports the private name '_PseudoMatch' from pygments.lexer: "
        f"only {PACKAGE}/markdown/speedups/ may",
        f"{PACKAGE}/render/pages.py:1: imports jinja2._compat, whose '_compat' is a library internal: "
        f"only {PACKAGE}/markdown/speedups/ may"]
