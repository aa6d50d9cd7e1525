"""The document systems: edXML documents and status messages from the document axis, and ``.edxml`` files from a
drop folder."""

from __future__ import annotations

from pathlib import Path

from connectors.documents.client import DocumentAxisClient
from connectors.documents.schema import COLUMNS, PRIMARY_KEY
from connectors.documents.streams import STREAMS, extract_window, import_folder
from connectors.documents.suite import SUITES
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.link_calls import LinkLog
from kho.core.settings import KhoSettings
from kho.core.sources import Source, Stream


def client(settings: KhoSettings, links: LinkLog | None = None) -> DocumentAxisClient:
    return DocumentAxisClient(settings.documents_url, settings.documents_token.get_secret_value(),
                              page_size=settings.documents_page_size,
                              max_message_bytes=settings.documents_max_message_bytes, links=links)


def extract(run: ExtractRun) -> list[BatchManifest]:
    """Both streams from the axis (a window each), then the drop folder's new files if one is configured."""
    with client(run.settings, run.link_log("documents")) as api:
        manifests = [extract_window(api, run, stream, run.window(stream)) for stream in STREAMS]
    folder = run.folder or run.settings.documents_drop_folder
    if folder:
        manifests += import_folder(run, Path(folder)).values()
    return manifests


def import_path(run: ExtractRun, folder: Path) -> list[BatchManifest]:
    return list(import_folder(run, folder).values())


SOURCE = Source(
    name="documents",
    description="edXML documents and status messages from the document axis (and a drop folder)",
    streams=tuple(Stream(s, COLUMNS[s], SUITES[s], primary_key=(PRIMARY_KEY,)) for s in STREAMS),
    extract=extract,
    import_path=import_path,
    settings_prefix="documents",
    doc="Each stream lists the messages that arrived since its watermark, fetches and parses them safely, and keeps "
        "every message as received in the landing zone; hostile or unreadable messages are refused with the rule "
        "they broke and the rest of the batch carries on. Drop folder: `KHO_DOCUMENTS_DROP_FOLDER`.",
)
