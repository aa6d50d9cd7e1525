"""``kho demo``: the whole pipeline end to end on the embedded default, then a summary.

Starts the embedded PostgreSQL and the sandbox source systems on 127.0.0.1, runs every DAG in-process with
``dag.test()`` (extract, verify, transform, publish the data-quality reports), and prints rows per stage, the
warnings and failures, KPI tables and where everything is.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

from kho import airflow_env
from kho.console import console, logs_to_file, print_table, print_tally
from kho.core.settings import KhoSettings, get_settings


def dag_order() -> list[str]:
    """Every registered source's extract DAG, then the checks, the transform and the reports."""
    from kho.core.sources import registered_sources

    return [*(f"extract_{name}" for name in registered_sources()), "verify_citizen_ids", "transform_warehouse",
            "publish_dq_reports", "publish_766_scoreboard"]


class DagProgress:
    """Rich progress bars while the DAGs run under dag.test(): one for the DAGs, one for the current DAG's tasks,
    advanced from the Airflow metadata database by a thread that polls it (the run itself logs to a file)."""

    FINISHED = ("success", "failed", "skipped", "upstream_failed", "removed")

    def __init__(self, dag_ids: list[str]):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<24}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("{task.fields[unit]:<5} {task.fields[took]}"),
                                 console=console, transient=False)
        self.started = time.perf_counter()
        self.all = self.progress.add_task("pipeline", total=len(dag_ids), unit="DAGs", took="")

    def __enter__(self) -> DagProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def run(self, dag, **kw):
        import threading

        from airflow import settings as af
        from sqlalchemy import bindparam, text

        with af.engine.connect() as conn:
            after = conn.execute(text("select coalesce(max(id), 0) from dag_run")).scalar()
        bar = self.progress.add_task(dag.dag_id, total=len(dag.tasks), unit="tasks", took="")
        started = time.perf_counter()
        done = threading.Event()

        sql = text("select count(*) from task_instance ti join dag_run dr on dr.dag_id = ti.dag_id and "
                   "dr.run_id = ti.run_id where dr.id > :after and ti.dag_id = :dag and ti.state in :states"
                   ).bindparams(bindparam("states", expanding=True))

        def poll() -> None:
            while not done.wait(1.0):
                try:
                    with af.engine.connect() as conn:
                        finished = conn.execute(sql, {"after": after, "dag": dag.dag_id,
                                                      "states": list(self.FINISHED)}).scalar()
                    self.progress.update(bar, completed=finished)
                except Exception:  # a busy metadata database: the next poll will do
                    continue

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            run = dag.test(**kw)
        finally:
            done.set()
            watcher.join()
        tasks = len(run.get_task_instances())
        self.progress.update(bar, completed=tasks, total=tasks, took=f"{time.perf_counter() - started:6.1f} s")
        self.progress.update(self.all, advance=1, took=f"{time.perf_counter() - self.started:6.1f} s")
        return run


def run_dag(dags: dict, dag_id: str, progress: DagProgress, log: Path | None = None, **kw) -> None:
    run = progress.run(dags[dag_id], **kw)
    state = str(getattr(run, "state", "")).lower()
    if not state.endswith("success"):
        raise SystemExit(f"DAG {dag_id} ended in state {state!r}; see the task logs in {log or 'the output above'}")


