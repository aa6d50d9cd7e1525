"""Airflow pieces shared by Kho's DAGs: the Assets (each DAG's outlet is the next one's schedule), the extract DAGs'
arguments and their closing summary. Needs Airflow."""

from datetime import datetime, timedelta

from airflow.sdk import Asset, Param, get_current_context, teardown

RAW_ONESTOP_DOSSIERS = Asset("postgres://kho/raw_onestop/dossiers", extra={"layer": "raw"})
VALIDATED_ONESTOP_DOSSIERS = Asset("postgres://kho/dq/onestop_dossiers_raw", extra={"layer": "dq"})
RAW_DOCUMENTS = Asset("postgres://kho/raw_documents/edocs", extra={"layer": "raw"})
VALIDATED_DOCUMENTS = Asset("postgres://kho/dq/documents_raw", extra={"layer": "dq"})
RAW_CIVIL_STATUS = Asset("postgres://kho/raw_civil_status/registrations", extra={"layer": "raw"})
VALIDATED_CIVIL_STATUS = Asset("postgres://kho/dq/civil_status_raw", extra={"layer": "dq"})
POPULATION_CHECKS = Asset("postgres://kho/raw_population/checks", extra={"layer": "raw"})
WAREHOUSE_MARTS = Asset("postgres://kho/marts/unit_month_kpis", extra={"layer": "marts"})
DQ_REPORTS = Asset("file://kho/reports", extra={"layer": "reports"})

# manual runs of an extract DAG may backfill a window (state is not moved)
BACKFILL_PARAMS = {
    "window_start": Param(None, type=["null", "string"], description="Backfill from (ISO, inclusive)"),
    "window_end": Param(None, type=["null", "string"], description="Backfill to (ISO, exclusive)"),
}


def extract_dag_args(source: str, doc: str | None) -> dict:
    """``@dag`` arguments shared by the extract DAGs: hourly, no catch-up, one run at a time, backfill params."""
    return {"schedule": "@hourly", "start_date": datetime(2026, 1, 1), "catchup": False, "max_active_runs": 1,
            "default_args": {"retries": 2, "retry_delay": timedelta(minutes=5)}, "params": BACKFILL_PARAMS,
            "tags": ["kho", source, "extract"], "doc_md": doc}


def validation_summary(source: str):
    """The ``summarize`` teardown that ends an extract DAG: this run's warnings and failures by rule for ``source``,
    logged at WARNING level. As a teardown it runs even when a step failed, and the run's state stays the steps'."""

    @teardown
    def summarize() -> dict:
        from kho.pipeline import summarize_run

        return summarize_run(source, get_current_context()["dag_run"].start_date)

    return summarize()
