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
    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(settings.warehouse_url.replace("postgresql+psycopg://", "postgresql://"))
    ipad, opad = settings.pseudonym_pads()
    return {"KHO_PG_HOST": p.get("host", "127.0.0.1"), "KHO_PG_PORT": str(p.get("port", 5432)),
            "KHO_PG_USER": p.get("user", "postgres"), "KHO_PG_PASSWORD": p.get("password", ""),
            "KHO_PG_DBNAME": p.get("dbname", "postgres"), "KHO_PSEUDONYM_IPAD": ipad, "KHO_PSEUDONYM_OPAD": opad,
            "DO_NOT_TRACK": "1"}


def run_dbt(args: list[str], wh: Warehouse, settings: KhoSettings) -> list[tuple[str, str]]:
    """Run a dbt command in-process; raise on failure; return (node, status) pairs."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env(wh, settings))
    res = dbtRunner().invoke([*args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                              "--quiet"])
    results = [(r.node.name, str(r.status)) for r in (res.result or [])] if hasattr(res.result, "__iter__") else []
    if not res.success:
        failed = [f"{n}: {s}" for n, s in results if s not in ("success", "pass", "warn")]
        raise RuntimeError(f"dbt {' '.join(args)} failed: {failed or res.exception}")
    return results
