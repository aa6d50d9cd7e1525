"""The pipeline's steps as plain functions over the source registry: the DAGs, the CLI and the benchmark all call
these, for every source alike. What passes between steps is plain data (manifests and summaries as dicts), so each
step can run in its own process (an Airflow task on another worker) with nothing but XCom between them."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from expectations.validation import validate_batch
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.link_calls import recorded_links
from kho.core.loading import load_batch
from kho.core.settings import KhoSettings, get_settings
from kho.core.sources import get_source
from kho.core.warehouse import Warehouse
from kho.core.windows import Window

log = logging.getLogger(__name__)


def extract(source: str, run_start: datetime, interval_end: datetime | None = None, window: Window | None = None,
            settings: KhoSettings | None = None, folder: Path | None = None) -> list[dict]:
    """Land one run of ``source``: its windows (an explicit ``window`` is a backfill, which never moves state) and
    its drop folder. Returns one manifest per landed batch."""
    settings = settings or get_settings()
    src = get_source(source)
    if window is not None and not src.backfill:
        raise ValueError(f"source {source} reads drop folders: it has no window to backfill")
    wh = Warehouse.open(settings)
    run = ExtractRun(src, settings, wh, run_start, interval_end, window, folder)
    with recorded_links(wh, run):
        manifests = src.extract(run)
    for m in manifests:
        log.info("%s/%s: %d landed, %d refused%s", m.source, m.stream, m.rows, m.rejected,
                 f", window [{m.window_start}, {m.window_end})" if m.window_start else "")
    return [m.to_dict() for m in manifests]


def load(manifests: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    """Load each batch into its stream's raw table (rows, batch record and state in one transaction each)."""
    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    return [{"batch_id": m["batch_id"], "source": m["source"], "stream": m["stream"],
             "loaded": load_batch(wh, BatchManifest.from_dict(m), settings=settings)} for m in manifests]


def validate(loaded: list[dict], settings: KhoSettings | None = None) -> list[dict]:
    """Validate each loaded batch with its stream's suite."""
    wh = Warehouse.open(settings or get_settings())
    return [asdict(validate_batch(wh, get_source(b["source"]).stream(b["stream"]).suite(), b["batch_id"]))
            for b in loaded]


def import_path(source: str, path: Path, settings: KhoSettings | None = None) -> tuple[list[dict], list[dict]]:
    """``kho import <source> PATH``: land, load and validate a file or folder handed over; (manifests, summaries)."""
    from kho.core.windows import source_time

    settings = settings or get_settings()
    src = get_source(source)
    if src.import_path is None:
        raise ValueError(f"source {source} takes no file imports")
    run = ExtractRun(src, settings, Warehouse.open(settings), source_time(), folder=path)
    manifests = [m.to_dict() for m in src.import_path(run, path)]
    return manifests, validate(load(manifests, settings), settings)


def verify_citizen_ids(settings: KhoSettings | None = None) -> dict:
    """File checks for newly registered people, then work the pending queue against the population service."""
    from connectors.population.checks import enqueue, verify_pending

    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    filed = enqueue(wh, settings)
    return {"filed": filed, **verify_pending(wh, settings).to_dict()}


def summarize_run(source: str, since: datetime | None, settings: KhoSettings | None = None) -> dict:
    """The warnings and failures of a source's validations since ``since`` (a DAG run's start), logged."""
    from expectations.run_summary import log_tally, validation_tally

    tally = validation_tally(Warehouse.open(settings or get_settings()), since, source)
    return log_tally(tally, f"{source} validation")