def run_demo(settings: KhoSettings | None = None, verbose: bool = False) -> dict:
    settings = settings or get_settings()
    log = settings.home / "logs" / f"demo-{datetime.now():%Y%m%d-%H%M%S}.log"
    airflow_env.configure(settings)
    with console.status("Preparing Airflow metadata (airflow db migrate)…"):
        airflow_env.migrate()

    from kho.core.warehouse import Warehouse
    from kho.roles import apply_roles
    from sandbox.catalogue.generator import CatalogueRegistry
    from sandbox.catalogue.server import CatalogueServer, CatalogueService
    from sandbox.civil_status.exports import write_exports
    from sandbox.civil_status.generator import Registry
    from sandbox.documents.server import DocumentServer, SandboxDocumentSystem
    from sandbox.faults import Faults
    from sandbox.feedback.generator import FeedbackRegistry
    from sandbox.feedback.server import FeedbackServer, FeedbackService
    from sandbox.judicial.generator import JudicialRegistry
    from sandbox.judicial.server import JudicialServer, JudicialService
    from sandbox.land.generator import LandRegistry
    from sandbox.land.server import LandServer, LandService
    from sandbox.onestop.generator import SandboxConfig
    from sandbox.onestop.server import SandboxOneStop, SandboxServer
    from sandbox.population.server import PopulationServer, PopulationService
    from sandbox.readiness.generator import ReadinessReturns
    from sandbox.readiness.server import ReadinessServer, ReadinessService

    wh = Warehouse.open(settings)
    config = SandboxConfig.from_settings(settings)
    app = SandboxOneStop(config, token=settings.onestop_token.get_secret_value())
    axis = SandboxDocumentSystem(app.dossiers, token=settings.documents_token.get_secret_value())
    registry = Registry(app.dossiers)
    exports = write_exports(registry, settings.civil_status_folder, config.end_date)
    # the national links fail as the provinces say they do: besides the everyday 5xx, 429 and stalls, each goes
    # down once for a few seconds during the run (national_link_outages shows the windows)
    population = PopulationService(registry, token=settings.population_token.get_secret_value(),
                                   faults=Faults(outage_after=3000, outage_seconds=3.0))
    judicial = JudicialService(JudicialRegistry(app.dossiers), token=settings.judicial_token.get_secret_value(),
                               faults=Faults(outage_after=2, outage_seconds=3.0))
    land = LandService(LandRegistry(app.dossiers), token=settings.land_token.get_secret_value(),
                       faults=Faults(outage_after=3, outage_seconds=3.0))
    land_drop = settings.land_drop_folder or settings.home / "drop" / "land"
    land_exports = land.registry.write_exports(land_drop, land.clock)
    readiness = ReadinessService(ReadinessReturns(app.dossiers), token=settings.readiness_token.get_secret_value())
    readiness_files = readiness.registry.write_files(settings.readiness_folder, readiness.clock)
    feedback = FeedbackService(FeedbackRegistry(app.dossiers), token=settings.feedback_token.get_secret_value())
    catalogue = CatalogueService(CatalogueRegistry(app.dossiers), token=settings.catalogue_token.get_secret_value())
    with (SandboxServer(app) as sandbox, DocumentServer(axis) as documents, PopulationServer(population) as people,
          JudicialServer(judicial) as lltp, LandServer(land) as land_api, ReadinessServer(readiness) as plan02,
          FeedbackServer(feedback) as pakn, CatalogueServer(catalogue) as tthc):
        os.environ["KHO_ONESTOP_URL"] = sandbox.url
        os.environ["KHO_DOCUMENTS_URL"] = documents.url
        os.environ["KHO_POPULATION_URL"] = people.url
        os.environ["KHO_JUDICIAL_URL"] = lltp.url
        os.environ["KHO_LAND_URL"] = land_api.url
        os.environ["KHO_LAND_DROP_FOLDER"] = str(land_drop)
        os.environ["KHO_READINESS_URL"] = plan02.url
        os.environ["KHO_FEEDBACK_URL"] = pakn.url
        os.environ["KHO_CATALOGUE_URL"] = tthc.url
        get_settings.cache_clear()
        console.print(f"Sandbox one-stop system: {sandbox.url} ({config.dossiers:,} dossiers, "
                      f"province {config.province})")
        console.print(f"Sandbox document axis: {documents.url} ({len(axis.documents.documents):,} documents, "
                      f"{len(axis.documents.statuses):,} status messages, and 5 hostile messages it must refuse)")
        console.print(f"Sandbox civil-status registers: {len(exports):,} commune export files "
                      f"({len(registry.registrations):,} registrations) in {settings.civil_status_folder}")
        console.print(f"Sandbox population service: {people.url} (slow, 5xx, 429, stalls; "
                      f"{len(registry.population):,} people)")
        console.print(f"Sandbox judicial-record system: {lltp.url} ({len(judicial.registry.requests):,} requests; "
                      "5xx, 429, stalls, an outage)")
        console.print(f"Sandbox land-registration system: {land_api.url} ({len(land.registry.transactions):,} "
                      f"transactions; 5xx, 429, stalls, an outage), and {len(land_exports)} monthly exports in "
                      f"{land_drop}")
        console.print(f"Sandbox Plan 02 monitoring system: {plan02.url} ({len(readiness.registry.versions):,} "
                      f"readiness returns of {len(readiness.registry.communes)} communes), and "
                      f"{len(readiness_files)} template files in {settings.readiness_folder}")
        console.print(f"Sandbox feedback system: {pakn.url} ({len(feedback.registry.items):,} feedback items, "
                      f"{len(feedback.registry.ratings):,} dossier ratings)")
        kept = len(catalogue.registry.formalities)
        console.print(f"Sandbox procedure catalogue: {tthc.url} ({kept} procedures with their publishing decisions, "
                      f"and {len(catalogue.registry.records) - kept} records validation refuses)")
        apply_roles(wh, settings)
        if not verbose:
            console.print(f"Running the DAGs; their logs (Airflow tasks, dbt, GX) go to [cyan]{log}[/] "
                          "(`kho -v demo` shows them here)")
        with logs_to_file(log, verbose):
            dags = airflow_env.load_dags()
            order = dag_order()
            with DagProgress(order) as progress:
                for dag_id in order:
                    run_dag(dags, dag_id, progress, log, logical_date=datetime.now(timezone.utc))
        apply_roles(wh, settings)  # again: the departments of the register the run modelled get their roles
    summary = collect_summary(wh)
    print_summary(summary, wh, settings)
    console.print(f"Logs of this run: {log}")
    with logs_to_file(log, verbose):
        wh.close()  # the embedded server stops here, its shutdown chatter to the log
    return summary


