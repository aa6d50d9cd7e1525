"""The bench's incremental transform and reports, replayed on a kept warehouse (`kho bench --snapshot`, then
`kho bench-replay HOME`): a change to a model or a report can be measured on the same 1% change, as often as
needed and alternated with the code before it, without running the whole bench again.

`kho bench --snapshot` copies the warehouse database (``CREATE DATABASE … TEMPLATE``, file by file) and the state the
transform and the reports keep beside it (dbt's target folder: partial parse and the measured node seconds the build's
order reads; the chart cache) just before the incremental run's transform. A replay puts that state back, analyzes the
copy and parses the project untimed (a copied database has no record of its tables' analyses; a changed project is
parsed again: neither is paid by the bench's own incremental run), then times `dbt build` and the reports as the bench
does. The incremental models compare the project's fingerprint with the one they were built from and rebuild in full
when it changed (rebuild_if_project_changed), so a replay by another checkout first marks the snapshot as built by the
code that replays it: what is measured is the incremental run this code would make from that state.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

from kho.console import console
from kho.dbt import project_fingerprint

SNAPSHOT_DB = "kho_bench_before_1pct"
SNAPSHOT_DIR = "bench-before-1pct"  # in the bench's home: the files beside the database, and what built them


@dataclass
class Replayed:
    stage: str
    seconds: float


def _files(home: Path) -> dict[str, Path]:
    """What the transform and the reports keep outside the warehouse and read in the next run."""
    return {"dbt_target": home / "dbt" / "target", "chart_cache": home / "cache" / "charts"}


def _copy_tree(src: Path, dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    if src.exists():
        shutil.copytree(src, dest)


def _copy_database(wh, source: str, target: str) -> None:
    """``target`` made a file copy of ``source`` (replaced if it exists). Nothing may be connected to ``source``:
    the bench's own stages are done by then, so what is left (a pooled connection) is ended."""
    if not wh.embedded:
        raise RuntimeError("a bench snapshot is taken and restored on the bench's own embedded warehouse only, "
                           "never on an external one (unset KHO_WAREHOUSE_URL)")
    with replace(wh, dbname="postgres").connect(autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (source,)).fetchone():
            raise FileNotFoundError(f"no database {source} to copy: the snapshot was not taken or was dropped")
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                     "where datname in (%s, %s) and pid <> pg_backend_pid()", (source, target))
        conn.execute(f'drop database if exists "{target}"')
        conn.execute(f'create database "{target}" template "{source}" strategy file_copy')
    # The copy leaves gigabytes of dirty pages in the OS cache; written back while the timed stage runs, they would
    # compete with its reads and writes. They are written back now, untimed.
    os.sync()


def take_snapshot(wh, home: Path) -> float:
    """Keep the warehouse and its side files as they stand; return the seconds it took (not a stage's)."""
    t = time.perf_counter()
    _copy_database(wh, wh.dbname, SNAPSHOT_DB)
    keep = home / SNAPSHOT_DIR
    for name, path in _files(home).items():
        _copy_tree(path, keep / name)
    (keep / "built_by.json").write_text(json.dumps({"project_fingerprint": project_fingerprint()}))
    return time.perf_counter() - t


def _restore(wh, home: Path) -> None:
    keep = home / SNAPSHOT_DIR
    if not (keep / "built_by.json").exists():
        raise FileNotFoundError(f"{home} holds no bench snapshot: run `kho bench --snapshot` (it keeps its home)")
    _copy_database(wh, SNAPSHOT_DB, wh.dbname)
    for name, path in _files(home).items():
        _copy_tree(keep / name, path)
    built_by = json.loads((keep / "built_by.json").read_text())["project_fingerprint"]
    now = project_fingerprint()
    with wh.connect(autocommit=True) as conn:
        if now != built_by:  # the models' fingerprints may carry the register's and catalogue's after the project's
            conn.execute("update kho.model_builds set project_fingerprint = %s || substr(project_fingerprint, %s) "
                         "where project_fingerprint like %s", (now, len(built_by) + 1, built_by + "%"))
        # A copied database starts with no statistics activity: every table reads as never analyzed, and the models'
        # analyze_table post-hook would analyze the large ones inside the timed build (~1 s each, ~4 s of node time
        # in a 1% run at a million dossiers), which the bench's own incremental run never pays. Analyzed here,
        # untimed (~10 s).
        conn.execute("analyze")


def replay(home: Path, times: int = 1, reports: bool = True) -> list[Replayed]:
    """Restore the snapshot in ``home`` and time the incremental transform (and the reports), ``times`` times."""
    os.environ["KHO_HOME"] = str(home)
    from kho.core.settings import get_settings

    get_settings.cache_clear()
    from kho.console import logs_to_file
    from kho.core.warehouse import Warehouse
    from kho.dbt import build_args, run_dbt
    from kho.reports.render import publish

    s = get_settings()
    if s.warehouse_url:
        raise SystemExit("kho bench-replay restores the bench's own embedded warehouse: unset KHO_WAREHOUSE_URL")
    wh = Warehouse.reach(s)
    out: list[Replayed] = []
    log = home / "logs" / f"bench-replay-{time.strftime('%Y%m%d-%H%M%S')}.log"
    console.print(f"replaying the 1% run from {home / SNAPSHOT_DIR}; logs go to {log}")
    try:
        with logs_to_file(log):
            for i in range(times):
                _restore(wh, home)
                wh.ensure_current(s)
                run_dbt(["parse"], wh, s)
                for stage, fn in (("1% transform", lambda: run_dbt(build_args(), wh, s)),
                                  *((("1% reports", lambda: publish(wh, s, pdf=False)),) if reports else ())):
                    t = time.perf_counter()
                    fn()
                    out.append(Replayed(stage, time.perf_counter() - t))
                    console.print(f"{i + 1}/{times} {stage:<14} {out[-1].seconds:8.1f} s")
    finally:
        wh.close()
    return out
