"""transform_warehouse: dbt build (staging → marts, with tests) through astronomer-cosmos, on validated data.

Runs whenever a validation run publishes validated dossiers, documents or civil-status registers, or a
verification run publishes citizen-ID check results.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from kho.assets import (
    POPULATION_CHECKS,
    VALIDATED_CIVIL_STATUS,
    VALIDATED_DOCUMENTS,
    VALIDATED_ONESTOP_DOSSIERS,
    WAREHOUSE_MARTS,
)
from kho.dbt import DBT_PROJECT, export_dbt_secrets, render_manifest, static_dbt_env
from kho.settings import get_settings

settings = get_settings()
export_dbt_secrets(settings)  # the password reaches dbt through this process's environment, not a rendered field


@dag(
    dag_id="transform_warehouse",
    schedule=(VALIDATED_ONESTOP_DOSSIERS | VALIDATED_DOCUMENTS | VALIDATED_CIVIL_STATUS | POPULATION_CHECKS),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["kho", "dbt", "transform"],
    doc_md=__doc__,
)
def transform_warehouse():
    @task
    def open_warehouse() -> str:
        """Make sure the warehouse is up (starts the embedded one) and export dbt's connection environment."""
        import os

        from kho.dbt import dbt_env
        from kho.warehouse import Warehouse

        wh = Warehouse.open(settings)
        os.environ.update(dbt_env(wh))
        return wh.dbname

    dbt = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(DBT_PROJECT, manifest_path=render_manifest(), env_vars=static_dbt_env(settings),
                                     install_dbt_deps=False),
        profile_config=ProfileConfig(profile_name="kho", target_name="warehouse",
                                     profiles_yml_filepath=DBT_PROJECT / "profiles.yml"),
        execution_config=ExecutionConfig(execution_mode=ExecutionMode.LOCAL,
                                         invocation_mode=InvocationMode.DBT_RUNNER),
        # one `dbt build` task per node (the model, its unit tests and data tests: fail fast, half the tasks of
        # run + test); tests on two models (relationships) get their own task after both
        # rendered from a manifest built ahead of time (kho.dbt.render_manifest): no dbt command at parse time
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   should_detach_multiple_parents_tests=True),
    )

    @task(outlets=[WAREHOUSE_MARTS])
    def marts_built() -> None:
        """Runs once every dbt node succeeded: only then are the marts announced (publish_dq_reports follows), so
        nothing downstream starts on half-built marts."""

    open_warehouse() >> dbt >> marts_built()


transform_warehouse()
