"""Append a landed batch to its raw table with COPY, and move the stream's state in the same transaction.

Either everything lands (rows, batch record, watermark) or nothing does, so a failed or retried load never leaves
duplicates or a watermark ahead of the data. Loading a batch that is already loaded is a no-op.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import chain

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kho.core.batches import BatchManifest, utcnow
from kho.core.landing import read_landed
from kho.core.settings import KhoSettings
from kho.core.sources import RawTable, get_source
from kho.core.state import set_watermark
from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)
ENCODE_ROWS = 5_000  # rows per CSV chunk handed to COPY: a few MB, so memory stays bounded


class LoadMismatch(RuntimeError):
    pass


def _with_batch_columns(table: pa.Table, manifest: BatchManifest, first_row: int) -> pa.Table:
    n = table.num_rows
    meta = {
        "_batch_id": pa.array([manifest.batch_id] * n, pa.string()),
        "_row_num": pc.add(pa.array(range(n), pa.int32()), first_row),
        "_extracted_at": pa.array([manifest.extracted_at] * n, pa.string()),
    }
    for name, col in reversed(meta.items()):
        table = table.add_column(0, name, col)
    return table


def _encode(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False))
    return buf.getvalue()


def _csv_chunks(manifest: BatchManifest, settings: KhoSettings | None) -> Iterator[tuple[list[str], int, bytes]]:
    """The landed batch as CSV chunks (columns, rows, bytes), with batch columns added.

    pyarrow encodes the next chunk in a worker thread (it releases the GIL) while COPY sends the current one.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        offset = 0
        for part in read_landed(manifest, settings):
            for rb in part.to_batches(max_chunksize=ENCODE_ROWS):
                chunk = _with_batch_columns(pa.Table.from_batches([rb]), manifest, offset)
                offset += chunk.num_rows
                nxt = (chunk.column_names, chunk.num_rows, pool.submit(_encode, chunk))
                if pending:
                    yield pending[0], pending[1], pending[2].result()
                pending = nxt
        if pending:
            yield pending[0], pending[1], pending[2].result()


def load_batch(wh: Warehouse, manifest: BatchManifest, target: RawTable | None = None,
               settings: KhoSettings | None = None) -> int:
    """Load ``manifest``'s landed files into ``target`` (default: its stream's raw table in the source registry);
    returns the rows loaded by this call (0 if done before)."""
    target = target or get_source(manifest.source).raw_table(manifest.stream)
    with wh.connect() as conn:  # one transaction: rows + batch record + state
        done = conn.execute(
            "select rows_loaded from kho.batches where batch_id = %s and loaded_at is not null", (manifest.batch_id,)
        ).fetchone()
        if done:
            log.info("batch %s already loaded (%s rows); nothing to do", manifest.batch_id, done[0])
            return 0
        conn.execute(
            """insert into kho.batches (batch_id, source, stream, mode, window_start, window_end, source_file,
                                        extracted_at, rows_extracted, rows_rejected, landing_path)
               values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               on conflict (batch_id) do nothing""",
            (
                manifest.batch_id,
                manifest.source,
                manifest.stream,
                manifest.mode,
                manifest.window_start,
                manifest.window_end,
                manifest.source_file,
                manifest.extracted_at,
                manifest.rows + manifest.rejected,
                manifest.rejected,
                manifest.landing_path,
            ),
        )
        loaded = 0
        with conn.cursor() as cur:
            chunks = _csv_chunks(manifest, settings)
            first = next(chunks, None)
            if first:
                cols = ", ".join(first[0])
                with cur.copy(f"copy {target.qualified} ({cols}) from stdin (format csv)") as copy:
                    for _, rows, data in chain([first], chunks):
                        copy.write(data)
                        loaded += rows
        if manifest.consumed_files:  # drop-folder files: read once, whatever later imports find
            with conn.cursor() as cur:
                cur.executemany(
                    "insert into kho.source_files (source, sha256, file_name, batch_id) values (%s, %s, %s, %s) "
                    "on conflict do nothing",
                    [(manifest.source, sha, name, manifest.batch_id) for name, sha in manifest.consumed_files])
        if loaded != manifest.rows:
            raise LoadMismatch(f"batch {manifest.batch_id}: manifest says {manifest.rows} rows, loaded {loaded}")
        conn.execute(
            "update kho.batches set rows_loaded = %s, loaded_at = %s where batch_id = %s",
            (loaded, utcnow(), manifest.batch_id),
        )
        if manifest.mode == "incremental":
            set_watermark(
                conn, manifest.source, manifest.stream, datetime.fromisoformat(manifest.window_end), manifest.batch_id
            )
    log.info("loaded batch %s: %d rows into %s", manifest.batch_id, loaded, target.qualified)
    return loaded
