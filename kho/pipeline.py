"""The pipeline's steps as plain functions: the DAGs, the CLI and the benchmark all call these."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from connectors.onestop.client import OneStopClient
from connectors.onestop.streams import RAW_TABLE, extract_window, import_export, next_window
from expectations.onestop_dossiers import suite as onestop_suite
from kho.batches import BatchManifest
from kho.raw_loader import load_batch
from kho.settings import KhoSettings, get_settings
from kho.validation import validate_batch
from kho.warehouse import Warehouse
from kho.windows import Window

log = logging.getLogger(__name__)


def onestop_client(settings: KhoSettings) -> OneStopClient:
    return OneStopClient(settings.onestop_url, settings.onestop_token.get_secret_value(),
                         page_size=settings.onestop_page_size)


def extract_onestop(run_start: datetime, interval_end: datetime | None = None, window: Window | None = None,
                    settings: KhoSettings | None = None) -> dict:
    """Extract and land one window of dossiers. An explicit ``window`` is a backfill: it never moves state."""
    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    mode = "backfill" if window else "incremental"
    window = window or next_window(wh, settings, run_start, interval_end)
    with onestop_client(settings) as client:
        manifest = extract_window(client, window, settings, mode=mode)
    log.info("extracted %d dossiers in [%s, %s) into %s", manifest.rows, window.start, window.end,
             manifest.landing_path)
    return manifest.to_dict()


def load_onestop(manifest: dict, settings: KhoSettings | None = None) -> int:
    return load_batch(Warehouse.open(settings or get_settings()), BatchManifest.from_dict(manifest), RAW_TABLE)


def validate_onestop(batch_id: str, settings: KhoSettings | None = None) -> dict:
    return asdict(validate_batch(Warehouse.open(settings or get_settings()), onestop_suite(), batch_id))


def import_onestop_file(path: Path, settings: KhoSettings | None = None) -> tuple[dict, int, dict]:
    """``kho import onestop PATH``: land, load and validate a DVCQG JSON export."""
    settings = settings or get_settings()
    manifest = import_export(path, settings).to_dict()
    loaded = load_onestop(manifest, settings)
    return manifest, loaded, validate_onestop(manifest["batch_id"], settings)


def documents_client(settings: KhoSettings):
    from connectors.documents.client import DocumentAxisClient

    return DocumentAxisClient(settings.documents_url, settings.documents_token.get_secret_value(),
                              page_size=settings.documents_page_size,
                              max_message_bytes=settings.documents_max_message_bytes)


def extract_documents(run_start: datetime, interval_end: datetime | None = None, window: Window | None = None,
                      settings: KhoSettings | None = None, folder: Path | None = None) -> list[dict]:
    """Land both document streams from the axis (a window each; an explicit ``window`` is a backfill), then the
    drop folder's new files if one is configured. Returns one manifest per landed batch."""
    from connectors.documents import streams as doc_streams

    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    manifests = []
    with documents_client(settings) as client:
        for stream in doc_streams.STREAMS:
            w = window or doc_streams.next_window(wh, settings, stream, run_start, interval_end)
            m = doc_streams.extract_window(client, stream, w, settings, mode="backfill" if window else "incremental")
            log.info("documents/%s: %d messages landed, %d refused, window [%s, %s)", stream, m.rows, m.rejected,
                     w.start, w.end)
            manifests.append(m.to_dict())
    folder = folder or settings.documents_drop_folder
    if folder:
        manifests += [m.to_dict() for m in doc_streams.import_folder(Path(folder), settings, wh).values()]
    return manifests


def load_streams(manifests: list[dict], raw_tables: dict, settings: KhoSettings | None = None) -> list[dict]:
    """Load each stream's batch into its raw table (a source with several streams)."""
    wh = Warehouse.open(settings or get_settings())
    return [{"batch_id": m["batch_id"], "stream": m["stream"],
             "loaded": load_batch(wh, BatchManifest.from_dict(m), raw_tables[m["stream"]])} for m in manifests]


def validate_streams(loaded: list[dict], suites: dict, settings: KhoSettings | None = None) -> list[dict]:
    """Validate each loaded batch with its stream's suite."""
    wh = Warehouse.open(settings or get_settings())
    return [asdict(validate_batch(wh, suites[b["stream"]](), b["batch_id"])) for b in loaded]


def load_documents(manifests: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    from connectors.documents.streams import RAW_TABLES

    return load_streams(manifests, RAW_TABLES, settings)


def validate_documents(loaded: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    from expectations.documents import SUITES

    return validate_streams(loaded, SUITES, settings)


def import_documents_folder(folder: Path, settings: KhoSettings | None = None) -> list[dict]:
    """``kho import documents FOLDER``: land, load and validate the folder's new .edxml files."""
    from connectors.documents.streams import import_folder

    settings = settings or get_settings()
    manifests = [m.to_dict() for m in import_folder(folder, settings, Warehouse.open(settings)).values()]
    return validate_documents(load_documents(manifests, settings), settings)


def extract_civil_status(folder: Path | None = None, settings: KhoSettings | None = None) -> list[dict]:
    """Land the drop folder's new civil-status exports: one batch per record type."""
    from connectors.civil_status.streams import import_folder

    settings = settings or get_settings()
    folder = folder or settings.civil_status_folder
    folder.mkdir(parents=True, exist_ok=True)
    return [m.to_dict() for m in import_folder(folder, settings, Warehouse.open(settings)).values()]


def load_civil_status(manifests: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    from connectors.civil_status.streams import RAW_TABLES

    return load_streams(manifests, RAW_TABLES, settings)


def validate_civil_status(loaded: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    from expectations.civil_status import SUITES

    return validate_streams(loaded, SUITES, settings)


def import_civil_status_folder(folder: Path, settings: KhoSettings | None = None) -> list[dict]:
    """``kho import civil-status FOLDER``: land, load and validate the folder's new exports."""
    settings = settings or get_settings()
    return validate_civil_status(load_civil_status(extract_civil_status(folder, settings), settings), settings)


def verify_citizen_ids(settings: KhoSettings | None = None) -> dict:
    """File checks for newly registered people, then work the pending queue against the population service."""
    from connectors.population.checks import enqueue, verify_pending

    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    filed = enqueue(wh, settings)
    return {"filed": filed, **verify_pending(wh, settings).to_dict()}


def summarize_run(source: str, since: datetime | None, settings: KhoSettings | None = None) -> dict:
    """The warnings and failures of a source's validations since ``since`` (a DAG run's start), logged."""
    from kho.run_summary import log_tally, validation_tally

    tally = validation_tally(Warehouse.open(settings or get_settings()), since, source)
    return log_tally(tally, f"{source} validation")
