"""The dossier stream: primary key MaHoSo, cursor NgayCapNhat; extract a window (or a DVCQG JSON export) and land it.

Records are grouped into bounded batches of ``batch_rows`` and written as Parquet parts one at a time, so memory
stays flat whatever the source size. Records that cannot be landed (not a JSON object) are written to
``rejected.jsonl`` beside the parts, with the reason, and counted in the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import ijson
import pyarrow as pa

from connectors.onestop.client import OneStopClient
from connectors.onestop.schema import (
    CURSOR,
    PRIMARY_KEY,
    ContractViolation,
    check_record,
    is_struct_page,
    records_to_arrow,
    structs_to_arrow,
)
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.landing import BatchWriter
from kho.core.read_ahead import read_ahead
from kho.core.windows import Window

STREAM = "dossiers"
__all__ = ["CURSOR", "PRIMARY_KEY", "STREAM", "extract_window", "import_export"]


def _pages_to_arrow(pages: Iterable[list], writer: BatchWriter) -> Iterator[pa.Table]:
    """Each page as Arrow: straight from its structs when it took the fast path, else record by record."""
    position = 0
    for page in pages:
        if is_struct_page(page):
            yield structs_to_arrow(page)
        else:
            yield from _batched(page, max(len(page), 1), writer, position)
        position += len(page)


def _batched(records: Iterable[object], size: int, writer: BatchWriter, first: int = 0) -> Iterator[pa.Table]:
    position = first
    it = iter(records)
    while chunk := list(islice(it, size)):
        good = []
        for rec in chunk:
            try:
                good.append(check_record(rec, position))
            except ContractViolation as exc:
                writer.reject({"position": position, "reason": str(exc), "record": rec})
            position += 1
        if good:
            yield records_to_arrow(good)


def _land(tables: Iterable[pa.Table], writer: BatchWriter) -> BatchManifest:
    for table in tables:
        writer.add_table(table)
    return writer.close()  # an empty window lands too


def extract_window(client: OneStopClient, run: ExtractRun, window: Window) -> BatchManifest:
    """Extract the dossiers changed in ``window`` from the API and land them as one batch of ``run``."""
    writer = run.batch(STREAM, window=window)
    return _land(_pages_to_arrow(read_ahead(client.iter_pages(window)), writer), writer)


def import_export(run: ExtractRun, path: Path) -> BatchManifest:
    """Land a DVCQG JSON export (a JSON array of dossier objects), streamed, never read whole into memory."""
    writer = run.batch(STREAM, mode="file", source_file=str(path))
    with open(path, "rb") as f:
        try:
            return _land(_batched(ijson.items(f, "item", use_float=True), writer.rows_per_part, writer), writer)
        except ijson.JSONError as exc:
            raise ValueError(f"{path}: not a JSON array of dossier objects ({exc})") from exc
