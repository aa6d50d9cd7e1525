"""What ``kho bench`` sets each stage against, measured in the same run on the same data: the tools a user would
pick instead of Kho for that stage, doing only the stage's core work.

- load: a bare ADBC ingest (PostgreSQL COPY in binary) of the same landed Parquet parts into a scratch table: no
  batch record, no watermark, no row numbers, no transaction around them;
- validate: the suite's rules as one hand-written SQL pass over the batch: one ``count(*) filter (where …)`` per
  rule, no GX, no quarantine, no per-unit counts;
- extract+land: a plain reader of the same API pages, written as a user would with the usual tools: httpx, each
  page decoded to dicts (msgspec), its lists and objects encoded back to JSON text (as Kho lands them), the page
  turned into Arrow by ``pa.Table.from_pylist`` and written as a zstd Parquet file; one thread, no read-ahead;
- extract+land+load (``kho bench --vs dlt``): dlt reading the same API pages and loading them into PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from expectations.validation import Suite
from kho.core.batches import BatchManifest
from kho.core.landing import landed_parts
from kho.core.loading import INGEST_ROWS
from kho.core.warehouse import Warehouse

SCRATCH = "kho_work.bench_anchor_ingest"
DLT_DATASET = "bench_dlt"


def bare_ingest_seconds(wh: Warehouse, manifests: list[dict]) -> float:
    """Seconds to ingest every landed part of ``manifests`` with ADBC into a fresh scratch table (dropped after)."""
    import adbc_driver_postgresql.dbapi as adbc

    with wh.connect(autocommit=True) as conn:
        conn.execute(f"drop table if exists {SCRATCH}")
    started = time.perf_counter()
    with adbc.connect(wh.uri) as conn, conn.cursor() as cur:
        mode = "create"
        for m in manifests:
            for part in landed_parts(BatchManifest.from_dict(m)):
                # streamed as the load streams it (kho.core.loading.INGEST_ROWS at a time): the same memory bound
                rows = pa.RecordBatchReader.from_batches(part.schema_arrow, part.iter_batches(batch_size=INGEST_ROWS))
                cur.adbc_ingest("bench_anchor_ingest", rows, mode=mode, db_schema_name="kho_work")
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


def plain_reader_seconds(base_url: str, token: str, updated_to: datetime, page_size: int,
                         work_dir: Path) -> tuple[float, float, int]:
    """Seconds and CPU seconds for the plain reader (module docstring) to land the same one-stop pages as the full
    run's extract (``[1970, updated_to)``, the same page size), and the records it read. It runs in a process of its
    own, so its CPU time is its own; its files are removed after."""
    import multiprocessing as mp
    import shutil

    try:
        with mp.get_context("spawn").Pool(1) as pool:
            return pool.apply(_plain_read, (base_url, token, updated_to, page_size, str(work_dir)))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _plain_read(base_url: str, token: str, updated_to: datetime, page_size: int,
                work_dir: str) -> tuple[float, float, int]:
    import msgspec
    import pyarrow.parquet as pq

    out = Path(work_dir)
    out.mkdir(parents=True, exist_ok=True)
    pa.array([1])  # pyarrow's first array imports pandas (~1.5 s): not the reader's work
    started, cpu, rows = time.perf_counter(), time.process_time(), 0
    for page, records in enumerate(_api_pages(base_url, token, updated_to, page_size, msgspec.json.decode), 1):
        for record in records:
            for key, value in record.items():
                if isinstance(value, (list, dict)):
                    record[key] = msgspec.json.encode(value).decode()
        pq.write_table(pa.Table.from_pylist(records), out / f"page-{page:06d}.parquet", compression="zstd")
        rows += len(records)
    return time.perf_counter() - started, time.process_time() - cpu, rows


def _api_pages(base_url: str, token: str, updated_to: datetime, page_size: int,
               decode: Callable[[bytes], dict]) -> Iterator[list[dict]]:
    """The one-stop pages of ``[1970, updated_to)`` as the anchors read them: numbered, through stock httpx (what a
    user would pick), each body decoded by ``decode``; yields each page's records."""
    import httpx

    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        page = 1
        while True:
            body = decode(client.get("/api/v1/dossiers", params={
                "updated_from": "19700101000000", "updated_to": updated_to.strftime("%Y%m%d%H%M%S"),
                "page": page, "page_size": page_size}).raise_for_status().content)
            yield body["data"]
            if not body["has_more"]:
                return
            page += 1


def dlt_pages_seconds(wh: Warehouse, base_url: str, token: str, updated_to: datetime, page_size: int,
                      work_dir: Path) -> tuple[float, int]:
    """Seconds for dlt (``--vs dlt``, a dev dependency) to read the same one-stop pages as the full run's extract
    (``[1970, updated_to)``, the same page size) and load them into a scratch dataset, and the rows it loaded. dlt
    is configured as favourably as Kho's connector is: nested lists kept as JSON (``max_table_nesting=0``), no
    child tables, append only; what it does beyond Kho is its own normalization step. It runs in a process of its
    own, so that its memory is not counted as Kho's; the dataset is dropped after."""
    import multiprocessing as mp

    credentials = {"database": wh.dbname, "username": wh.user, "password": wh.password or "trust", "host": wh.host,
                   "port": wh.port}
    if wh.host.startswith("/"):  # the embedded server's socket folder: libpq takes it from the query, dlt needs a host
        credentials.update(host="localhost", query={"host": wh.host})
    with mp.get_context("spawn").Pool(1) as pool:
        secs = pool.apply(_dlt_load, (credentials, base_url, token, updated_to, page_size, str(work_dir)))
    with wh.connect(autocommit=True) as conn:
        rows = conn.execute(f"select count(*) from {DLT_DATASET}.dossiers").fetchone()[0]
        conn.execute(f"drop schema {DLT_DATASET} cascade")
    return secs, rows


def _dlt_load(credentials: dict, base_url: str, token: str, updated_to: datetime, page_size: int,
              work_dir: str) -> float:
    import json

    import dlt

    @dlt.resource(name="dossiers", write_disposition="append", max_table_nesting=0)
    def dossiers():
        yield from _api_pages(base_url, token, updated_to, page_size, json.loads)  # httpx's .json() is json.loads

    pipeline = dlt.pipeline(pipeline_name="kho_bench_dlt", pipelines_dir=work_dir, dataset_name=DLT_DATASET,
                            destination=dlt.destinations.postgres(credentials=credentials))
    started = time.perf_counter()
    pipeline.run(dossiers())
    return time.perf_counter() - started
