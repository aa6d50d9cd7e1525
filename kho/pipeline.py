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
