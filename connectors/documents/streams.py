"""The document streams: ``edocs`` and ``status_events`` (primary key: the message id; cursor: arrival time).

From the axis, each stream lists the messages that arrived in the window, fetches them a few at a time and parses
them safely; from a drop folder, every ``.edxml`` file not read before is routed to its stream. Each message is
kept byte for byte in the landing zone (``messages/part-NNNNN.zip``, ~64 MB each), its parsed fields go to Parquet
parts of bounded size, and a message that is refused is kept on its own (``rejected/``) and listed in
``rejected.jsonl`` with the rule it broke, and the batch carries on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path

import httpx

from connectors.documents.client import DocumentAxisClient
from connectors.documents.edxml import EdxmlRejected, parse_message
from connectors.documents.schema import MESSAGE_TYPE, to_arrow
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.windows import Window, source_time

log = logging.getLogger(__name__)

STREAMS = ("edocs", "status_events")
STREAM_OF = {kind: stream for stream, kind in MESSAGE_TYPE.items()}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class MessageLander:
    """Lands one stream's batch: parsed rows as Parquet parts, each message as a file, refusals with reasons."""

    def __init__(self, run: ExtractRun, stream: str, **batch_args):
        self.stream = stream
        self._writer = run.batch(stream, partial(to_arrow, stream), **batch_args)
        self.manifest = self._writer.manifest

    def _keep(self, folder: str, message_id: str, data: bytes | None) -> str | None:
        if data is None:
            return None
        return self._writer.keep(f"{folder}/{_SAFE_NAME.sub('_', message_id)}.edxml", data)

    def add(self, message_id: str, source_ref: str, received_at: str, data: bytes, record: dict) -> None:
        self._writer.archive("messages", f"{_SAFE_NAME.sub('_', message_id)}.edxml", data)
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


def extract_window(client: DocumentAxisClient, run: ExtractRun, stream: str, window: Window) -> BatchManifest:
    """Fetch and land the messages of ``stream`` that arrived on the axis in ``window``."""
    landers = {stream: MessageLander(run, stream, window=window)}
    for page in client.iter_listing(MESSAGE_TYPE[stream], window):
        for entry, got in _fetched(client, page, run.settings.documents_fetch_workers):
            received = datetime.strptime(entry["time"], "%Y%m%d%H%M%S").isoformat()
            if isinstance(got, str):
                landers[stream].reject(entry["id"], "axis", got, None)
            else:
                accept(landers, entry["id"], "axis", received, got, client.max_message_bytes, stream)
    return landers[stream].close()


def import_folder(run: ExtractRun, folder: Path) -> dict[str, BatchManifest]:
    """Land every ``.edxml`` file in ``folder`` not read before (by content hash); one batch per stream."""
    max_bytes = run.settings.documents_max_message_bytes
    files = run.new_files(folder, ("*.edxml",), max_bytes)  # raises before any batch opens if there is no folder
    first = next(files, None)
    landers = {s: MessageLander(run, s, mode="file", source_file=str(folder)) for s in STREAMS}
    for file in chain([first] if first else [], files):
        if file.data is None:
            lander = landers[STREAMS[0]]
            lander.reject(file.path.stem, file.path.name, f"size_limit: file of {file.size:,} bytes is over the "
                          f"limit of {max_bytes:,} bytes", None)
        else:
            mtime = datetime.fromtimestamp(file.path.stat().st_mtime).astimezone()
            lander = accept(landers, file.path.stem, file.path.name, source_time(mtime).isoformat(), file.data,
                            max_bytes)
        lander.manifest.consumed_files.append([file.path.name, file.sha256])
    return {s: lander.close() for s, lander in landers.items()}
