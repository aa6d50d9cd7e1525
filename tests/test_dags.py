"""DAG integrity: every DAG imports, tasks are wired, and Assets chain extract → validate → transform."""

import pytest

from kho import airflow_env


def _dags_with(monkeypatch, **env):
    """The DagBag as a deployment with ``env`` loads it (the e2e session sets KHO_TRANSFORM_TASKS=single)."""
    from kho.core.settings import get_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        return airflow_env.load_dags()  # raises with the import errors if any
    finally:
        get_settings.cache_clear()  # monkeypatch puts the environment back after the test; settings follow it


def test_dags_import_without_errors_and_link_through_assets(monkeypatch):
    dags = _dags_with(monkeypatch, KHO_TRANSFORM_TASKS="per_model")  # the default
    assert {"extract_onestop", "extract_documents", "extract_civil_status", "verify_citizen_ids",
            "transform_warehouse", "publish_dq_reports"} <= set(dags)

    from kho.core.sources import registered_sources

    assert {"extract_judicial", "extract_land"} <= set(dags)
    validated = set()
    for dag_id in (f"extract_{name}" for name in registered_sources()):
        extract = dags[dag_id]
        assert [t.task_id for t in extract.topological_sort()] == ["extract_land", "load", "validate", "summarize"]
        assert extract.get_task("summarize").is_teardown  # runs after a failure, and leaves the run's state alone
        outlets = {o.uri for o in extract.get_task("validate").outlets}
        assert outlets, dag_id
        validated |= outlets

    # the verification DAG runs when civil-status registers land (and on its own timetable)
    verify = dags["verify_citizen_ids"]
    landed = {o.uri for o in dags["extract_civil_status"].get_task("load").outlets}
    assert verify.timetable.asset_condition.uri in landed
    checked = {o.uri for o in verify.get_task("verify").outlets}

    transform = dags["transform_warehouse"]
    scheduled_on = {a.uri for a in transform.timetable.asset_condition.objects}
    assert validated | checked == scheduled_on  # any source's validated data, or new check results, trigger it
    dbt_tasks = [t.task_id for t in transform.tasks if t.task_id.startswith("dbt.")]
    for model in ("stg_onestop__dossiers", "fct_dossiers", "dim_units", "dossier_unit_months", "stg_documents__edocs",
                  "fct_documents", "dossier_document_links", "case_reconciliation", "fct_civil_registrations",
                  "civil_registration_dossier_links", "dq_rule_results", "dq_unit_scores", "dq_top_failing_rules",
                  "dq_records_to_fix", "dq_source_freshness", "judicial_record_unit_months",
                  "land_transaction_unit_months", "national_link_health", "plan02_commune_status",
                  "plan02_province_coverage", "dvcqg_sync_by_commune"):
        assert any(model in t for t in dbt_tasks), model
    # every node's command leaves dbt's unit tests to CI, as the single `dbt build` does (kho.dbt.PRODUCTION_FLAGS)
    from kho.dbt import build_args

    assert {tuple(transform.get_task(t).dbt_cmd_flags) for t in dbt_tasks} == {tuple(build_args()[1:])}

    # reports follow the marts (re-rendered after every transform) and go out monthly
    publish = dags["publish_dq_reports"]
    announcing = [t for t in transform.tasks if t.outlets]
    assert [t.task_id for t in announcing] == ["marts_built"]  # once, after the whole build: never half-built marts
    assert set(announcing[0].get_flat_relative_ids(upstream=True)) >= set(dbt_tasks)
    assert publish.timetable.asset_condition.uri in {o.uri for o in announcing[0].outlets}
    assert publish.timetable.timetable._expression == "0 7 3 * *"
    assert [t.task_id for t in publish.topological_sort()][:2] == ["render", "deliver"]
    assert {o.uri for o in publish.get_task("render").outlets} == {"file://kho/reports"}
    # the 766 scoreboard: re-rendered after every transform, its digest mailed on Mondays
    scoreboard = dags["publish_766_scoreboard"]
    assert scoreboard.timetable.asset_condition.uri in {o.uri for o in announcing[0].outlets}
    assert scoreboard.timetable.timetable._expression == "0 7 * * 1"
    assert [t.task_id for t in scoreboard.topological_sort()] == ["render", "deliver_digest"]


