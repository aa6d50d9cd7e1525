"""The civil-status streams ``births``, ``deaths`` and ``marriages``, read from a drop folder of commune exports.

Every ``.csv``/``.xlsx`` file not read before (by content hash, so a file handed over twice is read once) is routed
by its record type; each record lands with the file, row and hash it came from. A file that cannot be read as an
export is refused whole (kept beside the batch, with the rule); a file's records are never half-landed. The file
hashes are recorded in the load's transaction. Corrections need nothing special here: an entry sent again with
changed fields is a new raw row, and staging keeps every version and reads the latest as current.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from functools import partial
from pathlib import Path

from connectors.civil_status.files import ExportRejected, read_export
from connectors.civil_status.schema import KIND_OF, STREAM_OF, extra_json, to_arrow
from kho.batches import BatchManifest, new_batch_id, utcnow
from kho.landing import BatchWriter
from kho.raw_loader import RawTable, read_source_files
from kho.settings import KhoSettings
from kho.warehouse import Warehouse

log = logging.getLogger(__name__)

SOURCE = "civil_status"
STREAMS = tuple(STREAM_OF.values())
RAW_TABLES = {s: RawTable("raw_civil_status", s) for s in STREAMS}
PATTERNS = ("*.csv", "*.xlsx", "*.CSV", "*.XLSX")


def _writers(settings: KhoSettings, folder: Path) -> dict[str, BatchWriter]:
    at = utcnow()
    return {s: BatchWriter(settings.landing, BatchManifest(
        batch_id=new_batch_id(SOURCE, s, at), source=SOURCE, stream=s, mode="file", extracted_at=at.isoformat(),
        landing_path="", source_file=str(folder)), partial(to_arrow, KIND_OF[s]), settings.batch_rows)
        for s in STREAMS}


def import_folder(folder: Path, settings: KhoSettings, wh: Warehouse) -> dict[str, BatchManifest]:
    """Land every export in ``folder`` not read before; one batch per stream. Refused files go to the births batch's
    ``rejected/`` folder and ``rejected.jsonl`` (one entry per file, with the rule)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"drop folder {folder} does not exist")
    done = read_source_files(wh, SOURCE)
    writers = _writers(settings, folder)
    skipped = 0
    paths = sorted({p for pattern in PATTERNS for p in folder.glob(pattern)})
    for path in paths:
        data = path.read_bytes()  # exports are a few hundred KB: hashed and parsed from the same bytes
        sha = hashlib.sha256(data).hexdigest()
        if sha in done:
            skipped += 1
            continue
        try:
            meta, records = read_export(path, data)
            rows = [{**fields, "_extra": extra_json(extra), "_source_file": path.name, "_source_row": str(row_no),
                     "_file_sha256": sha, "_file_unit_code": meta.unit_code, "_file_period": meta.period}
                    for row_no, fields, extra in records]  # a whole file or nothing
        except ExportRejected as exc:
            writer = writers[STREAMS[0]]
            kept = writer.dir / "rejected" / path.name
            kept.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, kept)
            writer.reject({"file": path.name, "sha256": sha, "rule": exc.rule, "reason": str(exc),
                           "kept_as": str(kept)})
            log.warning("civil-status export %s refused: %s", path.name, exc)
        else:
            writer = writers[STREAM_OF[meta.kind]]
            for row in rows:
                writer.add(row)
        writer.manifest.consumed_files.append([path.name, sha])
        done.add(sha)
    if skipped:
        log.info("drop folder %s: %d files already read before (handed over again), skipped", folder, skipped)
    return {s: w.close() for s, w in writers.items()}
