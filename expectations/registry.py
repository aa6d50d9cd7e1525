"""Every validation suite Kho runs: each registered source's stream suites, for Data Docs and the rules table."""

from __future__ import annotations

from expectations.validation import Suite
from kho.core.sources import registered_sources


def all_suites() -> list[Suite]:
    return [stream.suite() for _, src in sorted(registered_sources().items()) for stream in src.streams]
