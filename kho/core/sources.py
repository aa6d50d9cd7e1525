"""The source protocol and its registry: a source is one folder ``connectors/<name>/`` whose ``source.py`` declares
``SOURCE``; the pipeline, the DAGs, the Assets, the CLI, the raw tables and the suites all iterate the registry, so
adding a source edits no central file.

A source declares its streams (each with its raw table's contract columns and its validation suite) and how to
extract: ``extract(run)`` lands one run's batches (from an API window, a drop folder, or both) through the
:class:`~kho.core.extract_run.ExtractRun` the core hands it, which owns windows, state, manifests, landing and
rejections. The split follows dlt's resource / incremental / pipeline: the source yields, the core keeps state.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kho.core.batches import BatchManifest
    from kho.core.extract_run import ExtractRun

SOURCE_PACKAGES = ("connectors",)  # where the registry looks; KHO_SOURCE_PACKAGES adds more (comma-separated)


class UnknownSource(KeyError):
    """No registered source has that name."""


@dataclass(frozen=True)
class Stream:
    """One stream of a source: its raw table (generated from ``columns``) and the suite that validates it."""

    name: str
    columns: tuple[str, ...]  # contract columns, in landing order (batch columns are added ahead of them)
    suite: Callable[[], Any]  # builds the stream's ``expectations.validation.Suite``
    json_columns: tuple[str, ...] = ()  # kept as json text as received; every other column is text
    primary_key: tuple[str, ...] = ()  # documentation and staging's dedupe key; raw tables key on batch + row

    def raw_table(self, source: Source) -> RawTable:
        return RawTable(source.raw_schema, self.name)


@dataclass(frozen=True)
class RawTable:
    schema: str
    table: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class Source:
    """What a ``connectors/<name>/source.py`` declares as ``SOURCE``."""

    name: str  # also the raw schema's suffix, the dbt staging folder and the Assets' path
    description: str  # one line, for the DAG's doc, the CLI's help and the README
    streams: tuple[Stream, ...]
    extract: Callable[[ExtractRun], list[BatchManifest]]  # one run: API windows and/or drop-folder files
    import_path: Callable[[ExtractRun, Path], list[BatchManifest]] | None = None  # `kho import <name> PATH`
    schedule: str | None = "@hourly"  # the extract DAG's schedule
    backfill: bool = True  # accepts an explicit window (the DAG's window_start/window_end params)
    lag_minutes: int = 60  # incremental windows start this long before the watermark (late writes)
    initial_watermark: str = "2025-07-01T00:00:00"  # where the first window starts: the reform's first day
    settings_prefix: str | None = None  # KhoSettings fields `<prefix>_lag_minutes`/`_initial_watermark` override
    doc: str = ""  # longer text for the DAG's doc_md
    tags: tuple[str, ...] = field(default=())

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.name}"

    def stream(self, name: str) -> Stream:
        for s in self.streams:
            if s.name == name:
                return s
        raise UnknownSource(f"source {self.name} has no stream {name!r} (streams: "
                            f"{', '.join(s.name for s in self.streams)})")

    def raw_table(self, stream: str) -> RawTable:
        return self.stream(stream).raw_table(self)


def _packages() -> tuple[str, ...]:
    extra = tuple(p.strip() for p in os.environ.get("KHO_SOURCE_PACKAGES", "").split(",") if p.strip())
    return SOURCE_PACKAGES + extra


@cache
def _discover(packages: tuple[str, ...]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for package in packages:
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            if not info.ispkg or info.name.startswith("_"):
                continue
            try:
                module = importlib.import_module(f"{package}.{info.name}.source")
            except ModuleNotFoundError as exc:
                if exc.name == f"{package}.{info.name}.source":
                    continue  # a helper package (a client shared by sources), not a source
                raise
            src = getattr(module, "SOURCE", None)
            if not isinstance(src, Source):
                raise TypeError(f"{module.__name__} must define SOURCE = kho.core.sources.Source(...)")
            if src.name in found:
                raise ValueError(f"two sources are named {src.name!r}: {module.__name__} and another package")
            found[src.name] = src
    return found


def registered_sources() -> dict[str, Source]:
    """Every source the registry finds, by name (discovered once per process and package list)."""
    return _discover(_packages())


def get_source(name: str) -> Source:
    try:
        return registered_sources()[name]
    except KeyError:
        raise UnknownSource(f"no source named {name!r}; registered: {', '.join(registered_sources())}") from None


def forget_sources() -> None:
    """Discover again on the next call (a test that adds a source folder)."""
    _discover.cache_clear()
    importlib.invalidate_caches()