DEMO_SOURCES = ("onestop", "documents", "civil_status", "judicial", "land", "readiness")


def collect_summary(wh) -> dict:
    """Records per stage, per source: (one-stop, documents, civil status, judicial) for each stage."""
    _, rows = wh.query(
        "select b.source, sum(b.rows_extracted)::bigint, sum(b.rows_rejected)::bigint, "
        "coalesce(sum(v.rows_checked), 0)::bigint, coalesce(sum(v.rows_quarantined), 0)::bigint, "
        "coalesce(sum(v.rows_passed), 0)::bigint "
        "from kho.batches b left join dq.validation_runs v using (batch_id) group by b.source")
    per_source = {r[0]: r[1:] for r in rows}
    stages = ("extracted", "rejected (unreadable)", "validated", "quarantined", "passed")
    summary = {stage: tuple(per_source.get(src, (0,) * 5)[i] for src in DEMO_SOURCES)
               for i, stage in enumerate(stages)}
    _, [counts] = wh.query(
        "select (select count(*) from marts.fct_dossiers), (select count(*) from marts.fct_documents), "
        "(select count(*) from marts.fct_civil_registrations), "
        "(select coalesce(sum(received), 0)::bigint from marts.judicial_record_unit_months), "
        "(select coalesce(sum(received), 0)::bigint from marts.land_transaction_unit_months), "
        "(select count(*) filter (where has_return) from marts.plan02_commune_status)")
    summary["in the marts"] = tuple(counts)  # Plan 02: the commune-months with a return
    return summary


