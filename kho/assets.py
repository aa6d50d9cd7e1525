"""Airflow pieces shared by Kho's DAGs: the Assets (each DAG's outlet is the next one's schedule) and the extract DAG
every registered source gets (``dags/extract_sources.py``). Needs Airflow."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Asset, CronDataIntervalTimetable, Param, get_current_context, task, teardown

from kho.core.settings import get_settings
from kho.core.sources import Source, registered_sources

POPULATION_CHECKS = Asset("postgres://kho/raw_population/checks", extra={"layer": "raw"})
WAREHOUSE_MARTS = Asset("postgres://kho/marts/dossier_unit_months", extra={"layer": "marts"})
DQ_REPORTS = Asset("file://kho/reports", extra={"layer": "reports"})

# manual runs of an extract DAG may backfill a window (state is not moved)
BACKFILL_PARAMS = {
    "window_start": Param(None, type=["null", "string"], description="Backfill from (ISO, inclusive)"),
    "window_end": Param(None, type=["null", "string"], description="Backfill to (ISO, exclusive)"),
}


def report_dag(cron: str, period: str, send: str) -> dict:
    """The @dag arguments of a report DAG: re-rendered whenever the marts are built, mailed on ``cron`` (Asia/
    Ho_Chi_Minh); a manual run takes the period (``period`` describes its default), language, PDF and ``send``."""
    from airflow.timetables.assets import AssetOrTimeSchedule
    from airflow.timetables.trigger import CronTriggerTimetable

    return {
        # no start_date: enabled mid-period, the DAG waits for the next cron time (CronTriggerTimetable's
        # run_immediately=False) rather than mailing at once; marts events start runs whenever they come
        "schedule": AssetOrTimeSchedule(timetable=CronTriggerTimetable(cron, timezone="Asia/Ho_Chi_Minh"),
                                        assets=WAREHOUSE_MARTS),
        "catchup": False,
        "max_active_runs": 1,
        "default_args": retry_args(),
        "params": {
            "period": Param(None, type=["null", "string"], pattern="^[0-9]{4}-[0-9]{2}$",
                            description=f"Month to report (YYYY-MM); default {period}"),
            "lang": Param(None, type=["null", "string"], enum=[None, "vi", "en"],
                          description="Default KHO_REPORT_LANG"),
            "pdf": Param(None, type=["null", "boolean"], description="Also PDF; default KHO_REPORT_PDF"),
            "send": Param(False, type="boolean", description=send),
        },
    }


def retry_args() -> dict:
    """Every DAG's default_args: a task lost with its worker (or its source down for a moment) is retried twice,
    after KHO_TASK_RETRY_DELAY_SECONDS. Each task is safe to run again (loads and deliveries are idempotent)."""
    return {"retries": 2, "retry_delay": timedelta(seconds=get_settings().task_retry_delay_seconds)}


def raw_asset(source: str) -> Asset:
    """Updated when a batch of ``source`` is loaded into its raw tables."""
    return Asset(f"postgres://kho/raw_{source}/landed", extra={"layer": "raw", "source": source})


def validated_asset(source: str) -> Asset:
    """Updated when a batch of ``source`` was validated: what the transform waits for."""
    return Asset(f"postgres://kho/dq/{source}_validated", extra={"layer": "dq", "source": source})


def validated_assets():
    """The transform's schedule: any source validated, or citizen-ID checks answered."""
    condition = POPULATION_CHECKS
    for name in sorted(registered_sources()):
        condition = condition | validated_asset(name)
    return condition


def extract_dag(source: Source) -> DAG:
    """``extract_<source>``: extract and land → load into raw (state in the same transaction) → validate with the
    stream suites → a closing summary of this run's warnings and failures."""
    doc = (f"extract_{source.name}: {source.description} → landing zone → raw → validated.\n\n{source.doc}"
           + ("\n\nTrigger with `{\"window_start\": ..., \"window_end\": ...}` to backfill a window (state is not "
              "moved)." if source.backfill else ""))
    # data intervals, not cron points: a run of `airflow backfill create` reads the interval it covers
    schedule = CronDataIntervalTimetable(source.schedule, timezone="UTC") if source.schedule else None
    with DAG(dag_id=f"extract_{source.name}", schedule=schedule, start_date=datetime(2026, 1, 1),
             catchup=False, max_active_runs=1, default_args=retry_args(),
             params=BACKFILL_PARAMS if source.backfill else {}, tags=["kho", source.name, "extract", *source.tags],
             doc_md=doc) as dag:

        @task
        def extract_land() -> list[dict]:
            from kho.core.windows import run_window, source_time
            from kho.pipeline import extract

            ctx = get_current_context()
            interval_end = ctx.get("data_interval_end")
            return extract(source.name, source_time(), source_time(interval_end) if interval_end else None,
                           run_window(ctx) if source.backfill else None)

        @task(outlets=[raw_asset(source.name)])
        def load(manifests: list[dict]) -> list[dict]:
            from kho.pipeline import load as load_batches

            return load_batches(manifests)

        @task(outlets=[validated_asset(source.name)])
        def validate(loaded: list[dict]) -> list[dict]:
            from kho.pipeline import validate as validate_batches

            return validate_batches(loaded)

        validate(load(extract_land())) >> validation_summary(source.name)
    return dag


def validation_summary(source: str):
    """The ``summarize`` teardown that ends an extract DAG: this run's warnings and failures by rule for ``source``,
    logged at WARNING level. As a teardown it runs even when a step failed, and the run's state stays the steps'."""

    @teardown
    def summarize() -> dict:
        from kho.pipeline import summarize_run

        return summarize_run(source, get_current_context()["dag_run"].start_date)

    return summarize()
