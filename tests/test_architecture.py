"""The layer rules of docs/architecture.md, enforced: data flows one way, and no import cycle exists.

Every import in ``analysis/`` is read with ``ast``: ``import`` and ``from ... import`` at module level, inside
``try``/``if`` (``TYPE_CHECKING`` included) and inside functions, and ``importlib.import_module`` /
``__import__`` with a literal name. Each module belongs to a layer, and a module may import only its own layer or
lower ones (``stats`` and ``figures``: only ``core``). The imports between modules, type-only and function-level ones
included, form no cycle. The checker's self-test runs it on planted bad packages.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analysis"

#: Layers in the order data flows (rank, name, module prefixes), as in docs/architecture.md; a module may import its
#: own layer or a lower one. Layers of the same rank may not import each other.
LAYERS = [
    (0, "core", ["analysis.core"]),
    (1, "stats", ["analysis.stats"]),
    (1, "figures", ["analysis.figures"]),
    (2, "spec", ["analysis.spec"]),
    (3, "generate", ["analysis.generate"]),
    (4, "datasets", ["analysis.datasets"]),
    (5, "checks", ["analysis.checks"]),
    (6, "claims", ["analysis.claims"]),
    (7, "validation", ["analysis.validation"]),
    (8, "report", ["analysis.report"]),
    (9, "app", ["analysis.cli", "analysis.cli_options", "analysis.cli_data", "analysis.cli_power", "analysis.cli_validate",
                "analysis.notebooks",
                "analysis.__main__", "analysis"]),
]
#: Layers that must import nothing of the project but ``core`` (leaves).
LEAVES = {"stats", "figures"}

#: Cycles that exist today and are being removed, each with the issue that removes it. Nothing else may cycle.
#: (Empty since #28 item 1 closed the last one: the kinds name what they read of their own run as
#: ``kinds.base.RunView``, a protocol, and the summary-of-findings rows live in claims/results.py with the other
#: typed results, so neither the kinds nor claims/outcomes.py is imported back by what they feed.)
KNOWN_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Import:
    """One import of a project module: who imports what, where, and how (``top level``, ``in try``, ``in if``,
    ``type-only``, ``in function``, ``importlib``)."""

    source: str
    target: str
    line: int
    how: str


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str, root: Path) -> bool:
    path = root / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _dynamic_name(call: ast.Call) -> str | None:
    """The literal module name of ``importlib.import_module("x")``, ``import_module("x")`` or ``__import__("x")``."""
    func = call.func
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("import_module", "__import__"))
    if named and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def imports_of(path: Path, root: Path = ROOT, project: str = "analysis") -> list[Import]:
    """Every import of a ``project`` module in ``path``, wherever it stands (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[Import] = []

    def add(target: str, line: int, how: str) -> None:
        if target.split(".")[0] == project:
            found.append(Import(here, target, line, how))

    def resolve(module: str | None, level: int) -> str:
        if not level:
            return module or ""
        base = package.split(".")
        base = base[: len(base) - level + 1]
        return ".".join(base + ([module] if module else []))

    def visit(node: ast.AST, how: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno, how)
        elif isinstance(node, ast.ImportFrom):
            target = resolve(node.module, node.level)
            for alias in node.names:  # "from analysis import stats" imports the module analysis.stats
                candidate = f"{target}.{alias.name}"
                add(candidate if _is_module(candidate, root) else target, node.lineno, how)
        elif isinstance(node, ast.Call) and _dynamic_name(node) is not None:
            add(_dynamic_name(node), node.lineno, "importlib")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            how = "in function"
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, "type-only")
            for child in node.orelse:
                visit(child, how)
            return
        elif isinstance(node, (ast.Try, ast.If)) and how == "top level":
            how = "in try" if isinstance(node, ast.Try) else "in if"
        for child in ast.iter_child_nodes(node):
            visit(child, how)

    for statement in tree.body:
        visit(statement, "top level")
    return found


def import_graph(root: Path = ROOT, project: str = "analysis") -> dict[str, list[Import]]:
    """Module -> its imports of other project modules, for every module under ``root/project``."""
    return {module_name(p, root): [i for i in imports_of(p, root, project) if i.target != module_name(p, root)]
            for p in sorted((root / project).rglob("*.py"))}


