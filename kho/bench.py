"""``kho bench --dossiers N``: time each stage on N sandbox dossiers in a throwaway warehouse.

Prints wall seconds, rows/s and the process's peak memory after each stage, for a full run and then for an
incremental one after 1% of the dossiers changed (new and updated). The sandbox runs in a separate process and
pre-renders every dossier before the run, so that generating and serving JSON does not count against the
extractor's CPU or memory.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.table import Table

from kho.console import console, logs_to_file
from kho.processes import stop_session


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process, every thread (not the database server's, nor the sandbox's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


HISTORY = "bench-runs.csv"  # every run's figures, appended: a regression shows as a ratio that moved


def _landed_mb(manifest: dict) -> float:
    """Uncompressed size of the landed batch (Arrow/Parquet column data), to compare throughput per byte."""
    from kho.core.landing import LandingZone

    zone = LandingZone.at(manifest["landing_path"])
    total = 0
    for f in manifest["files"]:
        meta = zone.parquet(f).metadata
        total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return total / 1e6


STAGES = ("extract+land", "load", "validate", "transform", "reports")
CHANGED_SHARE = 0.01  # the incremental run: this share of the dossiers new or updated since the full run


def _start_sandbox(n: int, port: int, hold_back: int) -> tuple[subprocess.Popen, datetime]:
    """The sandbox in its own process session (it forks its pre-rendering workers), every dossier pre-rendered, its
    clock held back by ``hold_back`` changes; returns it and its clock (the full run's start). Interrupted while it
    pre-renders (Ctrl-C, SIGTERM), the session is stopped before the interruption goes on."""
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.onestop", "--port", str(port), "--dossiers", str(n),
                             "--hold-back", str(hold_back), "--prerender"], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        line = proc.stdout.readline()  # "sandbox one-stop system (N dossiers, clock yyyyMMddHHmmss) on http://…"
        clock = re.search(r"clock (\d{14})\) on http://", line)
        if not (line.startswith("sandbox one-stop system") and clock):
            raise RuntimeError(f"sandbox did not start: {line!r}")
    except BaseException:
        stop_session(proc.pid, grace=10)
        raise
    return proc, datetime.strptime(clock.group(1), "%Y%m%d%H%M%S")


def _release(port: int) -> datetime:
    """Move the sandbox's clock past the held-back changes; returns the new clock (the incremental run's start)."""
    import httpx

    answer = httpx.post(f"http://127.0.0.1:{port}/admin/release", timeout=30).raise_for_status().json()
    return datetime.strptime(answer["clock"], "%Y%m%d%H%M%S")


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int
    peak_mb: float
    mb: float | None = None  # landed bytes moved by the stage (extract and load)
    anchor: str | None = None
    anchor_seconds: float | None = None
    received: int | None = None  # the extract's records as the API sent them (landed or refused at landing)
    cpu_seconds: float | None = None  # Kho's own CPU time in the stage (the connector's, for the extract)

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.anchor_seconds if self.anchor_seconds else None


def run_bench(n: int, keep: bool = False, port: int = 8799, versus: tuple[str, ...] = (),
              snapshot: bool = False) -> list[Stage]:
    """The full run and the incremental one; with ``snapshot`` (implies ``keep``), the warehouse and its side files
    are kept as they stood before the incremental run's transform, for `kho bench-replay` (kho/bench_replay.py)."""
    from kho.core.settings import get_settings as _settings

    history = _settings().home / HISTORY  # the user's KHO_HOME, not the throwaway one below
    log = _settings().home / "logs" / f"bench-{datetime.now():%Y%m%d-%H%M%S}.log"
    home = Path(tempfile.mkdtemp(prefix="kho-bench-"))
    os.environ["KHO_HOME"] = str(home)
    # the throwaway warehouse is an embedded one of its own, on a socket, whatever the user's settings name
    for name in ("KHO_WAREHOUSE_URL", "KHO_EMBEDDED_PORT"):
        os.environ.pop(name, None)
    os.environ["KHO_EMBEDDED_MODE"] = "start"
    os.environ["KHO_ONESTOP_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("KHO_ONESTOP_PAGE_SIZE", "5000")
    os.environ["KHO_CATALOGUE_URL"] = "none"  # the procedure catalogue from its export (_land_catalogue)
    from kho.core.settings import get_settings

    get_settings.cache_clear()
    from kho.core.warehouse import Warehouse

    s = get_settings()
    wh = Warehouse.open(s)
    changes = max(1, round(n * CHANGED_SHARE))
    console.print(f"sandbox: {n:,} dossiers, pre-rendered, {changes:,} changes held back for the incremental run")
    sandbox = None
    try:
        sandbox, clock = _start_sandbox(n, port, changes)
        console.print(f"logs (dbt, GX, the reports) go to {log}")
        with logs_to_file(log):
            _land_catalogue(s)
            full = _run_stages("", n, clock, wh, s, anchors=True)
            if "dlt" in versus:
                full.append(_versus_dlt(full, wh, s, clock, home))
            through_fn, inline = _pseudonymize_vs_inline(wh, n)
            incremental = _run_stages("1% ", n, _release(port), wh, s, anchors=False,
                                      before_transform=(lambda: _snapshot(wh, home)) if snapshot else None)
    finally:  # also on SIGTERM (kho.cli): the sandbox and the throwaway warehouse stop with the bench
        if sandbox:
            stop_session(sandbox.pid, grace=10)  # the sandbox and any worker it forked
        wh.close()
        if not (keep or snapshot):
            shutil.rmtree(home, ignore_errors=True)
    _print_table(n, full, incremental)
    _append_history(history, n, full, incremental)
    landed_mb = full[0].mb or 0.0
    console.print(f"Landed batch: {landed_mb:,.0f} MB uncompressed, {landed_mb * 1e6 / n:,.0f} bytes per dossier "
                  "(DVCQG records carry their component, fee and history lists).")
    console.print("vs anchor = the stage's seconds / the seconds, in this run and on the same data, of what a user "
                  "would pick instead (kho/bench_anchors.py); vs full = the incremental run's stage / the full "
                  f"run's. Every run is appended to {history}.")
    console.print(f"pseudonymize: {n:,} IDs through kho_secure.pseudonymize in {through_fn:.2f} s, "
                  f"{through_fn / inline:.1f}x the same HMAC inline with literal pads "
                  f"({inline:.2f} s, a throwaway key: the warehouse's never appears in SQL)")
    if keep or snapshot:
        console.print(f"kept: {home}" + (f" (replay its 1% transform and reports: kho bench-replay {home})"
                                         if snapshot else ""))
    return full + incremental


def _land_catalogue(s) -> None:
    """The sandbox's procedure catalogue (its export, the same for any number of dossiers) landed and validated
    before the timed runs, untimed: the transform reads statutory times, fees and online levels from it."""
    from kho.pipeline import extract, load, validate

    subprocess.run([sys.executable, "-m", "sandbox.catalogue", "--dossiers", "10", "--export-only",
                    str(s.catalogue_folder)], check=True, capture_output=True)
    validate(load(extract("catalogue", datetime.now(), settings=s), s), s)


def _snapshot(wh, home: Path) -> None:
    from kho.bench_replay import take_snapshot

    console.print(f"snapshot before the incremental transform: {take_snapshot(wh, home):.1f} s (not timed)")


def _run_stages(prefix: str, n: int, run_start: datetime, wh, s, *, anchors: bool,
                before_transform: Callable[[], None] | None = None) -> list[Stage]:
    """One pipeline run of the one-stop source at ``run_start`` (sandbox time): extract+land, load, validate,
    transform, reports, timed; with ``anchors``, each stage's in-run anchor measured on the same data after it;
    ``before_transform`` is called, untimed, between validation and the transform."""
    from kho.bench_anchors import bare_ingest_seconds, one_pass_seconds, plain_reader_seconds
    from kho.dbt import build_args, import_dbt, run_dbt
    from kho.pipeline import extract, load, validate
    from kho.reports.render import publish

    stages: list[Stage] = []

    def stage(name: str, fn, rows: int | None = None):
        t, cpu = time.perf_counter(), _cpu_seconds()
        out = fn()
        secs = time.perf_counter() - t
        done = Stage(prefix + name, secs, n if rows is None else rows, _peak_mb(), cpu_seconds=_cpu_seconds() - cpu)
        stages.append(done)
        console.print(f"{done.name:<16} {secs:8.1f} s  {done.rows / secs:10,.0f} rows/s  peak {done.peak_mb:,.0f} MB")
        return out

    manifests = stage("extract+land", lambda: extract("onestop", run_start, settings=s))
    rows = stages[-1].rows = sum(m["rows"] for m in manifests)
    stages[-1].received = rows + sum(m.get("rejected", 0) for m in manifests)  # landed + refused at landing
    landed_mb = sum(_landed_mb(m) for m in manifests)
    stages[-1].mb = landed_mb
    if anchors:
        secs, cpu, read = plain_reader_seconds(s.onestop_url, s.onestop_token.get_secret_value(), run_start,
                                               s.onestop_page_size, s.home / "bench-plain-reader")
        _refuse_other_pages("the plain reader", read, stages[-1].received)
        stages[-1].anchor, stages[-1].anchor_seconds = "plain reader", secs
        console.print(f"{'plain reader':<16} {secs:8.1f} s  {read / secs:10,.0f} rows/s  "
                      f"{read / cpu:,.0f} per CPU-s (httpx, dicts, from_pylist, Parquet; the same pages)")
    loaded = stage("load", lambda: load(manifests, s), rows)
    stages[-1].mb = landed_mb
    if anchors:
        stages[-1].anchor, stages[-1].anchor_seconds = "bare ADBC ingest", bare_ingest_seconds(wh, manifests)
    # GX is imported already: by the catalogue's validation before the runs (_land_catalogue)
    summaries = stage("validate", lambda: validate(loaded, s), rows)
    if anchors:
        from connectors.onestop.suite import suite

        stages[-1].anchor = "rules as one SQL pass"
        stages[-1].anchor_seconds = sum(one_pass_seconds(wh, suite(), b["batch_id"])[0] for b in summaries)
    if before_transform:
        before_transform()
    t = time.perf_counter()
    import_dbt()  # by the first build in a process, which the incremental run's is not: untimed, printed apart
    if not prefix:
        console.print(f"{'import dbt':<16} {time.perf_counter() - t:8.1f} s  (not timed)")
    stage("transform", lambda: run_dbt(build_args(), wh, s), rows)
    reports = stage("reports", lambda: publish(wh, s, pdf=False), rows)
    console.print(f"reports: {len(reports.units):,} unit pages and the overview (HTML, charts, CSVs; "
                  "PDFs add ~0.5 s per page)")
    return stages


def _refuse_other_pages(anchor: str, read: int, received: int | None) -> None:
    """An anchor that read the API stands against Kho's extract only if it read what Kho received."""
    if read != received:
        raise RuntimeError(f"{anchor} read {read:,} dossiers where Kho received {received:,}: not the same pages")


def _versus_dlt(full: list[Stage], wh, s, clock: datetime, home: Path) -> Stage:
    """Kho's extract+land and load summed, against dlt reading the same pages and loading them (same run)."""
    from kho.bench_anchors import dlt_pages_seconds

    secs, rows = dlt_pages_seconds(wh, s.onestop_url, s.onestop_token.get_secret_value(), clock,
                                   s.onestop_page_size, home / "dlt")
    kho = [st for st in full if st.name in ("extract+land", "load")]
    _refuse_other_pages("dlt", rows, kho[0].received)
    console.print(f"dlt              {secs:8.1f} s  {rows / secs:10,.0f} rows/s  (the same pages → PostgreSQL)")
    return Stage("extract+load", sum(st.seconds for st in kho), kho[0].rows, max(st.peak_mb for st in kho),
                 anchor="dlt, same pages", anchor_seconds=secs)


def _print_table(n: int, full: list[Stage], incremental: list[Stage]) -> None:
    table = Table(title=f"kho bench --dossiers {n:,} ({os.cpu_count()} cores)")
    for c in ("stage", "rows", "seconds", "rows/s", "rows/connector CPU-s", "MB/s", "vs anchor", "vs full",
              "peak RSS MB"):
        table.add_column(c, justify="left" if c == "stage" else "right")
    for st in full + incremental:
        base = next((f for f in full if incremental and st in incremental and f.name == st.name[3:]), None)
        table.add_row(st.name, f"{st.rows:,}", f"{st.seconds:.1f}", f"{st.rows / st.seconds:,.0f}",
                      # the connector's own rate; the other stages' work is the database server's
                      f"{st.rows / st.cpu_seconds:,.0f}" if st.cpu_seconds and st.name.endswith("extract+land")
                      else "",
                      f"{st.mb / st.seconds:,.0f}" if st.mb else "",
                      f"{st.ratio:.2f}x {st.anchor} ({st.anchor_seconds:.1f} s)" if st.ratio else "",
                      f"{st.seconds / base.seconds:.1%}" if base else "", f"{st.peak_mb:,.0f}")
    staged = [st for st in full if st.name in STAGES]
    table.add_row("summed", "", f"{sum(st.seconds for st in staged):.1f}", "", "", "", "",
                  f"{sum(st.seconds for st in incremental) / sum(st.seconds for st in staged):.1%}", "")
    console.print(table)


HISTORY_COLUMNS = ["run_at", "commit", "cores", "machine", "dossiers", "stage", "rows", "seconds", "rows_per_s",
                   "mb_per_s", "anchor", "anchor_seconds", "ratio", "peak_rss_mb", "kho_cpu_seconds"]


def _append_history(path: Path, n: int, full: list[Stage], incremental: list[Stage]) -> None:
    """Append this run's figures to the CSV of every run (created with its header the first time; a file written
    before a column was added gets the column, empty on its older rows)."""
    import csv
    import platform

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            old = list(csv.reader(f))
        if old and old[0] != HISTORY_COLUMNS:
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(HISTORY_COLUMNS)
                w.writerows(row + [""] * (len(HISTORY_COLUMNS) - len(row)) for row in old[1:])
    new = not path.exists()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    with open(path, "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        if new:
            w.writerow(HISTORY_COLUMNS)
        for st in full + incremental:
            w.writerow([at, commit, os.cpu_count(), platform.machine(), n, st.name, st.rows, f"{st.seconds:.3f}",
                        f"{st.rows / st.seconds:.0f}", "" if st.mb is None else f"{st.mb / st.seconds:.1f}",
                        st.anchor or "", "" if st.anchor_seconds is None else f"{st.anchor_seconds:.3f}",
                        "" if st.ratio is None else f"{st.ratio:.3f}", f"{st.peak_mb:.0f}",
                        "" if st.cpu_seconds is None else f"{st.cpu_seconds:.3f}"])


def _pseudonymize_vs_inline(wh, n: int) -> tuple[float, float]:
    """Seconds to pseudonymize ``n`` distinct 12-digit IDs through the key holder's function, and through the
    same HMAC-SHA256 written inline (the cost the SECURITY DEFINER function adds: no inlining, a PL/pgSQL call per
    value; the key is read once per session, migration 0014)."""
    import secrets

    ids = f"select lpad(g::text, 12, '0') as id from generate_series(1, {int(n)}) g"
    ipad, opad = (secrets.token_bytes(64).hex() for _ in range(2))
    inline = (f"encode(sha256(decode('{opad}', 'hex') || sha256(decode('{ipad}', 'hex') || convert_to(id, 'UTF8'))),"
              " 'hex')")
    out = []
    with wh.connect() as conn:
        for expr in ("kho_secure.pseudonymize(id)", inline):
            t = time.perf_counter()
            conn.execute(f"select sum(length({expr})) from ({ids}) t")
            out.append(time.perf_counter() - t)
    return out[0], out[1]
