"""The land registration office's system: transactions from its API by change time, and its CSV exports."""

from __future__ import annotations

from pathlib import Path

from connectors.land.client import LandClient
from connectors.land.schema import COLUMNS
from connectors.land.streams import STREAM, extract_window, import_folder
from connectors.land.suite import suite
from connectors.listing import listing_client
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    """The API's window, then the drop folder's new exports when one is configured."""
    manifests = []
    if run.settings.land_url:
        with listing_client(LandClient, run.settings, "land", run.link_log("land")) as api:
            manifests.append(extract_window(api, run, run.window(STREAM)))
    folder = run.folder or run.settings.land_drop_folder
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        manifests.append(import_folder(run, Path(folder)))
    return manifests


def import_path(run: ExtractRun, folder: Path) -> list[BatchManifest]:
    return [import_folder(run, folder)]


SOURCE = Source(
    name="land",
    description="land-registration transactions changed since the last run (and the land system's CSV exports)",
    streams=(Stream(STREAM, COLUMNS, suite, json_columns=("_extra",), primary_key=("magiaodich",)),),
    extract=extract,
    import_path=import_path,
    settings_prefix="land",
    doc="The API is read by change time with retries (every request recorded in kho.link_calls); the monthly CSV "
        "exports in `KHO_LAND_DROP_FOLDER` are read once each by content hash, a file that is not an export refused "
        "whole with its rule. The parties are pseudonymized in staging.",
    tags=("registry",),
)
