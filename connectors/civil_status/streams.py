"""The civil-status streams ``births``, ``deaths`` and ``marriages``, read from a drop folder of commune exports.

Every ``.csv``/``.xlsx`` file not read before (by content hash, so a file handed over twice is read once) is routed
by its record type; each record lands with the file, row and hash it came from. A file that cannot be read as an
export is refused whole (kept beside the batch, with the rule); a file's records are never half-landed. The file
hashes are recorded in the load's transaction. Corrections need nothing special here: an entry sent again with
changed fields is a new raw row, and staging keeps every version and reads the latest as current.
"""

from __future__ import annotations

import logging
from functools import partial
from itertools import chain
from pathlib import Path

from connectors.civil_status.files import ExportRejected, read_export
from connectors.civil_status.schema import KIND_OF, STREAM_OF, extra_json, to_arrow
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun

log = logging.getLogger(__name__)

STREAMS = tuple(STREAM_OF.values())
PATTERNS = ("*.csv", "*.xlsx", "*.CSV", "*.XLSX")


def import_folder(run: ExtractRun, folder: Path) -> dict[str, BatchManifest]:
    """Land every export in ``folder`` not read before; one batch per stream. Refused files go to the births batch's
    ``rejected/`` folder and ``rejected.jsonl`` (one entry per file, with the rule)."""
    files = run.new_files(folder, PATTERNS)  # exports are a few hundred KB: hashed and parsed from the same bytes
    first = next(files, None)  # a missing folder raises here, before any batch opens
    writers = {s: run.batch(s, partial(to_arrow, KIND_OF[s]), mode="file", source_file=str(folder))
               for s in STREAMS}
    for file in chain([first] if first else [], files):
        path, sha = file.path, file.sha256
        try:
            meta, records = read_export(path, file.data)
            rows = [{**fields, "_extra": extra_json(extra), "_source_file": path.name, "_source_row": str(row_no),
                     "_file_sha256": sha, "_file_unit_code": meta.unit_code, "_file_period": meta.period}
                    for row_no, fields, extra in records]  # a whole file or nothing
        except ExportRejected as exc:
            writer = writers[STREAMS[0]]
            kept = writer.keep(f"rejected/{path.name}", file.data)
            writer.reject({"file": path.name, "sha256": sha, "rule": exc.rule, "reason": str(exc), "kept_as": kept})
            log.warning("civil-status export %s refused: %s", path.name, exc)
        else:
            writer = writers[STREAM_OF[meta.kind]]
            for row in rows:
                writer.add(row)
        writer.manifest.consumed_files.append([path.name, sha])
    return {s: w.close() for s, w in writers.items()}
