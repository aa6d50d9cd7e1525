"""Running the DAGs under dag.test(), for the end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timezone


def run_pipeline(dags, window: dict | None = None) -> None:
    """Extract every source (incremental, or a backfill of ``window``) then transform, all under dag.test()."""
    extract = {"run_conf": window} if window else {}
    for dag_id, kw in (("extract_onestop", extract), ("extract_documents", extract), ("extract_civil_status", {}),
                       ("verify_citizen_ids", {}), ("transform_warehouse", {})):
        run = dags[dag_id].test(logical_date=datetime.now(timezone.utc), **kw)
        assert str(run.state).endswith("success"), dag_id
