"""The landing zone: extracted records as Parquet, partitioned ``source=/stream=/date=/batch=``, never rewritten."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kho.core.batches import BatchManifest

log = logging.getLogger(__name__)


def batch_dir(root: Path, manifest: BatchManifest) -> Path:
    day = manifest.extracted_at[:10]
    return root / f"source={manifest.source}" / f"stream={manifest.stream}" / f"date={day}" / \
        f"batch={manifest.batch_id}"


def write_part(table: pa.Table, manifest: BatchManifest) -> None:
    """Write ``table`` as the batch's next Parquet part file; record it and its rows in the manifest."""
    path = Path(manifest.landing_path) / f"part-{len(manifest.files):05d}.parquet"
    pq.write_table(table, path, compression="zstd")
    manifest.files.append(str(path))
    manifest.rows += table.num_rows


def open_batch(root: Path, manifest: BatchManifest) -> Path:
    """Create the batch's landing directory (never an existing one) and point the manifest at it."""
    target = batch_dir(root, manifest)
    target.mkdir(parents=True, exist_ok=False)
    manifest.landing_path = str(target)
    return target


def read_landed(manifest: BatchManifest) -> Iterator[pa.Table]:
    """The landed batch again, one part file at a time (bounded memory)."""
    for f in manifest.files:
        yield pq.read_table(f)


class BatchWriter:
    """Lands one batch: rows (``add``) or Arrow tables (``add_table``) as Parquet parts of ``rows_per_part`` rows,
    refusals (``reject``) kept with their reasons in ``rejected.jsonl``. The one way anything reaches the landing
    zone; an empty batch lands too (a directory, a manifest with no parts), so every run accounts for itself."""

    def __init__(self, root: Path, manifest: BatchManifest,
                 to_table: Callable[[list[dict]], pa.Table] | None = None, rows_per_part: int = 50_000):
        self.manifest = manifest
        self.dir = open_batch(root, manifest)
        self._to_table = to_table
        self.rows_per_part = rows_per_part
        self._rows: list[dict] = []
        self._rejects: list[dict] = []

    def add(self, row: dict) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.rows_per_part:
            self._flush()

    def add_table(self, table: pa.Table) -> None:
        """A batch already in Arrow (a connector that builds columns itself): written as its own part."""
        self._flush()
        if table.num_rows:
            write_part(table, self.manifest)

    def reject(self, item: dict) -> None:
        self._rejects.append(item)

    def _flush(self) -> None:
        if self._rows:
            if self._to_table is None:
                raise TypeError(f"batch {self.manifest.batch_id}: rows added to a writer built without to_table")
            write_part(self._to_table(self._rows), self.manifest)
            self._rows = []

    def close(self) -> BatchManifest:
        self._flush()
        _write_rejections(self.manifest, self._rejects)
        return self.manifest


def _write_rejections(manifest: BatchManifest, rejects: list[dict]) -> None:
    """Keep what could not be landed, with the reason, as ``rejected.jsonl`` beside the parts; count it."""
    manifest.rejected = len(rejects)
    if not rejects:
        return
    with open(Path(manifest.landing_path) / "rejected.jsonl", "w", encoding="utf-8") as f:
        for item in rejects:
            f.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
    log.warning("batch %s: %d records rejected (see rejected.jsonl)", manifest.batch_id, len(rejects))
