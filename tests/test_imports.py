"""The import graph, read from the source (ast, nothing imported): every layer imports only the layers under it,
and production code never imports the sandbox.

Layers, lowest first: the core (``kho.core``: settings, warehouse, landing, loading, batches, windows, state), the
Vietnamese domain rules (``kho.domain``), quality (``expectations``: rules, GX runs, Data Docs, run summaries), the
sources (``connectors``: one folder each) and the application (the rest of ``kho``: pipeline, Assets, CLI, demo,
bench, reports; and ``dags``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("kho", "connectors", "expectations", "dags")
# the one production command whose job is to start the simulated systems: `kho demo`
RUNS_THE_SANDBOXES = {"kho/demo.py"}
LAYERS = ("kho.core", "kho.domain", "expectations", "connectors", "application")


def layer_of(module: str) -> int | None:
    """The rank of the layer ``module`` belongs to (None: not Kho's, e.g. a library or the sandbox)."""
    for rank, prefix in enumerate(LAYERS[:-1]):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    if module.split(".")[0] in ("kho", "dags"):
        return len(LAYERS) - 1
    return None


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} if node.module != "kho" else {f"kho.{a.name}" for a in node.names}
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]


def upward_imports(paths: list[Path]) -> dict[str, list[str]]:
    """Per module, what it imports from a layer above its own."""
    found = {}
    for path in paths:
        own = layer_of(_module_name(path))
        up = sorted(n for n in _imports(path) if (rank := layer_of(n)) is not None and rank > own)
        if up:
            found[str(path.relative_to(ROOT))] = up
    return found


def test_production_code_never_imports_the_sandbox():
    found = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.split(".")[0] == "sandbox")
             for p in _modules(*PRODUCTION)}
    found = {k: v for k, v in found.items() if v and k not in RUNS_THE_SANDBOXES}
    assert not found, found


def test_every_layer_imports_only_the_layers_under_it():
    assert upward_imports(_modules(*PRODUCTION)) == {}


@pytest.mark.parametrize(("module", "imports", "upward"), [
    ("kho/core/x.py", "kho.domain.units", True),
    ("kho/core/x.py", "kho.core.settings", False),
    ("kho/domain/x.py", "expectations.validation", True),
    ("expectations/x.py", "connectors.onestop.schema", True),
    ("connectors/x/y.py", "kho.pipeline", True),
    ("connectors/x/y.py", "kho.domain.units", False),
    ("kho/pipeline.py", "connectors.onestop.streams", False),
])
def test_the_check_sees_an_upward_import(tmp_path, monkeypatch, module, imports, upward):
    """The check itself: a planted module importing upward is reported, one importing downward is not."""
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path, raising=False)
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(f"import {imports}\n", encoding="utf-8")
    globals()["ROOT"], saved = tmp_path, ROOT
    try:
        assert bool(upward_imports([path])) is upward
    finally:
        globals()["ROOT"] = saved
