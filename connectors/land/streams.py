"""The transaction stream: primary key MaGiaoDich, cursor NgayCapNhat; from the API by window, and from the land
system's CSV exports in a drop folder.

Each export file not read before (by content hash) lands with the file, row and hash each row came from; a file
whose header is not the export's (no MaGiaoDich or NgayTiepNhan column), or that is not UTF-8 CSV, is refused whole
(kept beside the batch with the rule): a file is never half-landed. A transaction both in an export and in the API
is one transaction: staging keeps its latest version.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from connectors.drop_files import FileRejected as ExportRejected
from connectors.drop_files import import_files
from connectors.land.client import LandClient
from connectors.land.schema import contract_name, records_to_arrow
from connectors.listing import land_listing
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.windows import Window

STREAM = "transactions"
PATTERNS = ("*.csv", "*.CSV")
REQUIRED_COLUMNS = ("MaGiaoDich", "NgayTiepNhan")


def extract_window(client: LandClient, run: ExtractRun, window: Window) -> BatchManifest:
    """Extract the transactions changed in ``window`` and land them as one batch of ``run``."""
    return land_listing(client, run, STREAM, window, records_to_arrow)


def read_export(path: Path, data: bytes) -> list[dict]:
    """The rows of one export file, every value as text (empty cells as null); refuses the file whole."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportRejected("not_utf8", f"{path.name}: not UTF-8 text ({exc})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [contract_name(h) for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ExportRejected("not_a_land_export", f"{path.name}: no column {', '.join(missing)} in the header "
                                                  f"(expected the land system's export columns)")
    rows = []
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ExportRejected("ragged_row", f"{path.name} row {n}: {len(values)} cells for {len(header)} columns")
        rows.append({**{h: (v if v != "" else None) for h, v in zip(header, values, strict=True)},
                     "_source_row": str(n)})
    return rows


def import_folder(run: ExtractRun, folder: Path) -> BatchManifest:
    """Land every export in ``folder`` not read before, as one batch; refused files go to ``rejected/``."""
    return import_files(run, folder, STREAM, PATTERNS, read_export, records_to_arrow, (ExportRejected,), "land export")
