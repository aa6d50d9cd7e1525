"""The import graph, read from the source (ast, nothing imported): production code never imports the sandbox, and
the sources never import the application layer above them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("kho", "connectors", "expectations", "dags")
# the one production command whose job is to start the simulated systems: `kho demo`
RUNS_THE_SANDBOXES = {"kho/demo.py"}
APPLICATION = ("kho.pipeline", "kho.cli", "kho.demo", "kho.bench", "kho.reports", "kho.assets", "kho.airflow_env",
               "kho.key_rotation", "dags")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _modules(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_production_code_never_imports_the_sandbox():
    found = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.split(".")[0] == "sandbox")
             for p in _modules(*PRODUCTION)}
    found = {k: v for k, v in found.items() if v and k not in RUNS_THE_SANDBOXES}
    assert not found, found


def test_sources_and_suites_never_import_the_application_layer():
    found = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.startswith(APPLICATION))
             for p in _modules("connectors", "expectations")}
    assert not {k: v for k, v in found.items() if v}, found