def print_readiness(wh) -> None:
    """Plan 02: the province's coverage by month, and the communes whose reports and data disagree most."""
    _, rows = wh.query(
        "select to_char(period_month, 'YYYY-MM') || case when is_final then '' else ' (open)' end, communes, "
        "communes_green, communes_yellow, communes_red, "
        "communes_without_return, round(100 * green_share, 1), round(100 * green_share_change, 1), "
        "communes_with_disagreements from marts.plan02_province_coverage order by province_code, period_month")
    print_table("Plan 02 readiness, province (plan02_province_coverage; per commune: plan02_commune_status)",
                 ("month", "communes", "green", "yellow", "red", "no return", "green %", "change", "disagree"), rows)
    _, rows = wh.query(
        "select coalesce(unit_name, unit_code), to_char(period_month, 'YYYY-MM'), colour, "
        "criteria_met || '/' || criteria_total, disagreeing_criteria from marts.plan02_commune_status "
        "where disagreements > 0 order by period_month desc, disagreements desc, unit_code limit 8")
    print_table("Reports ready, data says otherwise (plan02_commune_criteria), latest 8",
                 ("commune", "month", "colour", "met", "disagreeing criteria"), rows, left=1)
    _, rows = wh.query(
        "select task_code, task_group, owner_name, deadline::text, status, "
        "case when is_overdue then days_overdue::text else '' end, coalesce(output_indicator, ''), "
        "coalesce(round(100 * output_target)::text, ''), coalesce(round(100 * measured_value, 1)::text, ''), "
        "case when done_but_target_not_met then 'done on paper' else '' end "
        "from marts.plan02_tasks where is_latest_status and (is_overdue or output_indicator is not null) "
        "order by is_overdue desc, task_code")
    print_table("Plan 02 tasks, latest status: overdue, and measured outputs (plan02_tasks)",
                 ("task", "group", "in charge", "deadline", "status", "days over", "output", "target %",
                  "measured %", ""), rows, left=3)


# a period's label: 2026-03, 2026-Q1, 2026-H1, 2026
PERIOD_LABEL = ("case period_type when 'month' then to_char(period_start, 'YYYY-MM') "
                "when 'quarter' then to_char(period_start, 'YYYY-\"Q\"Q') "
                "when 'half_year' then to_char(period_start, 'YYYY') || case when extract(month from period_start) = 1 "
                "then '-H1' else '-H2' end else to_char(period_start, 'YYYY') end")


def print_departments(wh) -> None:
    """The province's departments (its register): the dossiers that landed on each, and its Decision 766 score in
    the latest month the one-stop has."""
    _, rows = wh.query(
        "select u.unit_code, u.unit_name, coalesce(d.dossiers, 0), s.total_score::text, s.max_score_computed::text "
        "from marts.dim_units u "
        "left join (select unit_code, count(*) as dossiers from marts.fct_dossiers group by 1) d using (unit_code) "
        "left join marts.service_index_766 s on s.unit_code = u.unit_code and s.scope = 'unit' "
        "and s.unit_role = 'competent' and s.period_type = 'month' "
        "and s.period_start = (select max(period_month) from marts.fct_dossiers) "
        "where u.is_current and u.unit_level in ('department', 'department_unit') order by u.unit_code")
    if rows:
        print_table("Departments of the register: dossiers landed on them, 766 score of the latest month "
                    "(dim_units, service_index_766)", ("unit", "name", "dossiers", "score", "of computable"), rows,
                    left=2)


