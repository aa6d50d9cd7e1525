"""Airflow Assets shared by Kho's DAGs (each DAG's outlet is the next one's schedule). Needs Airflow."""

from airflow.sdk import Asset, Param

RAW_ONESTOP_DOSSIERS = Asset("postgres://kho/raw_onestop/dossiers", extra={"layer": "raw"})
VALIDATED_ONESTOP_DOSSIERS = Asset("postgres://kho/dq/onestop_dossiers_raw", extra={"layer": "dq"})
RAW_DOCUMENTS = Asset("postgres://kho/raw_documents/edocs", extra={"layer": "raw"})
VALIDATED_DOCUMENTS = Asset("postgres://kho/dq/documents_raw", extra={"layer": "dq"})
WAREHOUSE_MARTS = Asset("postgres://kho/marts/unit_month_kpis", extra={"layer": "marts"})

# manual runs of an extract DAG may backfill a window (state is not moved)
BACKFILL_PARAMS = {
    "window_start": Param(None, type=["null", "string"], description="Backfill from (ISO, inclusive)"),
    "window_end": Param(None, type=["null", "string"], description="Backfill to (ISO, exclusive)"),
}
