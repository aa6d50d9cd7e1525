"""Running the DAGs under dag.test(), for the end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timezone

EXTRACTS = ("extract_onestop", "extract_documents", "extract_civil_status", "extract_judicial", "extract_land",
            "verify_citizen_ids")
WINDOWED = ("extract_onestop", "extract_documents", "extract_judicial", "extract_land")  # take a backfill window


def run_pipeline(dags, window: dict | None = None, *, transform_dag: bool = True) -> None:
    """Extract every source (incremental, or a backfill of ``window``) then transform, all under dag.test().

    ``transform_dag=False`` runs the transform as a plain ``dbt build`` instead of the transform DAG (whose chain
    the first run proves): for the reruns that check what data does."""
    extract = {"run_conf": window} if window else {}
    for dag_id in EXTRACTS:
        kw = extract if dag_id in WINDOWED else {}
        run = dags[dag_id].test(logical_date=datetime.now(timezone.utc), **kw)
        assert str(run.state).endswith("success"), dag_id
    if transform_dag:
        run = dags["transform_warehouse"].test(logical_date=datetime.now(timezone.utc))
        assert str(run.state).endswith("success"), "transform_warehouse"
    else:
        from kho.core.settings import get_settings
        from kho.core.warehouse import Warehouse
        from kho.dbt import run_dbt

        settings = get_settings()
        run_dbt(["build"], Warehouse.open(settings), settings)
