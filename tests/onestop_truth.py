"""What the sandbox one-stop system's answer key says the marts must hold, for the tests on real processes."""

from __future__ import annotations

from collections import Counter


def expected_clean_codes(dossiers: int) -> set[str]:
    """Every dossier but those the sandbox planted an error defect in, where the defect shows (both dossiers of a
    duplicated code)."""
    from sandbox.onestop.generator import DIRTY_KINDS, Dossiers, SandboxConfig
    from sandbox.onestop.records import render

    d = Dossiers(SandboxConfig(dossiers=dossiers))

    def planted_error(i: int) -> bool:
        kind = DIRTY_KINDS[d.dirty_kind[i]] if d.dirty_kind[i] >= 0 else None
        if kind in (None, "missing_due_date"):  # a warning: the dossier goes on
            return False
        if kind == "bad_citizen_id":  # an organisation's owner ID is its tax code, which the sandbox leaves sound
            return bool(d.applicant_type[i] == 1)
        if kind == "finished_before_received":  # shows only once the dossier has an end
            return bool(render(d, i, d.default_clock)["NgayKetThucXuLy"])
        return True

    codes = Counter(d.dossier_code(i) for i in range(d.n))
    return {d.dossier_code(i) for i in range(d.n) if not planted_error(i) and codes[d.dossier_code(i)] == 1}


def busiest_hour(dossiers: int):
    """The UTC hour in which most dossiers last changed (source wall time is UTC+7), and how many: a backfill
    window with something in it."""
    from datetime import datetime, timedelta, timezone

    import numpy as np

    from sandbox.onestop.generator import Dossiers, SandboxConfig

    d = Dossiers(SandboxConfig(dossiers=dossiers))
    changed = d.updated_at(d.default_clock)
    hours, counts = np.unique(changed[changed >= 0] // 3600, return_counts=True)
    best = int(hours[counts.argmax()])
    wall = datetime(1970, 1, 1) + timedelta(hours=best)
    return (wall - timedelta(hours=7)).replace(tzinfo=timezone.utc), int(counts.max())
