"""Running the dbt project: environment for ``profiles.yml`` and a programmatic runner.

No secret goes through a templated Airflow field: Cosmos's ``env_vars`` are rendered, stored and shown in the UI,
so they carry the connection without its password, which the task process puts in its own environment
(``export_dbt_secrets``). Pseudonyms need no key on dbt's side at all (``kho_secure.pseudonymize``).
"""

from __future__ import annotations

import os

from kho.settings import PROJECT_ROOT, KhoSettings
from kho.warehouse import Warehouse

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
SECRET_ENV = ("KHO_PG_PASSWORD",)


def dbt_env(wh: Warehouse) -> dict[str, str]:
    """Everything profiles.yml reads, password included: for this process's environment only."""
    return {**wh.dbt_env(), "DO_NOT_TRACK": "1"}


def static_dbt_env(settings: KhoSettings) -> dict[str, str]:
    """dbt environment known without starting anything, without secrets: only for an external warehouse."""
    if not settings.warehouse_url:
        return {}
    env = dbt_env(Warehouse.from_url(settings.warehouse_url))
    return {k: v for k, v in env.items() if k not in SECRET_ENV}


def export_dbt_secrets(settings: KhoSettings) -> None:
    """Put the external warehouse's password in this process's environment, where profiles.yml finds it."""
    if settings.warehouse_url:
        env = dbt_env(Warehouse.from_url(settings.warehouse_url))
        os.environ.update({k: env[k] for k in SECRET_ENV})


def run_dbt(args: list[str], wh: Warehouse, settings: KhoSettings) -> list[tuple[str, str]]:
    """Run a dbt command in-process; raise on failure; return (node, status) pairs."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env(wh))
    res = dbtRunner().invoke([*args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                              "--quiet"])
    # build/run/test return node results; other commands (parse, ls) return something else
    results = [(r.node.name, str(r.status)) for r in res.result] if hasattr(res.result, "__iter__") else []
    if not res.success:
        failed = [f"{n}: {s}" for n, s in results if s not in ("success", "pass", "warn")]
        raise RuntimeError(f"dbt {' '.join(args)} failed: {failed or res.exception}")
    return results
