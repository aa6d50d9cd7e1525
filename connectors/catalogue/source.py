"""The procedure catalogue: the national procedure database as the province sees it (its procedures, publishing
decisions, components, online level, payment integration and the units that apply each), from its API by change
time and from the province's JSON exports dropped in a folder."""

from __future__ import annotations

from pathlib import Path

from connectors.catalogue.client import CatalogueClient
from connectors.catalogue.schema import PROCEDURES
from connectors.catalogue.streams import STREAM, extract_window, import_folder
from connectors.catalogue.suite import suite
from connectors.listing import listing_client
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    """The API's window when one is configured, then the drop folder's new exports (created when missing, so that
    a province sees where to put them)."""
    manifests = []
    if run.settings.catalogue_url:
        with listing_client(CatalogueClient, run.settings, "catalogue", run.link_log("catalogue")) as api:
            manifests.append(extract_window(api, run, run.window(STREAM)))
    folder = Path(run.folder or run.settings.catalogue_folder)
    folder.mkdir(parents=True, exist_ok=True)
    return manifests + import_path(run, folder)


def import_path(run: ExtractRun, folder: Path) -> list[BatchManifest]:
    return [import_folder(run, folder)]


SOURCE = Source(
    name="catalogue",
    description="procedures of the national procedure database changed since the last run (and its JSON exports)",
    streams=(Stream(STREAM, PROCEDURES.columns, suite, json_columns=PROCEDURES.json_columns, primary_key=("code",)),),
    extract=extract,
    import_path=import_path,
    initial_watermark="2020-01-01T00:00:00",
    settings_prefix="catalogue",
    doc="The catalogue's listing (`/api/v1/formalities`, the records of the DVCQG catalogue endpoint with their "
        "publishing decisions, components and applied units) is read by change time with retries (every request "
        "recorded in kho.link_calls); the province's exports in `KHO_CATALOGUE_DROP_FOLDER` (a JSON array of the same "
        "records) are read once each by content hash, a file that is not one refused whole with its rule. A "
        "procedure changed again is a new version; the warehouse keeps the latest one validation lets through, and "
        "`dim_procedures`, the statutory times of dossiers without a due date and Decision 766 indicators 1.1-1.3, "
        "3.1, 3.5 and 3.6 read it.",
    tags=("766",),
)
