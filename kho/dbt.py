"""Running the dbt project: environment for ``profiles.yml`` and a programmatic runner."""

from __future__ import annotations

import os

from kho.settings import PROJECT_ROOT, KhoSettings
from kho.warehouse import Warehouse

DBT_PROJECT = PROJECT_ROOT / "dbt_project"


def dbt_env(wh: Warehouse, settings: KhoSettings) -> dict[str, str]:
    ipad, opad = settings.pseudonym_pads()
    return {**wh.dbt_env(), "KHO_PSEUDONYM_IPAD": ipad, "KHO_PSEUDONYM_OPAD": opad, "DO_NOT_TRACK": "1"}


def static_dbt_env(settings: KhoSettings) -> dict[str, str]:
    """dbt environment known without starting anything: only for an external warehouse (KHO_WAREHOUSE_URL)."""
    if not settings.warehouse_url:
        return {}
    return dbt_env(Warehouse.from_url(settings.warehouse_url), settings)


def run_dbt(args: list[str], wh: Warehouse, settings: KhoSettings) -> list[tuple[str, str]]:
    """Run a dbt command in-process; raise on failure; return (node, status) pairs."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env(wh, settings))
    res = dbtRunner().invoke([*args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                              "--quiet"])
    # build/run/test return node results; other commands (parse, ls) return something else
    results = [(r.node.name, str(r.status)) for r in res.result] if hasattr(res.result, "__iter__") else []
    if not res.success:
        failed = [f"{n}: {s}" for n, s in results if s not in ("success", "pass", "warn")]
        raise RuntimeError(f"dbt {' '.join(args)} failed: {failed or res.exception}")
    return results
