"""The document streams: ``edocs`` and ``status_events`` (primary key: the message id; cursor: arrival time).

From the axis, each stream lists the messages that arrived in the window, fetches them a few at a time and parses
them safely; from a drop folder, every ``.edxml`` file not read before is routed to its stream. Each message is
kept as received in the landing zone (``messages/``), its parsed fields go to Parquet parts of bounded size, and a
message that is refused goes to ``rejected.jsonl`` with the rule it broke, and the batch carries on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import httpx

from connectors.documents.client import DocumentAxisClient
from connectors.documents.edxml import EdxmlRejected, parse_message
from connectors.documents.schema import MESSAGE_TYPE, to_arrow
from kho.batches import BatchManifest, new_batch_id, utcnow
from kho.landing import BatchWriter
from kho.raw_loader import RawTable, get_watermark, read_source_files
from kho.settings import KhoSettings
from kho.warehouse import Warehouse
from kho.windows import Window, incremental_window, source_time

log = logging.getLogger(__name__)

SOURCE = "documents"
STREAMS = ("edocs", "status_events")
RAW_TABLES = {s: RawTable("raw_documents", s) for s in STREAMS}
STREAM_OF = {kind: stream for stream, kind in MESSAGE_TYPE.items()}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def next_window(wh: Warehouse, settings: KhoSettings, stream: str, run_start: datetime,
                interval_end: datetime | None = None) -> Window:
    return incremental_window(
        get_watermark(wh, SOURCE, stream),
        lag=timedelta(minutes=settings.documents_lag_minutes),
        run_start=run_start,
        initial=datetime.fromisoformat(settings.documents_initial_watermark),
        interval_end=interval_end,
    )


class MessageLander:
    """Lands one stream's batch: parsed rows as Parquet parts, each message as a file, refusals with reasons."""

    def __init__(self, stream: str, settings: KhoSettings, mode: str, **manifest_fields):
        at = utcnow()
        self.stream = stream
        manifest = BatchManifest(batch_id=new_batch_id(SOURCE, stream, at), source=SOURCE, stream=stream,
                                 mode=mode, extracted_at=at.isoformat(), landing_path="", **manifest_fields)
        self._writer = BatchWriter(settings.landing, manifest, partial(to_arrow, stream), settings.batch_rows)
        self.manifest = manifest
        self.dir = self._writer.dir

    def _keep(self, folder: str, message_id: str, data: bytes | None) -> str | None:
        if data is None:
            return None
        path = self.dir / folder / f"{_SAFE_NAME.sub('_', message_id)}.edxml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def add(self, message_id: str, source_ref: str, received_at: str, data: bytes, record: dict) -> None:
        self._keep("messages", message_id, data)
        self._writer.add({**record, "message_id": message_id, "source_ref": source_ref, "received_at": received_at})

    def reject(self, message_id: str, source_ref: str, reason: str, data: bytes | None) -> None:
        kept = self._keep("rejected", message_id, data)
        log.warning("document message %s refused: %s", message_id, reason)
        self._writer.reject({"message_id": message_id, "source_ref": source_ref, "reason": reason, "kept_as": kept})

    def close(self) -> BatchManifest:
        return self._writer.close()


def accept(landers: dict[str, MessageLander], message_id: str, source_ref: str, received_at: str,
           data: bytes, max_bytes: int, expected_stream: str | None = None) -> MessageLander:
    """Parse one message and hand it to the lander of its stream (or refuse it); returns the lander used."""
    try:
        kind, record = parse_message(data, max_bytes=max_bytes)
        stream = STREAM_OF[kind]
        if expected_stream and stream != expected_stream:
            raise EdxmlRejected("message_type", f"listed as {MESSAGE_TYPE[expected_stream]} but is a {kind} message")
    except EdxmlRejected as exc:
        lander = landers[expected_stream or STREAMS[0]]
        lander.reject(message_id, source_ref, str(exc), data if len(data) <= max_bytes else None)
        return lander
    landers[stream].add(message_id, source_ref, received_at, data, record)
    return landers[stream]


def _fetched(client: DocumentAxisClient, entries: list[dict], workers: int) -> Iterator[tuple[dict, bytes | str]]:
    """Each listed entry with its bytes, or the reason it could not be fetched; ``workers`` requests in flight."""

    def one(entry: dict) -> bytes | str:
        try:
            return client.fetch(entry["id"])
        except EdxmlRejected as exc:
            return str(exc)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return f"fetch_failed: the axis lists the message but has no content for it ({exc})"
            raise

    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from zip(entries, pool.map(one, entries), strict=True)


def extract_window(client: DocumentAxisClient, stream: str, window: Window, settings: KhoSettings,
                   mode: str = "incremental") -> BatchManifest:
    """Fetch and land the messages of ``stream`` that arrived on the axis in ``window``."""
    landers = {stream: MessageLander(stream, settings, mode, window_start=window.start.isoformat(),
                                     window_end=window.end.isoformat())}
    for page in client.iter_listing(MESSAGE_TYPE[stream], window):
        for entry, got in _fetched(client, page, settings.documents_fetch_workers):
            received = datetime.strptime(entry["time"], "%Y%m%d%H%M%S").isoformat()
            if isinstance(got, str):
                landers[stream].reject(entry["id"], "axis", got, None)
            else:
                accept(landers, entry["id"], "axis", received, got, client.max_message_bytes, stream)
    return landers[stream].close()


def _sha256_of_file(path: Path) -> str:
    """Hash a file too large to read whole, in 1 MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def import_folder(folder: Path, settings: KhoSettings, wh: Warehouse) -> dict[str, BatchManifest]:
    """Land every ``.edxml`` file in ``folder`` not read before (by content hash); one batch per stream."""
    if not folder.is_dir():
        raise FileNotFoundError(f"drop folder {folder} does not exist")
    done = read_source_files(wh, SOURCE)
    landers = {s: MessageLander(s, settings, "file", source_file=str(folder)) for s in STREAMS}
    max_bytes = settings.documents_max_message_bytes
    skipped = 0
    for path in sorted(folder.glob("*.edxml")):
        stat = path.stat()
        data = path.read_bytes() if stat.st_size <= max_bytes else None  # read once: hashed and parsed
        sha = hashlib.sha256(data).hexdigest() if data is not None else _sha256_of_file(path)
        if sha in done:
            skipped += 1
            continue
        if data is None:
            lander = landers[STREAMS[0]]
            lander.reject(path.stem, path.name, f"size_limit: file of {stat.st_size:,} bytes is over the limit of "
                          f"{max_bytes:,} bytes", None)
        else:
            received = source_time(datetime.fromtimestamp(stat.st_mtime).astimezone()).isoformat()
            lander = accept(landers, path.stem, path.name, received, data, max_bytes)
        lander.manifest.consumed_files.append([path.name, sha])
        done.add(sha)
    if skipped:
        log.info("drop folder %s: %d files already read before, skipped", folder, skipped)
    return {s: lander.close() for s, lander in landers.items()}
