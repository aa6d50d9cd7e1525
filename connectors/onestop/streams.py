"""The dossier stream: primary key MaHoSo, cursor NgayCapNhat; extract a window (or a DVCQG JSON export) and land it.

Records are grouped into bounded batches of ``batch_rows`` and written as Parquet parts one at a time, so memory
stays flat whatever the source size. Records that cannot be landed (not a JSON object) are written to
``rejected.jsonl`` beside the parts, with the reason, and counted in the manifest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

import ijson
import pyarrow as pa

from connectors.onestop.client import OneStopClient
from connectors.onestop.schema import CURSOR, PRIMARY_KEY, ContractViolation, check_record, records_to_arrow
from kho.batches import BatchManifest, new_batch_id, utcnow
from kho.landing import land, write_rejections
from kho.raw_loader import RawTable, get_watermark
from kho.settings import KhoSettings
from kho.warehouse import Warehouse
from kho.windows import Window, incremental_window

log = logging.getLogger(__name__)

SOURCE = "onestop"
STREAM = "dossiers"
RAW_TABLE = RawTable("raw_onestop", "dossiers")
__all__ = ["CURSOR", "PRIMARY_KEY", "RAW_TABLE", "extract_window", "import_export", "next_window"]


def next_window(wh: Warehouse, settings: KhoSettings, run_start: datetime,
                interval_end: datetime | None = None) -> Window:
    return incremental_window(
        get_watermark(wh, SOURCE, STREAM),
        lag=timedelta(minutes=settings.onestop_lag_minutes),
        run_start=run_start,
        initial=datetime.fromisoformat(settings.onestop_initial_watermark),
        interval_end=interval_end,
    )


def _manifest(mode: str, **kw) -> BatchManifest:
    at = utcnow()
    return BatchManifest(batch_id=new_batch_id(SOURCE, STREAM, at), source=SOURCE, stream=STREAM, mode=mode,
                         extracted_at=at.isoformat(), landing_path="", **kw)


def _batched(records: Iterable[object], size: int, rejects: list[dict]) -> Iterator[pa.Table]:
    position = 0
    it = iter(records)
    while chunk := list(islice(it, size)):
        good = []
        for rec in chunk:
            try:
                good.append(check_record(rec, position))
            except ContractViolation as exc:
                rejects.append({"position": position, "reason": str(exc), "record": rec})
            position += 1
        if good:
            yield records_to_arrow(good)


def _land_records(records: Iterable[object], settings: KhoSettings, manifest: BatchManifest) -> BatchManifest:
    rejects: list[dict] = []
    land(_batched(records, settings.batch_rows, rejects), settings.landing, manifest)  # an empty window lands too
    write_rejections(manifest, rejects)
    return manifest


def extract_window(client: OneStopClient, window: Window, settings: KhoSettings,
                   mode: str = "incremental") -> BatchManifest:
    """Extract the dossiers changed in ``window`` from the API and land them."""
    manifest = _manifest(mode, window_start=window.start.isoformat(), window_end=window.end.isoformat())

    def records() -> Iterator[dict]:
        for page in client.iter_pages(window):
            yield from page

    return _land_records(records(), settings, manifest)


def import_export(path: Path, settings: KhoSettings) -> BatchManifest:
    """Land a DVCQG JSON export (a JSON array of dossier objects), streamed, never read whole into memory."""
    manifest = _manifest("file", source_file=str(path))
    with open(path, "rb") as f:
        try:
            return _land_records(ijson.items(f, "item", use_float=True), settings, manifest)
        except ijson.JSONError as exc:
            raise ValueError(f"{path}: not a JSON array of dossier objects ({exc})") from exc
