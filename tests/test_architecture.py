"""The layer rules of docs/architecture.md, enforced: data flows one way, and no import cycle exists.

Every ``import`` and ``from ... import`` in ``analysis/`` (at module level or inside a function) is read with
``ast``; each module belongs to a layer, and a module may import only its own layer or lower ones. Module-level
imports between project modules must form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"

#: Layers in the order data flows; a module may import its own layer or any lower one.
LAYERS = [
    ("core", ["analysis.core"]),
    ("stats", ["analysis.stats"]),
    ("figures", ["analysis.figures"]),
    ("spec", ["analysis.spec"]),
    ("generate", ["analysis.generate"]),
    ("datasets", ["analysis.datasets"]),
    ("checks", ["analysis.checks"]),
    ("claims", ["analysis.claims"]),
    ("validation", ["analysis.validation"]),
    ("report", ["analysis.report"]),
    ("app", ["analysis.cli", "analysis.cli_options", "analysis.cli_data", "analysis.cli_power", "analysis.cli_validate",
             "analysis.notebooks",
             "analysis.__main__", "analysis"]),
]
#: Layers that must import nothing of the project but ``core`` (leaves).
LEAVES = {"stats", "figures"}


def layer_of(module: str) -> int:
    best = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (rank, len(prefix))
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")
    return best[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path, top_level_only: bool = False) -> set[str]:
    """Project modules that ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "analysis"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "analysis":
                continue
            for alias in node.names:  # "from analysis import stats" imports the module analysis.stats
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_imports_only_its_own_layer_or_lower_ones():
    broken = []
    for path in _modules():
        here = module_name(path)
        for target in project_imports(path):
            if layer_of(target) > layer_of(here):
                broken.append(f"{here} ({LAYERS[layer_of(here)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    assert not broken, "layer rules broken:\n" + "\n".join(sorted(broken))


def test_leaf_layers_import_nothing_of_the_project_but_core():
    broken = []
    for path in _modules():
        here = module_name(path)
        if LAYERS[layer_of(here)][0] not in LEAVES:
            continue
        for target in project_imports(path):
            if layer_of(target) not in (0, layer_of(here)):
                broken.append(f"{here} imports {target}")
    assert not broken, "\n".join(broken)


def test_no_import_cycle_between_modules():
    graph = {module_name(p): {t for t in project_imports(p, top_level_only=True) if t != module_name(p)}
             for p in _modules()}
    # a package imports its own submodules in __init__; that edge is not a cycle of the data flow
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue  # package -> its own submodule
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt in graph and state.get(nxt) is None:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if state.get(module) is None:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_catches_a_broken_rule(tmp_path):
    """The rules are not vacuous: a stats module importing the claims layer is caught."""
    assert layer_of("analysis.stats.groups") < layer_of("analysis.claims.engine")
    fake = PACKAGE / "stats" / "groups.py"
    imports = project_imports(fake)
    assert all(layer_of(t) <= layer_of("analysis.stats.groups") for t in imports)
    bad = tmp_path / "bad.py"
    bad.write_text("from analysis.claims.engine import run_claim\n")
    tree_imports = {n.module for n in ast.walk(ast.parse(bad.read_text())) if isinstance(n, ast.ImportFrom)}
    assert any(layer_of(t) > layer_of("analysis.stats.groups") for t in tree_imports)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_about_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 420, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by responsibility"


def test_no_claim_specific_level_names_in_the_package():
    """Factor levels of a claim (here the nerve-root supplies of claim 2) come from claim files, never the code."""
    offenders = [str(p.relative_to(PACKAGE)) for p in _modules() + sorted(PACKAGE.rglob("*.j2"))
                 if any(s in p.read_text(encoding="utf-8") for s in ("L5S1", "L2L4"))]
    assert not offenders, offenders