def cycles(graph: dict[str, list[Import]]) -> list[frozenset[str]]:
    """The import cycles of ``graph``: each strongly connected set of two or more modules (Tarjan's algorithm).

    A package's ``__init__`` counts as a module like any other: ``from analysis.claims.kinds import EvidenceKind``
    imports the package, which imports its submodules, so a submodule importing the package back is a cycle.
    """
    edges = {m: sorted({i.target for i in imports if i.target in graph}) for m, imports in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return out


def layer_of(module: str) -> tuple[int, str]:
    """The (rank, name) of the layer ``module`` belongs to (its longest matching prefix)."""
    best = None
    for rank, name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[2]):
                best = (rank, name, len(prefix))
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")
    return best[0], best[1]


def layer_breaks(graph: dict[str, list[Import]]) -> list[str]:
    """Every import of a higher layer, of a same-rank other layer, or (from a leaf) of anything but ``core``."""
    broken = []
    for module, imports in graph.items():
        rank, name = layer_of(module)
        for i in imports:
            their_rank, theirs = layer_of(i.target)
            upward = their_rank > rank or (their_rank == rank and theirs != name)
            leaf = name in LEAVES and theirs not in ("core", name)
            if upward or leaf:
                broken.append(f"{module} ({name}) imports {i.target} ({theirs}) at line {i.line} ({i.how})")
    return sorted(broken)


def _cycle_text(cycle: frozenset[str], graph: dict[str, list[Import]]) -> str:
    edges = [f"{i.source} -> {i.target} (line {i.line}, {i.how})" for m in sorted(cycle) for i in graph[m]
             if i.target in cycle]
    return "; ".join(dict.fromkeys(edges))


GRAPH = import_graph()


def test_every_module_imports_only_its_own_layer_or_lower_ones():
    broken = layer_breaks(GRAPH)
    assert not broken, "layer rules broken:\n" + "\n".join(broken)


def test_no_import_cycle_between_modules():
    """Type-only, function-level and importlib imports count: a cycle hidden from Python is still a design loop."""
    found = cycles(GRAPH)
    new = [c for c in found if c not in KNOWN_CYCLES]
    assert not new, "import cycles:\n" + "\n".join(_cycle_text(c, GRAPH) for c in new)
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"KNOWN_CYCLES lists cycles that are gone (or changed); update it: {gone}"


def test_the_layers_are_the_ones_docs_architecture_lists():
    rows = re.findall(r"^\| (\d+) \| (\w+) \| `analysis/", (ROOT / "docs" / "architecture.md").read_text(), re.M)
    assert [(int(rank), name) for rank, name in rows] == [(rank, name) for rank, name, _ in LAYERS]


def _plant(root: Path, files: dict[str, str]) -> dict[str, list[Import]]:
    """A package ``analysis`` under ``root`` with ``files`` (path -> source), and its import graph."""
    for rel, text in {"analysis/__init__.py": "", "analysis/core/__init__.py": "",
                      "analysis/stats/__init__.py": "", "analysis/claims/__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return import_graph(root)


PLANTED_CYCLES = {
    "try": {"analysis/core/a.py": "try:\n    from analysis.core import b\nexcept ImportError:\n    b = None\n",
            "analysis/core/b.py": "import analysis.core.a\n"},
    "TYPE_CHECKING": {"analysis/core/a.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                                            "    from analysis.core.b import B\n",
                      "analysis/core/b.py": "from .a import A\n"},
    "function": {"analysis/core/a.py": "def f():\n    from analysis.core.b import g\n    return g()\n",
                 "analysis/core/b.py": "from analysis.core import a\n"},
    "importlib": {"analysis/core/a.py": "import importlib\n\nb = importlib.import_module('analysis.core.b')\n",
                  "analysis/core/b.py": "from analysis.core.a import b\n"},
    "method in a class under if": {
        "analysis/core/a.py": "import sys\n\nif sys.platform:\n    class C:\n        def m(self):\n"
                              "            import analysis.core.b\n",
        "analysis/core/b.py": "from analysis.core.a import C\n"},
}


@pytest.mark.parametrize("where", sorted(PLANTED_CYCLES))
def test_the_checker_finds_a_planted_cycle(where, tmp_path):
    graph = _plant(tmp_path, PLANTED_CYCLES[where])
    assert cycles(graph) == [frozenset({"analysis.core.a", "analysis.core.b"})]


def test_the_checker_finds_a_planted_upward_import(tmp_path):
    graph = _plant(tmp_path, {"analysis/claims/engine.py": "def run_claim():\n    pass\n",
                              "analysis/stats/bad.py": "def f():\n    from analysis.claims.engine import run_claim\n"})
    assert layer_breaks(graph) == ["analysis.stats.bad (stats) imports analysis.claims.engine (claims) at line 2 "
                                   "(in function)"]
    assert cycles(graph) == []


def test_the_checker_passes_a_clean_planted_package(tmp_path):
    graph = _plant(tmp_path, {"analysis/core/a.py": "import json\n", "analysis/stats/s.py": "from analysis.core import a\n",
                              "analysis/claims/c.py": "from analysis.stats import s\nfrom analysis.core.a import json\n"})
    assert cycles(graph) == [] and layer_breaks(graph) == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_about_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 420, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by responsibility"


def test_no_claim_specific_level_names_in_the_package():
    """Factor levels of a claim (here the nerve-root supplies of claim 2) come from claim files, never the code."""
    offenders = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob("*.j2"))
                 if any(s in p.read_text(encoding="utf-8") for s in ("L5S1", "L2L4"))]
    assert not offenders, offenders


