"""transform_warehouse: dbt build (staging → marts, with tests) through astronomer-cosmos, on validated data, then
`dbt source freshness` on every raw table (recorded in kho.source_freshness).

Runs whenever a validation run of any registered source publishes its validated Asset, or a verification run
publishes citizen-ID check results.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from kho.assets import WAREHOUSE_MARTS, validated_assets
from kho.core.settings import get_settings
from kho.dbt import DBT_PROJECT, PRODUCTION_FLAGS, export_dbt_secrets, render_manifest, static_dbt_env

settings = get_settings()
export_dbt_secrets(settings)  # the password reaches dbt through this process's environment, not a rendered field


@dag(
    dag_id="transform_warehouse",
    schedule=validated_assets(),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    # a model's task that failed on something transient (a lost connection, a lock) is tried again before the run
    # fails; dbt's build of one node is idempotent
    default_args={"retries": 2, "retry_delay": timedelta(seconds=20)},
    tags=["kho", "dbt", "transform"],
    doc_md=__doc__,
)
def transform_warehouse():
    @task
    def open_warehouse() -> str:
        """Make sure the warehouse is up (starts the embedded one) and export dbt's connection environment."""
        import os

        from kho.core.warehouse import Warehouse
        from kho.dbt import dbt_env

        wh = Warehouse.open(settings)
        os.environ.update(dbt_env(wh))
        return wh.dbname

    @task(task_id="dbt_build")
    def dbt_build() -> int:
        """KHO_TRANSFORM_TASKS=single: the whole project in one `dbt build` (data tests included; unit tests are
        CI's, kho.dbt.PRODUCTION_FLAGS)."""
        from kho.core.warehouse import Warehouse
        from kho.dbt import build_args, run_dbt

        return len(run_dbt(build_args(), Warehouse.open(settings), settings))

    dbt = dbt_build() if settings.transform_tasks == "single" else DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(DBT_PROJECT, manifest_path=render_manifest(), env_vars=static_dbt_env(settings),
                                     install_dbt_deps=False),
        profile_config=ProfileConfig(profile_name="kho", target_name="warehouse",
                                     profiles_yml_filepath=DBT_PROJECT / "profiles.yml"),
        execution_config=ExecutionConfig(execution_mode=ExecutionMode.LOCAL,
                                         invocation_mode=InvocationMode.DBT_RUNNER),
        # one `dbt build` task per node (the model and its data tests: fail fast, half the tasks of
        # run + test); tests on two models (relationships) get their own task after both
        # rendered from a manifest built ahead of time (kho.dbt.render_manifest): no dbt command at parse time
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   should_detach_multiple_parents_tests=True),
        operator_args={"dbt_cmd_flags": list(PRODUCTION_FLAGS)},  # on every node's command: no unit tests
    )

    @task(outlets=[WAREHOUSE_MARTS])
    def marts_built() -> None:
        """Runs once every dbt node succeeded: only then are the marts announced (publish_dq_reports follows), so
        nothing downstream starts on half-built marts."""

    @task
    def source_freshness() -> list[dict]:
        """`dbt source freshness` on every raw table, after the build: the verdicts go to kho.source_freshness and
        the log; a source past its error_after fails this task (the alert), never the marts already announced."""
        import logging

        from kho.core.warehouse import Warehouse
        from kho.dbt import check_source_freshness

        rows = check_source_freshness(Warehouse.open(settings), settings)
        for r in rows:
            level = logging.INFO if r["status"] == "pass" else logging.WARNING
            logging.getLogger(__name__).log(level, "source %s.%s: %s (newest row %s)", r["source"],
                                            r["source_table"], r["status"], r["max_loaded_at"])
        stale = [f"{r['source']}.{r['source_table']}" for r in rows if r["status"] not in ("pass", "warn", "no data")]
        if stale:
            raise RuntimeError(f"sources past their freshness limit or unreadable: {', '.join(stale)}")
        return [{k: str(v) for k, v in r.items()} for r in rows]

    open_warehouse() >> dbt >> marts_built() >> source_freshness()


transform_warehouse()
