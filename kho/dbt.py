"""Running the dbt project: environment for ``profiles.yml`` and a programmatic runner.

No secret goes through a templated Airflow field: Cosmos's ``env_vars`` are rendered, stored and shown in the UI,
so they carry the connection without its password, which the task process puts in its own environment
(``export_dbt_secrets``). Pseudonyms need no key on dbt's side at all (``kho_secure.pseudonymize``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kho.core.settings import PROJECT_ROOT, KhoSettings
from kho.core.warehouse import Warehouse, WarehouseUnavailable

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
SECRET_ENV = ("KHO_PG_PASSWORD",)
# The manifest the transform DAG is rendered from (Cosmos LoadMode.DBT_MANIFEST): built by `dbt parse` into a
# folder of its own, apart from target/ which every dbt run rewrites, and rebuilt only when the project changes.
RENDER_DIR = DBT_PROJECT / "target_render"
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds", "tests")
FINGERPRINT_ENV = "KHO_PROJECT_FINGERPRINT"
# the cores of the machine the warehouse's server runs on, when Kho knows them (macro kho_session_settings)
CORES_ENV = "KHO_WAREHOUSE_CORES"
# What a production build adds to `dbt build`: dbt's unit tests are left out. Their inputs are fixtures written in
# the project, so their verdict changes with the code only, never with the data; CI runs them (tests/test_e2e.py,
# `dbt test --select test_type:unit`), as dbt's documentation advises. Seven of them cost ~1.7 s of node time a run.
PRODUCTION_FLAGS = ("--exclude-resource-type", "unit_test")


def build_args(*, full_refresh: bool = False) -> list[str]:
    """Every production `dbt build`: the transform DAG's single task, `kho transform`, `kho pseudonyms rotate`, the
    bench (the Cosmos tasks take PRODUCTION_FLAGS as their command flags)."""
    return ["build", *PRODUCTION_FLAGS, *(["--full-refresh"] if full_refresh else [])]


def dbt_log_level() -> str:
    """What dbt writes to dbt.log: ``DBT_LOG_LEVEL_FILE`` when set, else ``info``: each node's start, result and
    errors, not every statement and adapter call (``debug``, dbt's own default: a 1% build replayed on a
    20,000-dossier bench snapshot, seven alternated pairs, took 30.4-36.9 s with it, mean 33.1 s, and 28.5-33.5 s
    without, mean 31.2 s; six pairs of seven faster without). The SQL each model ran stays in the target folder
    (``run/``); ``DBT_LOG_LEVEL_FILE=debug`` logs every statement again."""
    return os.environ.get("DBT_LOG_LEVEL_FILE", "info")


def dbt_env(wh: Warehouse) -> dict[str, str]:
    """Everything profiles.yml reads, password included: for this process's environment only. With it the
    project's fingerprint, which the incremental models compare with the one they were built from (macro
    rebuild_if_project_changed): not a secret, a hash of files anyone with the code has. For the embedded
    warehouse, whose server shares this machine, its cores: the models' parallel workers are sized from them.
    dbt.log at ``info`` unless ``DBT_LOG_LEVEL_FILE`` says otherwise (``dbt_log_level``)."""
    env = {**wh.dbt_env(), "DO_NOT_TRACK": "1", FINGERPRINT_ENV: project_fingerprint(),
           "DBT_LOG_LEVEL_FILE": dbt_log_level()}
    if wh.embedded:
        env[CORES_ENV] = str(os.cpu_count() or 1)
    return env


def static_dbt_env(settings: KhoSettings) -> dict[str, str]:
    """dbt environment known without starting anything, without secrets: only for an external warehouse."""
    if not settings.warehouse_url:
        return {}
    env = dbt_env(Warehouse.from_url(settings.warehouse_url))
    return {k: v for k, v in env.items() if k not in SECRET_ENV}


def export_dbt_secrets(settings: KhoSettings) -> None:
    """What dbt needs in this process's environment and no rendered field may carry, at task start (the DAG file
    is parsed in every task process): an external warehouse's password; for a served embedded warehouse, where it
    listens (its socket is known only once it runs). With neither, the open_warehouse task sets it in-process.
    Always: the project's fingerprint, for the incremental models (each Cosmos task runs dbt in its own process),
    and dbt.log's level."""
    os.environ[FINGERPRINT_ENV] = project_fingerprint()
    os.environ["DBT_LOG_LEVEL_FILE"] = dbt_log_level()
    if settings.warehouse_url:
        env = dbt_env(Warehouse.from_url(settings.warehouse_url))
        os.environ.update({k: env[k] for k in SECRET_ENV})
    elif settings.embedded_mode == "served":
        with contextlib.suppress(WarehouseUnavailable):  # the run's open_warehouse task fails with the reason
            os.environ.update(dbt_env(Warehouse.served(settings)))


