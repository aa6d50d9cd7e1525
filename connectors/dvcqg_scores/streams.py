"""Landing the dashboard exports: every file not read before (by content hash) in the drop folder, or one file or
folder handed to ``kho import dvcqg-scores``; a file without the header's field codes is refused whole."""

from __future__ import annotations

from pathlib import Path

from connectors.drop_files import import_files
from connectors.dvcqg_scores.schema import CONTRACT, HEADER_KEYS, records_to_arrow
from connectors.spreadsheets import FileRejected, read_coded_sheet
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun

STREAM = "scores"
PATTERNS = ("*.xlsx", "*.XLSX", "*.csv", "*.CSV")


def read_scores(path: Path, data: bytes) -> list[dict]:
    return read_coded_sheet(path, data, CONTRACT.name_of, HEADER_KEYS, "not_a_dashboard_export")


def import_scores(run: ExtractRun, path: Path) -> BatchManifest:
    """Land ``path``'s new exports (a folder's, or the one file) as one batch."""
    folder, patterns = (path.parent, (path.name,)) if path.is_file() else (path, PATTERNS)
    return import_files(run, folder, STREAM, patterns, read_scores, records_to_arrow, (FileRejected,),
                        "dashboard export")
