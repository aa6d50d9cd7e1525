"""What the core hands a source's ``extract``: one run's windows, batches and drop-folder files.

The source only yields records; the run computes each stream's window from the warehouse state (or takes the
backfill window asked for), opens the batches in the landing zone with their manifests, and lists the drop-folder
files not read before. Nothing here moves state: the load does, in its own transaction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from kho.core.batches import new_manifest
from kho.core.landing import BatchWriter, LandingZone
from kho.core.link_calls import LinkLog
from kho.core.settings import KhoSettings
from kho.core.sources import Source, get_source
from kho.core.state import get_watermark, read_source_files
from kho.core.warehouse import Warehouse
from kho.core.windows import Window, incremental_window, source_time

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DropFile:
    """A file of a drop folder not read before. ``data`` is None when it is over the size limit (not read)."""

    path: Path
    sha256: str
    size: int
    data: bytes | None


@dataclass
class ExtractRun:
    source: Source
    settings: KhoSettings
    wh: Warehouse | None  # None: a run that only lands (a backfill window, a file) and never reads state
    run_start: datetime  # naive source wall time (kho.core.windows.source_time)
    interval_end: datetime | None = None  # the scheduled interval's end, if earlier than the run
    backfill: Window | None = None  # an explicit window: a backfill, which never moves state
    folder: Path | None = None  # an explicit drop folder (`kho import`, tests), else the source's configured one
    _files_read: set[str] | None = field(default=None, repr=False)
    links: dict[str, LinkLog] = field(default_factory=dict, repr=False)  # calls to each system, by system

    def link_log(self, system: str) -> LinkLog:
        """The log of this run's calls to ``system``: the pipeline writes it to ``kho.link_calls`` when the run
        ends, however it ends."""
        if system not in self.links:
            self.links[system] = LinkLog(system, f"extract:{self.source.name}:{uuid.uuid4().hex[:12]}")
        return self.links[system]

    @classmethod
    def of(cls, source: str, settings: KhoSettings, wh: Warehouse | None = None, run_start: datetime | None = None,
           **kw) -> ExtractRun:
        """A run of the registered source ``source`` (a connector used on its own, without Airflow)."""
        return cls(get_source(source), settings, wh, run_start or source_time(), **kw)

    def _warehouse(self) -> Warehouse:
        if self.wh is None:
            raise ValueError(f"this run of {self.source.name} has no warehouse to read its state from")
        return self.wh

    @property
    def mode(self) -> str:
        return "backfill" if self.backfill else "incremental"

    def _setting(self, name: str, default):
        prefix = self.source.settings_prefix
        return getattr(self.settings, f"{prefix}_{name}", default) if prefix else default

    def window(self, stream: str) -> Window:
        """``[watermark − lag, run_start)`` for ``stream`` (the backfill window when one was asked for)."""
        if self.backfill:
            return self.backfill
        return incremental_window(
            get_watermark(self._warehouse(), self.source.name, stream),
            lag=timedelta(minutes=self._setting("lag_minutes", self.source.lag_minutes)),
            run_start=self.run_start,
            initial=datetime.fromisoformat(self._setting("initial_watermark", self.source.initial_watermark)),
            interval_end=self.interval_end,
        )

    def batch(self, stream: str, to_table: Callable[[list[dict]], pa.Table] | None = None, *,
              mode: str | None = None, window: Window | None = None, **manifest_fields) -> BatchWriter:
        """Open a new batch of ``stream`` in the landing zone (a window's batch records the window)."""
        self.source.stream(stream)  # refuse a stream the source does not declare
        if window is not None:
            manifest_fields |= {"window_start": window.start.isoformat(), "window_end": window.end.isoformat()}
        manifest = new_manifest(self.source.name, stream, mode or self.mode, **manifest_fields)
        return BatchWriter(LandingZone.from_settings(self.settings), manifest, to_table, self.settings.batch_rows)

    def files_read(self) -> set[str]:
        """SHA-256 of this source's drop-folder files already loaded (read once per run)."""
        if self._files_read is None:
            self._files_read = read_source_files(self._warehouse(), self.source.name)
        return self._files_read

    def new_files(self, folder: Path, patterns: tuple[str, ...], max_bytes: int | None = None) -> Iterator[DropFile]:
        """The files of ``folder`` matching ``patterns`` not read before (by content: a file handed over twice, or
        renamed, is read once), in name order. Files over ``max_bytes`` are hashed in chunks, not read."""
        if not folder.is_dir():
            raise FileNotFoundError(f"drop folder {folder} does not exist")
        done = self.files_read()
        skipped = 0
        for path in sorted({p for pattern in patterns for p in folder.glob(pattern)}):
            size = path.stat().st_size
            data = path.read_bytes() if max_bytes is None or size <= max_bytes else None
            sha = hashlib.sha256(data).hexdigest() if data is not None else _sha256_of_file(path)
            if sha in done:
                skipped += 1
                continue
            done.add(sha)
            yield DropFile(path, sha, size, data)
        if skipped:
            log.info("drop folder %s: %d files already read before, skipped", folder, skipped)


def _sha256_of_file(path: Path) -> str:
    """Hash a file too large to read whole, in 1 MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
