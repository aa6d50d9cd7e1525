"""The ``kho`` command line."""

from __future__ import annotations

import csv
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import click
from rich.table import Table

from kho.console import console, print_tally


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
def main(verbose: bool) -> None:
    """Kho: the province's shared data warehouse."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if threading.current_thread() is threading.main_thread():  # Python takes signals in its main thread only
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame) -> None:
    """`kill`, a service manager or a CI's timeout stops a command with SIGTERM, whose default ends Python at once:
    exit as on an error instead, so its `finally` blocks and exit hooks stop what it started (the bench's sandbox,
    the embedded PostgreSQL) rather than leave them running."""
    raise SystemExit(128 + signum)


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Run the whole pipeline end to end on the embedded default and print a summary (logs to a file; -v here)."""
    from kho.demo import run_demo

    run_demo(verbose=bool(ctx.parent and ctx.parent.params.get("verbose")))


@main.group(name="import")
def import_() -> None:
    """Import exports handed over as files."""


def _import_command(name: str, description: str) -> click.Command:
    @click.argument("path", type=click.Path(exists=True, path_type=Path))
    def run(path: Path) -> None:
        from kho.pipeline import import_path

        manifests, summaries = import_path(name, path)
        read = sum(m["rows"] + m["rejected"] for m in manifests)
        refused = sum(m["rejected"] for m in manifests)
        console.print(f"{name}: {read:,} records read in {len(manifests)} batches, {refused:,} refused "
                      "(listed in each batch's rejected.jsonl)")
        for summary in summaries:
            console.print(f"batch {summary['batch_id']}: {summary['checked']:,} checked, {summary['passed']:,} "
                          f"passed, {summary['quarantined']:,} quarantined")
        print_tally([s["run_id"] for s in summaries])
        console.print("Run `kho transform` (or the transform_warehouse DAG) to update the marts.")

    run.__doc__ = f"Land, load and validate {description}: what was not read before."
    return click.command(name.replace("_", "-"))(run)


def _add_import_commands() -> None:
    from kho.core.sources import registered_sources

    for name, src in registered_sources().items():
        if src.import_path is not None:
            import_.add_command(_import_command(name, src.description))


_add_import_commands()


@main.command()
def migrate() -> None:
    """Apply the warehouse's pending schema migrations (numbered steps, and the raw tables of every source)."""
    from kho.core.migrations import applied
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse

    settings = get_settings()
    wh = Warehouse.reach(settings)
    ran = wh.bootstrap(settings)
    with wh.connect() as conn:
        done = applied(conn) or {}
    console.print(f"{len(done)} steps recorded; applied now: {', '.join(ran) or 'none (already current)'}")


@main.command()
def sources() -> None:
    """The registered sources, their streams and raw tables."""
    from kho.core.sources import registered_sources

    table = Table("source", "streams (raw tables)", "extract", "file import")
    for name, src in registered_sources().items():
        table.add_row(name, ", ".join(s.raw_table(src).qualified for s in src.streams),
                      src.schedule or "manual", "yes" if src.import_path else "no")
    console.print(table)


@main.command()
def verify() -> None:
    """Check the citizen IDs of newly registered people against the population service (pending ones retried)."""
    from kho.pipeline import verify_citizen_ids

    result = verify_citizen_ids()
    console.print(f"filed {result['filed']:,} new person entries; attempted {result['attempted']:,} checks: "
                  f"{result['answered']}; {result['failed']:,} failed, {result['pending_after']:,} pending now")


@main.command()
def roles() -> None:
    """Create or update department login roles and their units; grant analysts and engineers their schemas."""
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse
    from kho.roles import apply_roles

    s = get_settings()
    result = apply_roles(Warehouse.open(s), s)
    console.print(f"{result['departments']:,} department roles covering {result['units']:,} units")


@main.group()
def pseudonyms() -> None:
    """The pseudonym key (held in the warehouse by kho_secure; README, "Security")."""