def test_every_task_survives_a_lost_worker_and_backfills_read_their_interval():
    """A worker lost with its host fails the tasks it ran; each must be retried elsewhere (tests/test_stack.py shows
    the retry under Celery), and a backfill run of an extract DAG must have an interval to read, not a point."""
    dags = airflow_env.load_dags()
    no_retry = [f"{d.dag_id}.{t.task_id}" for d in dags.values() for t in d.tasks if t.retries < 1]
    assert not no_retry, f"tasks a lost worker would fail for good: {no_retry}"
    for dag_id in ("extract_onestop", "extract_documents", "extract_civil_status"):
        # data intervals (start..end), not cron points (start == end): run_window reads a backfill's interval
        assert type(dags[dag_id].timetable).__name__ == "CronDataIntervalTimetable", dag_id


def test_a_small_deployment_can_run_the_transform_as_one_task(monkeypatch):
    """KHO_TRANSFORM_TASKS=single: the same chain around one `dbt build` task instead of a task per model."""
    transform = _dags_with(monkeypatch, KHO_TRANSFORM_TASKS="single")["transform_warehouse"]
    assert [t.task_id for t in transform.topological_sort()] == \
        ["open_warehouse", "dbt_build", "marts_built", "source_freshness"]
    assert [t.task_id for t in transform.tasks if t.outlets] == ["marts_built"]


@pytest.mark.integration
def test_freshness_on_an_empty_warehouse_is_no_data_not_a_failure(fresh_schema, settings):
    """A source not connected yet (no row in its raw tables) is recorded as such; only a source that had data and
    stopped is stale."""
    from kho.dbt import check_source_freshness

    rows = check_source_freshness(fresh_schema, settings)
    assert {(r["source"], r["source_table"]) for r in rows} >= {("onestop", "dossiers"), ("documents", "edocs")}
    assert {r["status"] for r in rows} == {"no data"}
    assert fresh_schema.query("select count(*) from kho.source_freshness where status = 'no data'")[1][0][0] == \
        len(rows)


@pytest.mark.integration
def test_publishing_before_any_transform_says_so_and_ends_cleanly(fresh_schema):
    """A scheduled report run on a warehouse with no marts yet: the render is skipped with the reason, nothing is
    sent, the run succeeds (rather than failing on a missing table)."""
    from kho.reports.publish import NoMartsYet, render_reports

    with pytest.raises(NoMartsYet, match="dq_unit_scores.*transform_warehouse"):
        render_reports()
    airflow_env.migrate()
    dags = airflow_env.load_dags()
    run = dags["publish_dq_reports"].test()
    assert str(run.state).endswith("success")
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert all(states[t].endswith("skipped") for t in ("render", "deliver", "readiness_report", "deliver_readiness")), \
        states
    run = dags["publish_766_scoreboard"].test()
    assert str(run.state).endswith("success")
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert all(states[t].endswith("skipped") for t in ("render", "deliver_digest")), states


def test_no_cosmos_task_carries_a_secret_in_its_templated_fields(monkeypatch):
    """What Airflow renders and stores for every per-model task (rendered_task_instance_fields, the UI) is made of
    these fields: with an external warehouse's password and the pseudonym key set, neither is in any of them (dbt
    gets the password from the task process's own environment). The e2e session runs the transform as one task (the
    suite's time budget), so this is where the per-model tasks' fields are held to it."""
    password, key = "Pw-" + "x9" * 8, "key-" + "k7" * 12
    transform = _dags_with(monkeypatch, KHO_WAREHOUSE_URL=f"postgresql://kho:{password}@db.example:5432/kho",
                           KHO_PSEUDONYM_KEY=key, KHO_TRANSFORM_TASKS="per_model")["transform_warehouse"]
    cosmos = [t for t in transform.tasks if type(t).__module__.startswith("cosmos")]
    assert len(cosmos) > 50
    for task in cosmos:
        assert "env" in task.template_fields  # dbt's environment is rendered: the place a password would leak
        fields = {name: repr(getattr(task, name, None)) for name in task.template_fields}
        fields["profile_config"] = repr(getattr(task, "profile_config", None))
        leaked = [name for name, text in fields.items() if password in text or key in text]
        assert not leaked, (task.task_id, leaked)
