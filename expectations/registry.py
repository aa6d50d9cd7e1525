"""Every validation suite Kho runs, by name: for Data Docs and anything else that needs them all."""

from __future__ import annotations

from kho.validation import Suite


def all_suites() -> list[Suite]:
    from expectations import civil_status, documents, onestop_dossiers

    return [onestop_dossiers.suite(), *(f() for f in documents.SUITES.values()),
            *(f() for f in civil_status.SUITES.values())]