@pseudonyms.command("status")
def pseudonyms_status() -> None:
    """List the key versions the warehouse has had (no key material is ever shown)."""
    from kho.core.pseudonyms import key_versions
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse

    with Warehouse.open(get_settings(), check_key=False).connect() as conn:
        versions = key_versions(conn)
    table = Table("version", "state", "created", "retired", "pads erased")
    for version, active, created, retired, destroyed in versions:
        state = "active" if active else ("destroyed" if destroyed else "retired (rebuild pending)")
        table.add_row(str(version), state, f"{created:%Y-%m-%d %H:%M}", f"{retired:%Y-%m-%d %H:%M}" if retired else "",
                      f"{destroyed:%Y-%m-%d %H:%M}" if destroyed else "")
    console.print(table)


@pseudonyms.command("rotate")
def pseudonyms_rotate() -> None:
    """Move the warehouse to the key now in KHO_PSEUDONYM_KEY: new key version, stored checks re-keyed, every model
    rebuilt, then the old key erased. Pause the DAGs first; rerun to resume if the rebuild fails."""
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse
    from kho.dbt import build_args, run_dbt
    from kho.key_rotation import rotate

    s = get_settings()
    wh = Warehouse.open(s, check_key=False)
    try:
        r = rotate(wh, s, lambda: run_dbt(build_args(full_refresh=True), wh, s))
    except RuntimeError as e:
        raise click.ClickException(str(e)) from e
    verb = "resumed: rebuilt with" if r.resumed else f"rotated from version {r.from_version} to"
    console.print(f"pseudonym key {verb} version {r.to_version}; {r.checks_rekeyed:,} citizen-ID checks re-keyed; "
                  f"every model rebuilt; {r.keys_destroyed} retired key(s) erased")


@main.command("dbt-manifest")
def dbt_manifest() -> None:
    """Build the dbt manifest the transform DAG is rendered from (dbt parse; no warehouse needed). Run it when
    deploying: a DAG parse then only reads it (and rebuilds it itself if the project changed)."""
    from kho.dbt import render_manifest

    console.print(f"dbt manifest for the transform DAG: [cyan]{render_manifest()}[/]")


@main.command()
@click.option("--full-refresh", is_flag=True,
              help="Rebuild the incremental models from scratch (after reference data or model logic changed).")
def transform(full_refresh: bool) -> None:
    """Build the dbt project (staging → marts, with tests) directly, without Airflow."""
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse
    from kho.dbt import build_args, run_dbt

    s = get_settings()
    results = run_dbt(build_args(full_refresh=full_refresh), Warehouse.open(s), s)
    console.print(f"dbt build: {len(results)} nodes, all passed or warned")


@main.command()
def docs() -> None:
    """Build the dbt docs site (every model, column and test, with lineage) as one static page."""
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse
    from kho.dbt import build_docs

    s = get_settings()
    console.print(f"dbt docs: [cyan]{build_docs(Warehouse.open(s), s)}[/] (open it in a browser; no server needed)")


def report_options(what: str, send_help: str):
    """The options every report command shares: language, PDF, sending (and sending again)."""
    def wrap(f):
        for option in reversed((
                click.option("--lang", type=click.Choice(["vi", "en"]),
                             help="Report language (default KHO_REPORT_LANG, vi)."),
                click.option("--pdf/--no-pdf", default=None, help=f"Also render {what} (default KHO_REPORT_PDF)."),
                click.option("--send", is_flag=True, help=send_help),
                click.option("--resend", is_flag=True, help="With --send: send again what was sent before."))):
            f = option(f)
        return f
    return wrap


