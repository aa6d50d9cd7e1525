"""Airflow Assets shared by Kho's DAGs (each DAG's outlet is the next one's schedule). Needs Airflow."""

from airflow.sdk import Asset

RAW_ONESTOP_DOSSIERS = Asset("postgres://kho/raw_onestop/dossiers", extra={"layer": "raw"})
VALIDATED_ONESTOP_DOSSIERS = Asset("postgres://kho/dq/onestop_dossiers_raw", extra={"layer": "dq"})
WAREHOUSE_MARTS = Asset("postgres://kho/marts/unit_month_kpis", extra={"layer": "marts"})
