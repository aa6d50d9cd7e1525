"""The ``kho`` command line."""

from __future__ import annotations

import csv
import logging
import sys
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


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Run the whole pipeline end to end on the embedded default and print a summary (logs to a file; -v here)."""
    from kho.demo import run_demo

    run_demo(verbose=bool(ctx.parent and ctx.parent.params.get("verbose")))


@main.group(name="import")
def import_() -> None:
    """Import exports handed over as files."""


@import_.command("onestop")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_onestop(path: Path) -> None:
    """Land, load and validate a DVCQG JSON export (a JSON array of dossier objects)."""
    from kho.pipeline import import_onestop_file

    manifest, loaded, summary = import_onestop_file(path)
    console.print(f"batch {manifest['batch_id']}: {manifest['rows'] + manifest['rejected']:,} records read, "
                  f"{manifest['rejected']:,} rejected, {loaded:,} loaded, {summary['passed']:,} passed, "
                  f"{summary['quarantined']:,} quarantined")
    print_tally([summary["run_id"]])
    console.print("Run `kho transform` (or the transform_warehouse DAG) to update the marts.")


@import_.command("documents")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_documents(folder: Path) -> None:
    """Land, load and validate the .edxml files of a drop folder that were not read before."""
    from kho.pipeline import import_documents_folder

    _print_validations(import_documents_folder(folder), "messages")
    console.print("Refused messages (hostile or unreadable XML) are listed in each batch's rejected.jsonl. "
                  "Run `kho transform` to update the marts.")


def _print_validations(summaries: list[dict], what: str) -> None:
    for summary in summaries:
        console.print(f"batch {summary['batch_id']}: {summary['checked']:,} {what}, {summary['passed']:,} passed, "
                      f"{summary['quarantined']:,} quarantined")
    print_tally([s["run_id"] for s in summaries])


@import_.command("civil-status")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_civil_status(folder: Path) -> None:
    """Land, load and validate the civil-status exports (.csv/.xlsx) of a folder that were not read before."""
    from kho.pipeline import import_civil_status_folder

    _print_validations(import_civil_status_folder(folder), "register entries")
    console.print("Refused files are listed in the births batch's rejected.jsonl. Run `kho verify` to check the "
                  "citizen IDs, then `kho transform`.")


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
    from kho.roles import apply_roles
    from kho.settings import get_settings
    from kho.warehouse import Warehouse

    s = get_settings()
    result = apply_roles(Warehouse.open(s), s)
    console.print(f"{result['departments']:,} department roles covering {result['units']:,} units")


@main.group()
def pseudonyms() -> None:
    """The pseudonym key (held in the warehouse by kho_secure; README, "Security")."""


@pseudonyms.command("status")
def pseudonyms_status() -> None:
    """List the key versions the warehouse has had (no key material is ever shown)."""
    from kho.pseudonyms import key_versions
    from kho.settings import get_settings
    from kho.warehouse import Warehouse

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
    from kho.dbt import run_dbt
    from kho.key_rotation import rotate
    from kho.settings import get_settings
    from kho.warehouse import Warehouse

    s = get_settings()
    wh = Warehouse.open(s, check_key=False)
    try:
        r = rotate(wh, s, lambda: run_dbt(["build", "--full-refresh"], wh, s))
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
    from kho.dbt import run_dbt
    from kho.settings import get_settings
    from kho.warehouse import Warehouse

    s = get_settings()
    results = run_dbt(["build", *(["--full-refresh"] if full_refresh else [])], Warehouse.open(s), s)
    console.print(f"dbt build: {len(results)} nodes, all passed or warned")


@main.command()
@click.option("--period", help="Month to report, YYYY-MM (default: the latest closed month of the data).")
@click.option("--unit", "units", multiple=True, help="Only this unit (current code); repeatable.")
@click.option("--lang", type=click.Choice(["vi", "en"]), help="Report language (default KHO_REPORT_LANG, vi).")
@click.option("--pdf/--no-pdf", default=None, help="Also render PDFs (default KHO_REPORT_PDF).")
@click.option("--send", is_flag=True, help="E-mail each report to its unit (KHO_REPORT_RECIPIENTS_FILE, KHO_SMTP_*).")
@click.option("--resend", is_flag=True, help="With --send: send again what was sent before for this period.")
@click.option("--data-docs/--no-data-docs", default=True, help="Also rebuild GX Data Docs for the engineers.")
def report(period, units, lang, pdf, send, resend, data_docs) -> None:
    """Render the data-quality reports (one per unit, and the province overview) from the DQ marts."""
    from kho.reports.publish import deliver_reports, render_reports

    try:
        rs = render_reports(period, lang, pdf, list(units) or None)
    except (LookupError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    console.print(f"{len(rs.units):,} unit reports and the overview for {rs.period:%Y-%m} ({rs.lang}): "
                  f"[cyan]{rs.overview.html}[/]")
    if send:
        counts = deliver_reports(rs, resend=resend)
        console.print("e-mail: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
                      + " (log: kho.report_deliveries)")
    if data_docs:
        from kho.gx_docs import build_data_docs
        from kho.settings import get_settings
        from kho.warehouse import Warehouse

        s = get_settings()
        console.print(f"GX Data Docs: [cyan]{build_data_docs(Warehouse.open(s), s)}[/]")


@main.command()
@click.argument("query")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def sql(query: str, as_csv: bool) -> None:
    """Run QUERY against the configured warehouse and print the result."""
    from kho.warehouse import Warehouse

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
    from kho.warehouse import Warehouse

    click.echo(Warehouse.open().uri)


@warehouse.command("serve")
def warehouse_serve() -> None:
    """Keep the embedded warehouse running (for psql or a BI tool) until Ctrl-C."""
    from kho.settings import get_settings
    from kho.warehouse import Warehouse

    wh = Warehouse.open(get_settings().model_copy(update={"embedded_mode": "start"}))  # serving is starting it
    console.print(f"warehouse up: [cyan]psql '{wh.uri}'[/] — tasks reach it with KHO_EMBEDDED_MODE=served; "
                  "Ctrl-C to stop")
    import signal

    def stop(signum, frame):  # a service manager stops it with SIGTERM: stop the server as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        wh.close()


@main.command()
@click.option("--dossiers", type=int, default=100_000, show_default=True)
@click.option("--keep", is_flag=True, help="Keep the benchmark's warehouse and landing zone afterwards.")
@click.option("--port", type=int, default=8799, show_default=True, help="Port of the benchmark's sandbox.")
def bench(dossiers: int, keep: bool, port: int) -> None:
    """Time every stage on N sandbox dossiers; print seconds, rows/s and peak memory."""
    from kho.bench import run_bench

    run_bench(dossiers, keep=keep, port=port)


if __name__ == "__main__":
    main()