def publish(render, describe, send: bool, resend: bool):
    """Render a report set (a missing mart or a bad period is the user's error, said in one line), say where it is,
    and e-mail it when asked."""
    from kho.reports.publish import deliver_reports

    try:
        rs = render()
    except (LookupError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    console.print(describe(rs))
    if send:
        counts = deliver_reports(rs, resend=resend)
        console.print("e-mail: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
                      + " (log: kho.report_deliveries)")
    return rs


@main.command()
@click.option("--period", help="Month to report, YYYY-MM (default: the latest closed month of the data).")
@click.option("--unit", "units", multiple=True, help="Only this unit (current code); repeatable.")
@report_options("PDFs", "E-mail each report to its unit (KHO_REPORT_RECIPIENTS_FILE, KHO_SMTP_*).")
@click.option("--data-docs/--no-data-docs", default=True, help="Also rebuild GX Data Docs for the engineers.")
def report(period, units, lang, pdf, send, resend, data_docs) -> None:
    """Render the data-quality reports (one per unit, and the province overview) from the DQ marts."""
    from kho.reports.publish import render_reports

    publish(lambda: render_reports(period, lang, pdf, list(units) or None),
            lambda rs: f"{len(rs.units):,} unit reports and the overview for {rs.period:%Y-%m} ({rs.lang}): "
                       f"[cyan]{rs.overview.html}[/]", send, resend)
    if data_docs:
        from expectations.data_docs import build_data_docs
        from kho.core.settings import get_settings
        from kho.core.warehouse import Warehouse

        s = get_settings()
        console.print(f"GX Data Docs: [cyan]{build_data_docs(Warehouse.open(s), s)}[/]")


@main.command()
@click.option("--period", help="Month to rank, or any month of the quarter, half-year or year, YYYY-MM "
                               "(default: the latest closed period).")
@click.option("--period-type", type=click.Choice(["month", "quarter", "half_year", "year"]), default="month",
              show_default=True, help="Rank the units over a month, quarter, half-year or year.")
@report_options("a PDF", "E-mail the digest to the province office (the overview's recipients).")
def scoreboard(period, period_type, lang, pdf, send, resend) -> None:
    """Render the province's Decision 766 scoreboard: units ranked by total and by group, the lowest five."""
    from kho.reports.publish import render_scoreboard

    publish(lambda: render_scoreboard(period, lang, pdf, period_type=period_type),
            lambda rs: f"Decision 766 scoreboard ({rs.lang}): [cyan]{rs.overview.html}[/]", send, resend)


@main.command("readiness-report")
@click.option("--period", help="Month to report, YYYY-MM (default: the latest month whose returns are all in).")
@click.option("--unit", "units", multiple=True, help="Only this commune (current code); repeatable.")
@report_options("PDFs", "E-mail each page to its unit (KHO_REPORT_RECIPIENTS_FILE, KHO_SMTP_*).")
def readiness_report(period, units, lang, pdf, send, resend) -> None:
    """Render the Plan 02 readiness report: the province page and one page per commune."""
    from kho.reports.publish import render_readiness

    publish(lambda: render_readiness(period, lang, pdf, list(units) or None),
            lambda rs: f"Plan 02 readiness for {rs.period:%Y-%m} ({rs.lang}): {len(rs.units):,} communes and the "
                       f"province: [cyan]{rs.overview.html}[/]", send, resend)


@main.command()
@click.argument("query")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def sql(query: str, as_csv: bool) -> None:
    """Run QUERY against the configured warehouse and print the result."""
    from kho.core.warehouse import Warehouse

    cols, rows = Warehouse.open().query(query)
    if as_csv:
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
        return
    table = Table(*cols)
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    console.print(table)
    console.print(f"({len(rows)} rows)")


@main.group()
def warehouse() -> None:
    """The warehouse itself."""


@warehouse.command("url")
def warehouse_url() -> None:
    """Print the libpq URL of the warehouse (starts the embedded one if needed)."""
    from kho.core.warehouse import Warehouse

    click.echo(Warehouse.open().uri)


@warehouse.command("serve")
def warehouse_serve() -> None:
    """Keep the embedded warehouse running (for psql or a BI tool) until Ctrl-C."""
    from kho.core.settings import get_settings
    from kho.core.warehouse import Warehouse

    wh = Warehouse.open(get_settings().model_copy(update={"embedded_mode": "start"}))  # serving is starting it
    console.print(f"warehouse up: [cyan]psql '{wh.uri}'[/] — tasks reach it with KHO_EMBEDDED_MODE=served; "
                  "Ctrl-C to stop")
    try:  # until Ctrl-C, or SIGTERM from a service manager (main's handler: SystemExit)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        wh.close()


@main.group()
def stack() -> None:
    """The production-shaped stack on this machine, without Docker (warehouse, Redis, object store, sandboxes,
    Airflow with Celery workers), each component a process of its own."""


@stack.command("up")
@click.option("--api-port", type=int, default=8080, show_default=True, help="Port of the Airflow UI and API.")
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True, help="Celery workers.")
@click.option("--sandboxes/--no-sandboxes", default=True, show_default=True,
              help="Run the sandbox source systems (else the KHO_*_URL sources configured are used).")
