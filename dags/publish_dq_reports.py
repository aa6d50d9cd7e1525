"""publish_dq_reports: the data-quality reports - one per unit and the province overview - rendered from the DQ
marts, e-mailed to each unit's recipients, the Plan 02 readiness report (the province and each commune) rendered
and e-mailed beside them, and GX Data Docs rebuilt for the engineers.

Runs on the 3rd of each month at 07:00 (Asia/Ho_Chi_Minh), reporting the month before and sending it (two days
for late syncs to arrive); and after every transform, re-rendering without sending so the folder is always
current. A manual run takes ``period`` (YYYY-MM), ``lang`` (vi/en), ``pdf`` and ``send``. Each unit gets a report
once per period and language: a rerun sends only what was not sent (see kho.report_deliveries).
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from kho.assets import DQ_REPORTS, report_dag


@dag(
    dag_id="publish_dq_reports",
    **report_dag("0 7 3 * *", "the latest closed month of the data",
                 "E-mail the reports (scheduled monthly runs always do)"),
    tags=["kho", "reports", "dq"],
    doc_md=__doc__,
)
def publish_dq_reports():
    @task(outlets=[DQ_REPORTS])
    def render() -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        from kho.reports.publish import NoMartsYet, render_reports

        params = get_current_context()["params"]
        try:
            return render_reports(params.get("period"), params.get("lang"), params.get("pdf")).to_dict()
        except NoMartsYet as e:  # a scheduled run before any data: say so and end cleanly (delivery is skipped too)
            raise AirflowSkipException(str(e)) from e

    def send_if_due(rendered: dict) -> dict:
        from kho.reports.publish import deliver_when_due

        ctx = get_current_context()
        return deliver_when_due(rendered, ctx["dag_run"].run_type, ctx["params"].get("send"), "monthly")

    @task
    def deliver(rendered: dict) -> dict:
        return send_if_due(rendered)

    @task
    def readiness_report() -> dict:
        """The Plan 02 readiness report of the same month and language (skipped where no commune reported)."""
        from airflow.sdk.exceptions import AirflowSkipException

        from kho.reports.publish import render_readiness
        from kho.reports.readiness import NoReadinessData

        params = get_current_context()["params"]
        try:
            return render_readiness(params.get("period"), params.get("lang"), params.get("pdf")).to_dict()
        except NoReadinessData as e:
            raise AirflowSkipException(str(e)) from e

    @task
    def deliver_readiness(rendered: dict) -> dict:
        return send_if_due(rendered)

    @task
    def data_docs() -> str:
        from expectations.data_docs import build_data_docs
        from kho.core.settings import get_settings
        from kho.core.warehouse import Warehouse

        settings = get_settings()
        return str(build_data_docs(Warehouse.open(settings), settings))

    deliver(render())
    deliver_readiness(readiness_report())
    data_docs()


publish_dq_reports()
