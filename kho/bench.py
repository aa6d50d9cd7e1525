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


# seconds for 1M narrow dossier rows on the 2-core development machine (performance-notes.md)
ANCHORS = {"load": ("COPY", 4.5), "validate": ("GX on PostgreSQL", 6.0), "transform": ("unit x month aggregate", 2.0)}


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
    home = Path(tempfile.mkdtemp(prefix="kho-bench-"))
    os.environ["KHO_HOME"] = str(home)
    os.environ["KHO_ONESTOP_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("KHO_ONESTOP_PAGE_SIZE", "5000")
    from kho.core.settings import get_settings

    get_settings.cache_clear()
    from kho.core.warehouse import Warehouse
    from kho.dbt import run_dbt
    from kho.pipeline import extract, load, validate

    s = get_settings()
    wh = Warehouse.open(s)
    sandbox = _start_sandbox(n, port)
    timings: list[tuple[str, float, float]] = []  # stage, seconds, peak RSS MB

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
        import great_expectations  # noqa: F401  (import cost ~8 s, reported apart from the checks)

        stage("validate", lambda: validate(loaded, s))
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
        anchor = ANCHORS.get(name)
        ratio = secs / (anchor[1] * n / 1e6) if anchor else None
        rows.append((name, secs, n / secs, mb_s, ratio, peak))
        table.add_row(name, f"{secs:.1f}", f"{n / secs:,.0f}", f"{mb_s:,.0f}" if mb_s else "",
                      f"{ratio:.1f}x" if ratio else "", f"{peak:,.0f}")
    console.print(table)
    console.print(f"Landed batch: {landed_mb:,.0f} MB uncompressed, {landed_mb * 1e6 / n:,.0f} bytes per dossier "
                  "(DVCQG records carry their component, fee and history lists).")
    console.print("vs anchor = seconds / anchor seconds scaled to N; anchors for 1M narrow 16-column rows on 2 cores "
                  "(performance-notes.md): " + ", ".join(f"{k} {v[0]} {v[1]} s" for k, v in ANCHORS.items()) + ".")
    console.print(f"pseudonymize: {n:,} IDs through kho_secure.pseudonymize in {through_fn:.2f} s, "
                  f"{through_fn / inline:.1f}x the same HMAC inline with literal pads "
                  f"({inline:.2f} s, a throwaway key: the warehouse's never appears in SQL)")
    if keep:
        console.print(f"kept: {home}")
    return rows


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