def stack_up(api_port: int, workers: int, sandboxes: bool) -> None:
    """Start the stack (what of it is not running) and print where the UI is and how to log in."""
    from kho.core.settings import get_settings
    from kho.stack import StackError, admin_login, up

    try:
        state = up(get_settings(), api_port=api_port, workers=workers, sandboxes=sandboxes, progress=console.print)
    except StackError as e:
        raise click.ClickException(str(e)) from e
    user, password = admin_login(state)
    console.print(f"[green]✓[/] stack up: Airflow UI [cyan]{state.api_url}[/] (login {user} / {password}); "
                  f"logs in {state.dir / 'logs'}; `kho stack down` stops it")


@stack.command("down")
def stack_down() -> None:
    """Stop every process of the stack."""
    from kho.core.settings import get_settings
    from kho.stack import down

    killed = down(get_settings(), progress=console.print)
    console.print("[green]✓[/] stack down" + (f" ({killed} processes needed SIGKILL)" if killed else ""))


@stack.command("airflow", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def stack_airflow(args: tuple[str, ...]) -> None:
    """Run the airflow CLI against the stack: `kho stack airflow dags trigger extract_onestop`."""
    from kho.core.settings import get_settings
    from kho.stack import StackError, airflow_command

    try:
        argv, env = airflow_command(get_settings(), list(args))
    except StackError as e:
        raise click.ClickException(str(e)) from e
    os.execvpe(argv[0], argv, env)


@stack.command("status")
def stack_status() -> None:
    """Each component of the stack and whether it runs."""
    from kho.console import print_table
    from kho.core.settings import get_settings
    from kho.stack import status

    rows = status(get_settings())
    if not rows:
        console.print("no stack has been started here (`kho stack up`)")
        return
    print_table("kho stack", ("component", "pid", "state"), rows, left=3)


@main.command()
@click.option("--dossiers", type=int, default=100_000, show_default=True)
@click.option("--keep", is_flag=True, help="Keep the benchmark's warehouse and landing zone afterwards.")
@click.option("--port", type=int, default=8799, show_default=True, help="Port of the benchmark's sandbox.")
@click.option("--vs", "versus", type=click.Choice(["dlt"]), multiple=True,
              help="Also time a peer on the same pages in the same run (dlt: a dev dependency).")
@click.option("--snapshot", is_flag=True,
              help="Keep the warehouse as it stood before the incremental transform, for `kho bench-replay` "
                   "(implies --keep; a copy of the database: twice the disk).")
def bench(dossiers: int, keep: bool, port: int, versus: tuple[str, ...], snapshot: bool) -> None:
    """Time every stage on N sandbox dossiers, a full run then an incremental one after 1% changed; print
    seconds, rows/s, peak memory and each stage's ratio to its in-run anchor."""
    from kho.bench import run_bench

    run_bench(dossiers, keep=keep, port=port, versus=versus, snapshot=snapshot)


@main.command("bench-replay")
@click.argument("home", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--times", type=int, default=1, show_default=True, help="Restore and replay this many times.")
@click.option("--reports/--no-reports", default=True, show_default=True, help="Time the reports after the transform.")
def bench_replay(home: Path, times: int, reports: bool) -> None:
    """Replay a `kho bench --snapshot` run's incremental transform and reports on its kept warehouse, with this
    checkout's code: restore the snapshot, then time `dbt build` and the reports as the bench does."""
    from kho.bench_replay import replay

    replay(home, times=times, reports=reports)


if __name__ == "__main__":
    main()
