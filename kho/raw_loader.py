"""Append a landed batch to its raw table with COPY, and move the stream's state in the same transaction.

Either everything lands (rows, batch record, watermark) or nothing does, so a failed or retried load never leaves
duplicates or a watermark ahead of the data. Loading a batch that is already loaded is a no-op.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kho.batches import BatchManifest, utcnow
from kho.landing import read_landed
from kho.warehouse import Warehouse

log = logging.getLogger(__name__)
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class RawTable:
    schema: str
    table: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


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


def load_batch(wh: Warehouse, manifest: BatchManifest, target: RawTable) -> int:
    """Load ``manifest``'s landed files into ``target``; returns the rows loaded by this call (0 if done before)."""
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
            for part in read_landed(manifest):
                part = _with_batch_columns(part, manifest, loaded)
                buf = io.BytesIO()
                pacsv.write_csv(part, buf, pacsv.WriteOptions(include_header=False))
                cols = ", ".join(part.column_names)
                with cur.copy(f"copy {target.qualified} ({cols}) from stdin (format csv)") as copy:
                    view = buf.getbuffer()
                    for off in range(0, len(view), COPY_CHUNK):
                        copy.write(view[off : off + COPY_CHUNK])
                loaded += part.num_rows
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


def set_watermark(conn, source: str, stream: str, watermark: datetime, batch_id: str) -> None:
    conn.execute(
        """insert into kho.stream_state (source, stream, watermark, batch_id) values (%s, %s, %s, %s)
           on conflict (source, stream) do update
             set watermark = greatest(kho.stream_state.watermark, excluded.watermark),
                 batch_id = excluded.batch_id, updated_at = now()""",
        (source, stream, watermark, batch_id),
    )


def get_watermark(wh: Warehouse, source: str, stream: str) -> datetime | None:
    with wh.connect() as conn:
        row = conn.execute(
            "select watermark from kho.stream_state where source = %s and stream = %s", (source, stream)
        ).fetchone()
    return row[0] if row else None
