"""The electronic one-stop system: procedure dossiers as synced to DVCQG, from its API by change time, or from a
DVCQG JSON export handed over as a file."""

from __future__ import annotations

from pathlib import Path

from connectors.onestop.client import OneStopClient
from connectors.onestop.schema import COLUMNS, NESTED_FIELDS
from connectors.onestop.streams import STREAM, extract_window, import_export
from connectors.onestop.suite import suite
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.link_calls import LinkLog
from kho.core.settings import KhoSettings
from kho.core.sources import Source, Stream


def client(settings: KhoSettings, links: LinkLog | None = None) -> OneStopClient:
    return OneStopClient(settings.onestop_url, settings.onestop_token.get_secret_value(),
                         page_size=settings.onestop_page_size, links=links)


def extract(run: ExtractRun) -> list[BatchManifest]:
    with client(run.settings, run.link_log("onestop")) as api:
        return [extract_window(api, run, run.window(STREAM))]


def import_path(run: ExtractRun, path: Path) -> list[BatchManifest]:
    return [import_export(run, path)]


SOURCE = Source(
    name="onestop",
    description="one-stop dossiers changed since the last run (or a DVCQG JSON export)",
    streams=(Stream(STREAM, COLUMNS, suite, json_columns=tuple(f.lower() for f in NESTED_FIELDS) + ("_extra",),
                    primary_key=("mahoso",)),),
    extract=extract,
    import_path=import_path,
    settings_prefix="onestop",
    doc="Extraction streams into the landing zone batch by batch (extract and land are one step, so no batch is "
        "held in memory); the load appends to raw and moves the watermark in one transaction; validation runs the "
        "GX suite and quarantines failing rows.",
)