def dbt_paths(settings: KhoSettings) -> list[str]:
    """The project, its profile, and where this home's artifacts and dbt.log go (KhoSettings.dbt_target_dir)."""
    return ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(settings.dbt_target_dir), "--log-path", str(settings.dbt_log_dir)]


def import_dbt() -> None:
    """Import what a ``dbt build`` loads on first use: the runner, the build and test tasks, the PostgreSQL adapter
    (~2 CPU-s from bytecode, ~6 compiling from source). The first build in a process pays it otherwise, which a
    timing of that build would count as the build's."""
    import dbt.adapters.postgres.impl  # noqa: F401
    import dbt.cli.main  # noqa: F401
    import dbt.task.build  # noqa: F401


def run_dbt(args: list[str], wh: Warehouse, settings: KhoSettings) -> list[tuple[str, str]]:
    """Run a dbt command in-process; raise on failure; return (node, status) pairs."""
    from dbt.cli.main import dbtRunner

    from kho.dbt_schedule import critical_path_first

    os.environ.update(dbt_env(wh))
    with critical_path_first(settings.dbt_target_dir):  # ready nodes with the most work behind them go first
        res = dbtRunner().invoke([*args, *dbt_paths(settings), "--quiet"])
    # build/run/test return node results; other commands (parse, ls) return something else
    nodes = list(res.result) if hasattr(res.result, "__iter__") else []
    results = [(r.node.name, str(r.status)) for r in nodes]
    if not res.success:
        # each failed node with the first line of its message (the database's error, the failing rows' count) and,
        # for a column_rules test, the rules it found broken
        failed = [f"{r.node.name}: {r.status}" + (f" ({' '.join(str(r.message).split())[:400]})"
                                                    if getattr(r, "message", None) else "")
                  + broken_rules(r.node, wh)
                  for r in nodes if str(r.status) not in ("success", "pass", "warn", "skipped")]
        skipped = sum(s == "skipped" for _, s in results)
        raise RuntimeError(f"dbt {' '.join(args)} failed: {failed or res.exception}"
                           + (f" ({skipped} nodes after them skipped)" if skipped else "")
                           + f"; the errors in full: {settings.dbt_log_dir / 'dbt.log'}")
    return results


def broken_rules(node: object, wh: Warehouse) -> str:
    """What a failed ``column_rules`` test found (tests/generic/column_rules.sql), as `` [rule(column): n rows; …]``:
    its query run again, read from the node dbt compiled. Any other node, or a query that fails now, adds nothing:
    the failure is reported either way."""
    meta = getattr(node, "test_metadata", None)
    sql = getattr(node, "compiled_code", None)
    if getattr(meta, "name", None) != "column_rules" or not sql:
        return ""
    try:
        _, rows = wh.query(f"select rule, column_name, failing_rows from ({sql}) as broken order by 1, 2")
    except Exception:  # noqa: BLE001 - the test's own failure is the error reported
        return ""
    counted = [f"{rule}({column}): {n} " + ("repeated values" if rule.startswith("unique") else "rows")
               for rule, column, n in rows]
    return f" [{'; '.join(counted)}]" if counted else ""


