"""verify_citizen_ids: check the citizen IDs in the civil-status registers against the national population service.

Runs after new registers land and every 30 minutes (the service is unstable: what one run cannot check stays
pending and a later run retries it). Requests are bounded in number and in flight, retried with backoff, and
stopped by a circuit breaker while the service is down. Results are cached in ``raw_population.checks`` keyed by
a keyed hash of (ID, name, birth date); no raw ID leaves the restricted schemas.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task
from airflow.timetables.assets import AssetOrTimeSchedule
from airflow.timetables.trigger import CronTriggerTimetable

from kho.assets import POPULATION_CHECKS, raw_asset, retry_args


@dag(dag_id="verify_citizen_ids",
     schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("*/30 * * * *", timezone="Asia/Ho_Chi_Minh"),
                                  assets=raw_asset("civil_status")),
     start_date=datetime(2026, 1, 1), catchup=False, max_active_runs=1, default_args=retry_args(),
     tags=["kho", "population", "verify"],
     doc_md=__doc__)
def verify_citizen_ids():
    @task(outlets=[POPULATION_CHECKS])
    def verify() -> dict:
        from kho.pipeline import verify_citizen_ids as run

        return run()

    verify()


verify_citizen_ids()
