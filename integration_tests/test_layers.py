"""The Python package stays layered: a module imports only modules of its own
layer or of a layer below, and no chain of imports comes back to where it
started (function-level imports included: they are imports all the same).

Layers, lowest first (src/stedi, by job):
  foundation  errors, settings, lakehouse (the relations), s3 (the one S3 helper)
  services    stack/ (the local servers), athena/ (its pre-flight and queries)
  control     lock, then dbt_runner (every dbt call holds the lock)
  data        privacy/forgotten (the registry), landing/ (load, starter, synth)
  privacy     privacy/purge, privacy/forget (an erasure screens landing too)
  pipeline    pipeline/ (build, counts, report, scanned)
  commands    cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO_ROOT

SRC = REPO_ROOT / "src"

LAYERS = [
    ("stedi", "stedi.errors", "stedi.settings", "stedi.lakehouse", "stedi.s3"),
    ("stedi.stack", "stedi.athena"),
    ("stedi.lock", "stedi.dbt_runner"),
    ("stedi.privacy.forgotten", "stedi.landing"),
    ("stedi.privacy",),
    ("stedi.pipeline",),
    ("stedi.cli",),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.joinpath("stedi").rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """{module: the stedi modules it imports}; `from stedi.x import y` counts as
    importing stedi.x.y when that is a module, else stedi.x."""
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                            for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def layer(module: str) -> int:
    """The layer of the longest prefix naming the module (stedi.privacy.forgotten
    sits below the rest of stedi.privacy)."""
    best = max((prefix for row in LAYERS for prefix in row
                if module == prefix or module.startswith(prefix + ".")), key=len)
    return next(i for i, row in enumerate(LAYERS) if best in row)


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules on it, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.fixture(scope="module")
def graph():
    return import_graph(_modules())


def test_every_module_has_a_layer(graph):
    for module in graph:
        layer(module)   # raises when no row of LAYERS names it


def test_no_module_imports_one_above_it(graph):
    upward = sorted(f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
                    for m, targets in graph.items() for t in targets if layer(t) > layer(m))
    assert upward == [], "\n".join(upward)


def test_the_imports_have_no_cycle(graph):
    assert cycle(graph) is None, " -> ".join(cycle(graph))


def test_the_checks_see_an_upward_import_and_a_cycle():
    """The rules can fail: an import from below to above, and a loop, are found."""
    graph = {"stedi.s3": {"stedi.lock"}, "stedi.lock": {"stedi.s3"}}
    assert layer("stedi.lock") > layer("stedi.s3")
    assert cycle(graph) in (["stedi.lock", "stedi.s3", "stedi.lock"],
                            ["stedi.s3", "stedi.lock", "stedi.s3"])
    assert cycle({"stedi.s3": set(), "stedi.lock": {"stedi.s3"}}) is None
