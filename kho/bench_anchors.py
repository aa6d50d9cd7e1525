"""What ``kho bench`` sets each stage against, measured in the same run on the same data: the tools a user would
pick instead of Kho for that stage, doing only the stage's core work.

- load: a bare ADBC ingest (PostgreSQL COPY in binary) of the same landed Parquet parts into a scratch table: no
  batch record, no watermark, no row numbers, no transaction around them;
- validate: the suite's rules as one hand-written SQL pass over the batch: one ``count(*) filter (where …)`` per
  rule, no GX, no quarantine, no per-unit counts.
"""

from __future__ import annotations

import time

from expectations.validation import Suite
from kho.core.batches import BatchManifest
from kho.core.landing import read_landed
from kho.core.warehouse import Warehouse

SCRATCH = "kho_work.bench_anchor_ingest"


def bare_ingest_seconds(wh: Warehouse, manifests: list[dict]) -> float:
    """Seconds to ingest every landed part of ``manifests`` with ADBC into a fresh scratch table (dropped after)."""
    import adbc_driver_postgresql.dbapi as adbc

    with wh.connect(autocommit=True) as conn:
        conn.execute(f"drop table if exists {SCRATCH}")
    started = time.perf_counter()
    with adbc.connect(wh.uri) as conn, conn.cursor() as cur:
        mode = "create"
        for m in manifests:
            for table in read_landed(BatchManifest.from_dict(m)):
                cur.adbc_ingest("bench_anchor_ingest", table, mode=mode, db_schema_name="kho_work")
                mode = "append"
        conn.commit()
    secs = time.perf_counter() - started
    with wh.connect(autocommit=True) as conn:
        conn.execute(f"drop table if exists {SCRATCH}")
    return secs


def one_pass_sql(suite: Suite, batch_id: str) -> str:
    """The suite's rules as one SQL statement: rows checked and, per rule, rows failing."""
    derived = "".join(f", {sql} as {col}" for r in suite.rules for col, sql in r.derived)
    counts = ", ".join(f"count(*) filter (where {r.failing})" for r in suite.rules)
    return (f"select count(*), {counts} from (select q.*{derived} from "
            f"({suite.batch_query.format(batch_id=batch_id)}) as q) as b")


def one_pass_seconds(wh: Warehouse, suite: Suite, batch_id: str) -> tuple[float, list[int]]:
    """Seconds for the one-pass statement, and its counts (rows, then failing per rule)."""
    started = time.perf_counter()
    with wh.connect() as conn:
        counts = list(conn.execute(one_pass_sql(suite, batch_id)).fetchone())
    return time.perf_counter() - started, counts