def print_summary(summary: dict, wh, settings: KhoSettings) -> None:
    print_table("Records per stage", ("stage", "one-stop dossiers", "document messages", "civil-status entries",
                                       "judicial requests", "land transactions", "Plan 02 rows"),
                 [(k, *v) for k, v in summary.items()])
    print_tally()
    _, rows = wh.query(
        "select unit_code_resolution, count(*), count(*) filter (where is_unit_ambiguous) from marts.fct_dossiers "
        "group by 1 order by 2 desc")
    print_table("Unit codes resolved to today's units (2025 reform)", ("resolution", "dossiers", "ambiguous (split)"),
                 rows)
    _, rows = wh.query(
        "select coalesce(unit_name, unit_code), to_char(month, 'YYYY-MM'), received, finished, on_time_share, "
        "online_share, online_payment_share, digitized_share from marts.dossier_unit_months "
        "order by received desc, unit_code, month limit 12")
    print_table("dossier_unit_months (busiest 12 unit-months)",
                 ("unit", "month", "received", "finished", "on time", "online", "online pay", "digitized"),
                 rows, left=2)
    _, rows = wh.query(
        "select to_char(period_start, 'YYYY-MM'), on_time_rate, online_dossiers_rate, full_online_dossiers_rate, "
        "electronic_results_rate, online_payment_dossiers_rate, dossier_sync_rate, total_score, max_score_computed "
        "from marts.service_index_766 where scope = 'province' and unit_role = 'competent' and period_type = 'month' "
        "order by 1")
    print_table("Decision 766 index, province (details: service_index_766_indicators, dossiers behind each "
                 "figure: service_index_766_dossiers)",
                 ("month", "on time", "online×sync", "full online", "e-result", "online pay", "synced", "score",
                  "of max computable"), rows)
    _, rows = wh.query(
        f"select {PERIOD_LABEL}, group_1_score, group_2_score, group_3_score, group_4_score, "
        "group_5_score, group_6_score, total_score, max_score_computed, "
        "round(100 * total_score / nullif(max_score_computed, 0), 2) from marts.service_index_766 "
        "where scope = 'province' and unit_role = 'competent' "
        "order by array_position(array['month', 'quarter', 'half_year', 'year'], period_type), period_start")
    print_table("Decision 766 index, province, by group and period (maxima 18 / 20 / 12 / 22 / 18 / 10; "
                "service_index_766)",
                 ("period", "1 publicity", "2 progress", "3 online", "4 digitized", "5 satisfaction", "6 payment",
                  "total", "computable", "of 100"), rows)
    _, rows = wh.query(
        "select to_char(month, 'YYYY-MM'), documents_sent, signature_rate, documents_received, handled_on_time, "
        "handled_late, open_overdue, on_time_rate from marts.document_unit_months where scope = 'province' "
        "order by month")
    print_table("Documents, province (document_unit_months)",
                 ("month", "sent", "signed", "received", "on time", "late", "overdue", "on-time rate"), rows)
    _, rows = wh.query(
        "select to_char(month, 'YYYY-MM'), sum(dossiers)::bigint, sum(on_both_platforms)::bigint, "
        "sum(onestop_only)::bigint, sum(document_only)::bigint, sum(duplicate_cases)::bigint, "
        "sum(matched_by_structured_code)::bigint, sum(matched_by_code_in_text)::bigint, "
        "sum(matched_by_applicant_procedure)::bigint from marts.case_reconciliation group by 1 order by 1")
    print_table("Cases across platforms (case_reconciliation; links: dossier_document_links)",
                 ("month", "dossiers", "both", "one-stop only", "document only", "keyed twice", "by code",
                  "code in text", "applicant+procedure"), rows)
    _, rows = wh.query(
        "select record_type, sum(registrations)::bigint, sum(late_registrations)::bigint, sum(corrected)::bigint, "
        "sum(verified)::bigint, sum(id_mismatch)::bigint, sum(id_not_found)::bigint, "
        "sum(verification_pending)::bigint, sum(with_dossier)::bigint, sum(registrations_without_dossier)::bigint, "
        "sum(dossiers_without_registration)::bigint from marts.civil_registration_unit_months group by 1 order by 1")
    print_table("Civil status (civil_registration_unit_months; entries: fct_civil_registrations)",
                 ("type", "registered", "late", "corrected", "IDs verified", "ID mismatch", "ID not found", "pending",
                  "with dossier", "no dossier", "dossier, no entry"), rows)
    _, rows = wh.query(
        "select coalesce(unit_name, unit_code), sum(received)::bigint, sum(issued)::bigint, "
        "sum(issued_on_time)::bigint, sum(open)::bigint, sum(open_overdue)::bigint, sum(waiting_police)::bigint, "
        "sum(waiting_national_centre)::bigint, sum(waiting_court)::bigint from marts.judicial_record_unit_months "
        "group by 1 order by 2 desc limit 8")
    print_table("Judicial records per receiving unit (judicial_record_unit_months; no result is ever shown)",
                 ("unit", "received", "issued", "on time", "open", "overdue", "wait police", "wait nat. centre",
                  "wait court"), rows, left=1)
    _, rows = wh.query("select match_status, count(*) from marts.judicial_record_dossier_links group by 1 order by 1")
    print_table("Judicial records against the one-stop (judicial_record_dossier_links)", ("status", "rows"), rows)
    _, rows = wh.query(
        "select coalesce(unit_name, unit_code), sum(received)::bigint, sum(first_registrations)::bigint, "
        "sum(transfers)::bigint, sum(mortgages)::bigint, sum(done)::bigint, sum(done_on_time)::bigint, "
        "sum(open_overdue)::bigint, sum(waiting_for_tax)::bigint, sum(paid)::bigint, sum(paid_online)::bigint "
        "from marts.land_transaction_unit_months group by 1 order by 2 desc limit 8")
    print_table("Land registration per commune, busiest 8 (land_transaction_unit_months)",
                 ("commune", "received", "first reg.", "transfers", "mortgages", "done", "on time", "overdue",
                  "wait tax", "paid", "paid online"), rows, left=1)
    _, rows = wh.query("select match_status, count(*) from marts.land_transaction_dossier_links group by 1 order by 1")
    print_table("Land against the one-stop (land_transaction_dossier_links)", ("status", "rows"), rows)
    print_readiness(wh)
    print_departments(wh)
    _, rows = wh.query(
        "select system, sum(calls)::bigint, sum(failures)::bigint, sum(timeouts)::bigint, sum(server_errors)::bigint,"
        " sum(throttled)::bigint, sum(breaker_refusals)::bigint, round(max(p95_latency_ms)), "
        "sum(outage_windows)::bigint, sum(items_pending)::bigint from marts.national_link_health group by 1 "
        "order by 1")
    print_table("National links (national_link_health; outage windows: national_link_outages)",
                 ("system", "calls", "failures", "timeouts", "5xx", "429", "breaker", "p95 ms", "outages",
                  "pending"), rows, left=1)
    _, [checks] = wh.query("select count(*) filter (where status <> 'pending'), count(*) filter (where status = "
                           "'pending') from raw_population.checks")
    console.print(f"Citizen-ID checks: {checks[0]:,} answered, {checks[1]:,} pending (retried by verify_citizen_ids)")
    where = "embedded PostgreSQL, data in " + str(settings.pgdata) if wh.embedded else "external PostgreSQL"
    console.print(f"\n[bold]Warehouse[/]: {where}\n  connect: [cyan]{wh.uri}[/] "
                  f"(or `kho sql \"select …\"`, `kho warehouse serve` to keep it up for psql/BI tools)")
    console.print(f"[bold]Landing zone[/]: {settings.landing_uri}")
    console.print(f"[bold]Airflow home[/]: {settings.airflow_home} (task logs under logs/)")
    console.print(f"[bold]dbt artifacts[/]: {settings.dbt_target_dir} (dbt.log in {settings.dbt_log_dir})")
    reports = sorted(settings.reports_dir.glob("*/*/index.html"))
    if reports:
        latest = reports[-1]
        units = len([p for p in latest.parent.glob("*.html") if p.name != "index.html"])
        console.print(f"[bold]Data-quality reports[/]: [cyan]{latest}[/] (province overview; {units} unit reports "
                      f"beside it, with PDFs and CSVs of records to fix)")
    readiness = sorted(settings.reports_dir.glob("*/*/plan02/index.html"))
    if readiness:
        console.print(f"[bold]Plan 02 readiness report[/]: [cyan]{readiness[-1]}[/] (the province; a page per "
                      "commune beside it)")
    scoreboards = sorted(settings.reports_dir.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]/*/766/index.html"))
    if scoreboards:  # the month's page (the quarter's, half-year's and year's are in 2026-Q1/, 2026-H1/, 2026/)
        console.print(f"[bold]Decision 766 scoreboard[/]: [cyan]{scoreboards[-1]}[/] (units ranked, the lowest five "
                      "departments and communes; mailed weekly as a digest; the quarter's, half-year's and year's "
                      "beside it)")
    console.print(f"[bold]GX Data Docs[/]: [cyan]{settings.gx_docs_dir / 'index.html'}[/]")
