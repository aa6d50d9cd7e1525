"""The civil-status registers: commune exports (births, deaths, marriages) as CSV/XLSX files in a drop folder."""

from __future__ import annotations

from pathlib import Path

from connectors.civil_status.schema import KIND_OF, PRIMARY_KEY, raw_columns
from connectors.civil_status.streams import STREAMS, import_folder
from connectors.civil_status.suite import SUITES
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    folder = run.folder or run.settings.civil_status_folder
    folder.mkdir(parents=True, exist_ok=True)
    return list(import_folder(run, folder).values())


def import_path(run: ExtractRun, folder: Path) -> list[BatchManifest]:
    return list(import_folder(run, folder).values())


SOURCE = Source(
    name="civil_status",
    description="commune civil-status exports (CSV/XLSX in the drop folder)",
    streams=tuple(Stream(s, raw_columns(KIND_OF[s]), SUITES[s], json_columns=("_extra",), primary_key=PRIMARY_KEY)
                  for s in STREAMS),
    extract=extract,
    import_path=import_path,
    backfill=False,
    doc="Every file not read before (by content hash: a file handed over twice is read once) lands with the file "
        "and row each record came from; a file that cannot be read as an export is refused whole with the rule it "
        "broke. The load records the files' hashes in its transaction. Drop folder: "
        "`KHO_CIVIL_STATUS_DROP_FOLDER`.",
)
