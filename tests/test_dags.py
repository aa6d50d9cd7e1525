"""DAG integrity: every DAG imports, tasks are wired, and Assets chain extract → validate → transform."""

from kho import airflow_env


def test_dags_import_without_errors_and_link_through_assets():
    dags = airflow_env.load_dags()  # raises with the import errors if any
    assert {"extract_onestop", "extract_documents", "transform_warehouse"} <= set(dags)

    validated = set()
    for dag_id in ("extract_onestop", "extract_documents"):
        extract = dags[dag_id]
        assert [t.task_id for t in extract.topological_sort()] == ["extract_land", "load", "validate"]
        outlets = {o.uri for o in extract.get_task("validate").outlets}
        assert outlets, dag_id
        validated |= outlets

    transform = dags["transform_warehouse"]
    scheduled_on = {a.uri for a in transform.timetable.asset_condition.objects}
    assert validated == scheduled_on  # either source's validated data triggers the transform
    dbt_tasks = [t.task_id for t in transform.tasks if t.task_id.startswith("dbt.")]
    for model in ("stg_onestop__dossiers", "fct_dossiers", "dim_units", "unit_month_kpis", "stg_documents__edocs",
                  "fct_documents", "dossier_document_links", "case_reconciliation"):
        assert any(model in t for t in dbt_tasks), model