#: Words of the project's domain (a study's variables, a claim's subject). The leaf ``stats`` layer is generic: a
#: domain model (a simulated cohort, a rate table's columns) lives in a layer above it and passes its variables in.
#: Statistical words that are also domain words (a Poisson model's ``exposure``, a Bayesian ``prior``) are not listed.
DOMAIN_WORDS = {"age", "ages", "athlete", "athletes", "flexibility", "hamstring", "hamstrings", "injured", "injuries",
                "injury", "lordosis", "muscle", "muscles", "nerve", "pain", "pelvic", "pelvis", "player", "players",
                "recurrence", "recurred", "strain", "strains", "stretching"}
#: Layers whose code must not use them: the leaves.
GENERIC_LAYERS = sorted(LEAVES)
#: The project's own name (an SVG hash salt, say) is not a domain word.
PROJECT_NAME = "hamstring-evidence"


def _words(text: str) -> set[str]:
    """The lower-case words of an identifier or a string: ``log_or_age`` -> log, or, age; ``AgeStep`` -> age, step."""
    return {w.lower() for w in re.findall(r"[A-Za-z][a-z]*", re.sub(r"([a-z])([A-Z])", r"\1 \2", text))}


def domain_words_in(path: Path, words: set[str] = DOMAIN_WORDS) -> list[str]:
    """Each use of a domain word in ``path``'s code: names (functions, classes, arguments, variables, attributes,
    keywords, import aliases) and string literals. Docstrings and comments may cite a study as an example."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            text = node.name
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, (ast.Attribute, ast.arg, ast.keyword, ast.alias)):
            text = {ast.Attribute: "attr", ast.arg: "arg", ast.keyword: "arg"}.get(type(node))
            text = getattr(node, text) if text else (node.asname or node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
        else:
            continue
        for word in sorted(_words((text or "").replace(PROJECT_NAME, "")) & words):
            found.append(f"{path.name}:{getattr(node, 'lineno', '?')}: {word!r} in {text[:60]!r}")
    return sorted(found)


@pytest.mark.parametrize("layer", GENERIC_LAYERS)
def test_no_domain_words_in_the_generic_layers(layer):
    """#28: the recurrence simulator (age, previous injury) lived in ``stats/batched.py``; it is in
    ``generate/recurrence.py`` now, and ``stats`` fits and tests whatever it is given. The rate figure read
    ``muscle``, ``injuries``, ``exposure`` and ``age_step``; its columns are arguments now, named by the claim."""
    (prefix,) = next(prefixes for _, name, prefixes in LAYERS if name == layer)
    folder = ROOT / Path(*prefix.split("."))
    offenders = [hit for path in sorted(folder.rglob("*.py")) for hit in domain_words_in(path)]
    assert not offenders, f"domain words in {layer}/ (move the domain model up a layer):\n" + "\n".join(offenders)


def test_the_domain_word_check_finds_planted_words(tmp_path):
    planted = tmp_path / "bad.py"
    planted.write_text('"""A docstring may say injury."""\n\n\ndef simulate(n, log_or_age, **kw):\n'
                       '    """Recurrence cohorts, say the docs."""\n    table = {"Muscle": n}  # a comment: hamstring\n'
                       '    return table, kw.get("priorInjury"), sorted(kw, key=abs)\n')
    assert domain_words_in(planted) == ["bad.py:4: 'age' in 'log_or_age'", "bad.py:6: 'muscle' in 'Muscle'",
                                        "bad.py:7: 'injury' in 'priorInjury'"]
    clean = tmp_path / "clean.py"
    clean.write_text('"""Injury counts, as an example."""\n\nRC = {"svg.hashsalt": "hamstring-evidence"}\n\n\n'
                     'def rate(count, exposure, average, prior_scale):\n'
                     '    return count / exposure, f"mean {average}", prior_scale\n')
    assert domain_words_in(clean) == []