def project_fingerprint() -> str:
    """SHA-256 of every file dbt reads to build the graph (models, macros, seeds, tests, dbt_project.yml)."""
    import hashlib

    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = DBT_PROJECT / name
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if path.is_file():
                digest.update(str(path.relative_to(DBT_PROJECT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_manifest() -> Path:
    """The manifest for rendering the transform DAG, as of the project on disk: `dbt parse` (no warehouse needed)
    when it is missing or the project changed, else the one built before (`kho dbt-manifest` builds it ahead, at
    install or image build time, so a DAG parse only reads it)."""
    import shutil
    import tempfile

    manifest, stamp = RENDER_DIR / "manifest.json", RENDER_DIR / "fingerprint"
    fingerprint = project_fingerprint()
    if manifest.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return manifest
    from dbt.cli.main import dbtRunner

    RENDER_DIR.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="parse-", dir=RENDER_DIR))
    try:
        os.environ.setdefault("DO_NOT_TRACK", "1")
        res = dbtRunner().invoke(["parse", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
                                  "--target-path", str(build), "--quiet"])
        if not res.success:
            raise RuntimeError(f"dbt parse failed: {res.exception}")
        os.replace(build / "manifest.json", manifest)  # atomic: a concurrent reader sees the old or the new one
        stamp.write_text(fingerprint)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return manifest


def check_source_freshness(wh: Warehouse, settings: KhoSettings) -> list[dict]:
    """``dbt source freshness`` over every registered source's raw tables that hold rows, the verdicts recorded in
    ``kho.source_freshness`` (history); returns them. A table that never received a row is recorded as ``no data``
    (a source not yet connected is not a stale one). A stale source is a finding, not a failed build: the caller
    decides what to do with ``error``."""
    from datetime import datetime, timezone

    from dbt.cli.main import dbtRunner

    from kho.core.sources import registered_sources

    checked_at = datetime.now(timezone.utc)
    tables = [(name, s.name, s.raw_table(src).qualified) for name, src in sorted(registered_sources().items())
              for s in src.streams]
    with wh.connect() as conn:
        filled = {(src, t) for src, t, q in tables if conn.execute(f"select exists (select 1 from {q})").fetchone()[0]}
    rows = [{"checked_at": checked_at, "source": src, "source_table": t, "status": "no data", "max_loaded_at": None,
             "age_seconds": None, "warn_after": None, "error_after": None}
            for src, t, _ in tables if (src, t) not in filled]
    results = []
    if filled:
        os.environ.update(dbt_env(wh))
        res = dbtRunner().invoke(["source", "freshness", *dbt_paths(settings), "--quiet", "--select",
                                  *(f"source:{src}.{t}" for src, t in sorted(filled))])
        if res.result is None:
            raise RuntimeError(f"dbt source freshness did not run: {res.exception}")
        results = res.result.results
    def limit(t) -> str | None:  # a dbt Time threshold as "2 day"
        return f"{t.count} {getattr(t.period, 'value', t.period)}" if t and t.count else None

    for r in results:
        node = r.node
        criteria = node.freshness
        rows.append({"checked_at": checked_at, "source": node.source_name, "source_table": node.name,
                     "status": str(r.status), "max_loaded_at": getattr(r, "max_loaded_at", None),
                     "age_seconds": getattr(r, "age", None),
                     "warn_after": limit(criteria.warn_after) if criteria else None,
                     "error_after": limit(criteria.error_after) if criteria else None})
    with wh.connect() as conn, conn.cursor() as cur:
        cur.executemany(
            "insert into kho.source_freshness (checked_at, source, source_table, status, max_loaded_at, "
            "age_seconds, warn_after, error_after) values (%(checked_at)s, %(source)s, %(source_table)s, "
            "%(status)s, %(max_loaded_at)s, %(age_seconds)s, %(warn_after)s, %(error_after)s)", rows)
    return rows


def build_docs(wh: Warehouse, settings: KhoSettings) -> Path:
    """The dbt docs site as one static page (``dbt docs generate --static``: manifest and catalog inlined), copied
    to ``KHO_HOME/docs/index.html``. Nothing secret is in it: profiles are not part of the artifacts and no model,
    macro or var carries a key or password (tests/test_security.py scans it)."""
    import shutil

    run_dbt(["docs", "generate", "--static"], wh, settings)
    target = settings.home / "docs"
    target.mkdir(parents=True, exist_ok=True)
    page = target / "index.html"
    shutil.copyfile(settings.dbt_target_dir / "static_index.html", page)
    return page
