"""Landing a drop folder: every file not read before (by content hash) as one batch, each row with the file, its
row number and the file's hash; a file the source's reader refuses is kept beside the batch under ``rejected/``
with the rule it broke, never half-landed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun

log = logging.getLogger(__name__)


class FileRejected(ValueError):
    """A whole file refused, with the rule it broke."""

    def __init__(self, rule: str, detail: str):
        super().__init__(f"{rule}: {detail}")
        self.rule = rule


def import_files(run: ExtractRun, folder: Path, stream: str, patterns: tuple[str, ...],
                 read: Callable[[Path, bytes], list[dict]], to_arrow: Callable[[list[dict]], pa.Table],
                 refused: tuple[type[Exception], ...], what: str) -> BatchManifest:
    """Land the new files of ``folder`` matching ``patterns`` as one batch of ``stream``: ``read(path, data)`` gives
    a file's rows (``_source_row`` set) or raises one of ``refused`` (with a ``rule``) to refuse the file whole."""
    files = run.new_files(folder, patterns)
    writer = run.batch(stream, mode="file", source_file=str(folder))
    for file in files:
        try:
            rows = read(file.path, file.data)
        except refused as exc:
            kept = writer.keep(f"rejected/{file.path.name}", file.data)
            writer.reject({"file": file.path.name, "sha256": file.sha256, "rule": getattr(exc, "rule", "refused"),
                           "reason": str(exc), "kept_as": kept})
            log.warning("%s %s refused: %s", what, file.path.name, exc)
        else:
            for row in rows:
                row["_source_file"], row["_file_sha256"] = file.path.name, file.sha256
            if rows:
                writer.add_table(to_arrow(rows))
        writer.manifest.consumed_files.append([file.path.name, file.sha256])
    return writer.close()
