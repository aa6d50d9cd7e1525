"""``kho bench --dossiers N``: time each stage on N sandbox dossiers in a throwaway warehouse.

Prints wall seconds, rows/s and the process's peak memory after each stage. The sandbox runs in a separate
process so that generating and serving JSON does not count against the extractor's CPU or memory.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from rich.table import Table

from kho.console import console


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def _start_sandbox(n: int, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.onestop", "--port", str(port), "--dossiers", str(n)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # "sandbox one-stop system (N dossiers) on http://…"
    if not (line.startswith("sandbox one-stop system") and " on http://" in line):
        proc.kill()
        raise RuntimeError(f"sandbox did not start: {line!r}")
    return proc


def run_bench(n: int, keep: bool = False, port: int = 8799) -> list[tuple]:
    from kho.core.settings import get_settings as _settings

    history = _settings().home / HISTORY  # the user's KHO_HOME, not the throwaway one below
    home = Path(tempfile.mkdtemp(prefix="kho-bench-"))
    os.environ["KHO_HOME"] = str(home)
    os.environ["KHO_ONESTOP_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("KHO_ONESTOP_PAGE_SIZE", "5000")
    from kho.core.settings import get_settings

    get_settings.cache_clear()
    from kho.bench_anchors import bare_ingest_seconds, one_pass_seconds
    from kho.core.warehouse import Warehouse
    from kho.dbt import run_dbt
    from kho.pipeline import extract, load, validate

    s = get_settings()
    wh = Warehouse.open(s)
    sandbox = _start_sandbox(n, port)
    timings: list[tuple[str, float, float]] = []  # stage, seconds, peak RSS MB
    anchors: dict[str, tuple[str, float]] = {}  # stage -> (what, seconds), measured in this run

    def stage(name: str, fn):
        t = time.perf_counter()
        out = fn()
        secs = time.perf_counter() - t
        timings.append((name, secs, _peak_mb()))
        console.print(f"{name:<12} {secs:8.1f} s  {n / secs:10,.0f} rows/s  peak {_peak_mb():,.0f} MB")
        return out

    try:
        manifests = stage("extract+land", lambda: extract("onestop", datetime(2030, 1, 1), settings=s))
        landed_mb = sum(_landed_mb(m) for m in manifests)
        loaded = stage("load", lambda: load(manifests, s))
        anchors["load"] = ("bare ADBC ingest", bare_ingest_seconds(wh, manifests))
        import great_expectations  # noqa: F401  (import cost ~8 s, reported apart from the checks)

        summaries = stage("validate", lambda: validate(loaded, s))
        from connectors.onestop.suite import suite

        one_pass = [one_pass_seconds(wh, suite(), b["batch_id"]) for b in summaries]
        anchors["validate"] = ("rules as one SQL pass", sum(secs for secs, _ in one_pass))
        stage("transform", lambda: run_dbt(["build"], wh, s))
        through_fn, inline = _pseudonymize_vs_inline(wh, n)
        from kho.reports.render import publish

        reports = stage("reports", lambda: publish(wh, s, pdf=False))
        console.print(f"reports: {len(reports.units):,} unit pages and the overview (HTML, charts, CSVs; "
                      "PDFs add ~0.5 s per page)")
    finally:
        sandbox.terminate()
        sandbox.wait(10)
        wh.close()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
    table = Table(title=f"kho bench --dossiers {n:,} ({os.cpu_count()} cores)")
    for c in ("stage", "seconds", "rows/s", "MB/s", "vs anchor", "peak RSS MB"):
        table.add_column(c, justify="left" if c == "stage" else "right")
    rows = []
    for name, secs, peak in timings:
        mb_s = landed_mb / secs if name in ("extract+land", "load") else None  # the landed bytes move in these two
        anchor = anchors.get(name)
        ratio = secs / anchor[1] if anchor else None
        rows.append((name, secs, n / secs, mb_s, anchor[0] if anchor else None, anchor[1] if anchor else None,
                     ratio, peak))
        table.add_row(name, f"{secs:.1f}", f"{n / secs:,.0f}", f"{mb_s:,.0f}" if mb_s else "",
                      f"{ratio:.2f}x {anchor[0]} ({anchor[1]:.1f} s)" if anchor else "", f"{peak:,.0f}")
    console.print(table)
    _append_history(history, n, rows)
    console.print(f"Landed batch: {landed_mb:,.0f} MB uncompressed, {landed_mb * 1e6 / n:,.0f} bytes per dossier "
                  "(DVCQG records carry their component, fee and history lists).")
    console.print("vs anchor = the stage's seconds / the seconds, in this run and on the same data, of what a user "
                  "would pick instead (kho/bench_anchors.py). Every run is appended to " + str(history) + ".")
    console.print(f"pseudonymize: {n:,} IDs through kho_secure.pseudonymize in {through_fn:.2f} s, "
                  f"{through_fn / inline:.1f}x the same HMAC inline with literal pads "
                  f"({inline:.2f} s, a throwaway key: the warehouse's never appears in SQL)")
    if keep:
        console.print(f"kept: {home}")
    return rows


def _append_history(path: Path, n: int, rows: list[tuple]) -> None:
    """Append this run's figures to the CSV of every run (created with its header the first time)."""
    import csv
    import platform

    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    with open(path, "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        if new:
            w.writerow(["run_at", "commit", "cores", "machine", "dossiers", "stage", "seconds", "rows_per_s",
                        "mb_per_s", "anchor", "anchor_seconds", "ratio", "peak_rss_mb"])
        for name, secs, rate, mb_s, anchor, anchor_secs, ratio, peak in rows:
            w.writerow([at, commit, os.cpu_count(), platform.machine(), n, name, f"{secs:.3f}", f"{rate:.0f}",
                        "" if mb_s is None else f"{mb_s:.1f}", anchor or "",
                        "" if anchor_secs is None else f"{anchor_secs:.3f}", "" if ratio is None else f"{ratio:.3f}",
                        f"{peak:.0f}"])


def _pseudonymize_vs_inline(wh, n: int) -> tuple[float, float]:
    """Seconds to pseudonymize ``n`` distinct 12-digit IDs through the key holder's function, and through the
    same HMAC-SHA256 written inline (the cost the SECURITY DEFINER function adds: no inlining, a key read per
    call)."""
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
