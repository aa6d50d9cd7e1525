"""publish_766_scoreboard: the province's Decision 766 scoreboard (its communes, wards and departments ranked by
total and by group, the province's last 12 months, the five lowest departments and communes, the bands below 80
"urgent" and 80-90 "watch"), rendered after every transform, and e-mailed as a weekly digest to the province office
(the overview's recipients in KHO_REPORT_RECIPIENTS_FILE) every Monday at 07:00 (Asia/Ho_Chi_Minh), about the
latest closed month. Each run also renders the pages of the latest quarter, half-year and year (no digest). A manual
run takes ``period`` (YYYY-MM), ``lang`` (vi/en), ``pdf`` and ``send``; a digest goes out once per week and language
(kho.report_deliveries, report '766').
"""

from __future__ import annotations

import logging

from airflow.sdk import dag, get_current_context, task

from kho.assets import DQ_REPORTS, report_dag


@dag(
    dag_id="publish_766_scoreboard",
    **report_dag("0 7 * * 1", "the latest closed month", "E-mail the digest (the weekly runs always do)"),
    tags=["kho", "reports", "766"],
    doc_md=__doc__,
)
def publish_766_scoreboard():
    @task(outlets=[DQ_REPORTS])
    def render() -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        from kho.reports.publish import render_scoreboard
        from kho.reports.scoreboard import NoScores

        params = get_current_context()["params"]
        try:
            rendered = render_scoreboard(params.get("period"), params.get("lang"), params.get("pdf")).to_dict()
        except NoScores as e:  # before any transform: say so and end cleanly (the digest is skipped too)
            raise AirflowSkipException(str(e)) from e
        for period_type in ("quarter", "half_year", "year"):  # the longer periods' pages, without a digest
            try:
                render_scoreboard(params.get("period"), params.get("lang"), params.get("pdf"), period_type=period_type)
            except NoScores as e:  # a warehouse computing months only (dbt var kho_period_types)
                logging.getLogger(__name__).info("no %s scoreboard: %s", period_type, e)
        return rendered

    @task
    def deliver_digest(rendered: dict) -> dict:
        from kho.reports.publish import deliver_when_due

        ctx = get_current_context()
        return deliver_when_due(rendered, ctx["dag_run"].run_type, ctx["params"].get("send"), "weekly")

    deliver_digest(render())


publish_766_scoreboard()
