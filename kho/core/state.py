"""Incremental state kept in the warehouse: each stream's watermark and the drop-folder files already read.

The load writes both in its own transaction (``kho.core.loading``); extraction only reads them, through the run
the core hands a source (``kho.core.extract_run``).
"""

from __future__ import annotations

from datetime import datetime

from kho.core.warehouse import Warehouse

# Move a stream's watermark forward (never back) inside the load's transaction (kho.core.loading, through ADBC:
# $n parameters: source, stream, watermark as ISO text, batch id).
WATERMARK_SQL = """insert into kho.stream_state (source, stream, watermark, batch_id)
    values ($1, $2, $3::timestamptz, $4)
    on conflict (source, stream) do update
      set watermark = greatest(kho.stream_state.watermark, excluded.watermark),
          batch_id = excluded.batch_id, updated_at = now()"""


def get_watermark(wh: Warehouse, source: str, stream: str) -> datetime | None:
    with wh.connect() as conn:
        row = conn.execute(
            "select watermark from kho.stream_state where source = %s and stream = %s", (source, stream)
        ).fetchone()
    return row[0] if row else None


def read_source_files(wh: Warehouse, source: str) -> set[str]:
    """SHA-256 of the drop-folder files of ``source`` already loaded: they are never read again."""
    with wh.connect() as conn:
        return {r[0] for r in conn.execute("select sha256 from kho.source_files where source = %s", (source,))}
