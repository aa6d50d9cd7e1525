"""Running the DAGs under dag.test(), for the end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timezone

from kho.core.sources import registered_sources

# every registered source's extract DAG, then the citizen-ID checks of what they landed
EXTRACTS = (*(f"extract_{name}" for name in registered_sources()), "verify_citizen_ids")
WINDOWED = tuple(f"extract_{s.name}" for s in registered_sources().values() if s.backfill)  # take a backfill window


def run_pipeline(dags, window: dict | None = None, *, transform_dag: bool = True,
                 extracts: tuple[str, ...] = EXTRACTS) -> None:
    """Extract every source (incremental, or a backfill of ``window``) then transform, all under dag.test().

    ``transform_dag=False`` runs the transform as a plain ``dbt build`` instead of the transform DAG (whose chain
    the first run proves): for the reruns that check what data does. ``extracts``: the extract DAGs to run, in
    EXTRACTS' order (every one by default)."""
    extract = {"run_conf": window} if window else {}
    for dag_id in (d for d in EXTRACTS if d in extracts):
        kw = extract if dag_id in WINDOWED else {}
        run = dags[dag_id].test(logical_date=datetime.now(timezone.utc), **kw)
        assert str(run.state).endswith("success"), dag_id
    if transform_dag:
        run = dags["transform_warehouse"].test(logical_date=datetime.now(timezone.utc))
        assert str(run.state).endswith("success"), "transform_warehouse"
    else:
        from kho.core.settings import get_settings
        from kho.core.warehouse import Warehouse
        from kho.dbt import build_args, run_dbt

        settings = get_settings()
        run_dbt(build_args(), Warehouse.open(settings), settings)
