"""extract_civil_status: commune civil-status exports (CSV/XLSX in the drop folder) → landing zone → raw → validated.

Every file not read before (by content hash: a file handed over twice is read once) lands with the file and row
each record came from; a file that cannot be read as an export is refused whole with the rule it broke. The load
appends to raw and records the files' hashes in one transaction; validation runs the GX suites per record type and
quarantines entries that must be fixed. Drop folder: ``KHO_CIVIL_STATUS_DROP_FOLDER``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from kho.assets import RAW_CIVIL_STATUS, VALIDATED_CIVIL_STATUS, validation_summary


@dag(dag_id="extract_civil_status", schedule="@hourly", start_date=datetime(2026, 1, 1), catchup=False,
     max_active_runs=1, default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
     tags=["kho", "civil_status", "extract"], doc_md=__doc__)
def extract_civil_status():
    @task
    def extract_land() -> list[dict]:
        from kho.pipeline import extract_civil_status as extract

        return extract()

    @task(outlets=[RAW_CIVIL_STATUS])
    def load(manifests: list[dict]) -> list[dict]:
        from kho.pipeline import load_civil_status

        return load_civil_status(manifests)

    @task(outlets=[VALIDATED_CIVIL_STATUS])
    def validate(loaded: list[dict]) -> list[dict]:
        from kho.pipeline import validate_civil_status

        return validate_civil_status(loaded)

    validate(load(extract_land())) >> validation_summary("civil_status")


extract_civil_status()
