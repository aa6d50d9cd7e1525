"""The landing zone: extracted records as Parquet, partitioned ``source=/stream=/date=/batch=``, never rewritten."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kho.batches import BatchManifest


def batch_dir(root: Path, manifest: BatchManifest) -> Path:
    day = manifest.extracted_at[:10]
    return root / f"source={manifest.source}" / f"stream={manifest.stream}" / f"date={day}" / \
        f"batch={manifest.batch_id}"


def land(tables: Iterable[pa.Table], root: Path, manifest: BatchManifest) -> BatchManifest:
    """Write each Arrow table as one Parquet part file; record files and row count in the manifest."""
    target = batch_dir(root, manifest)
    target.mkdir(parents=True, exist_ok=False)
    for n, table in enumerate(tables):
        path = target / f"part-{n:05d}.parquet"
        pq.write_table(table, path, compression="zstd")
        manifest.files.append(str(path))
        manifest.rows += table.num_rows
    manifest.landing_path = str(target)
    return manifest


def read_landed(manifest: BatchManifest) -> Iterator[pa.Table]:
    """The landed batch again, one part file at a time (bounded memory)."""
    for f in manifest.files:
        yield pq.read_table(f)
