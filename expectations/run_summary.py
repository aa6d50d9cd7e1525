"""The warnings and failures of a run, summed by rule, so a warning is never only a count in a table: every extract
DAG ends with it in its log (WARNING level), and the CLI prints it after every import and demo."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass
class RuleTally:
    suite: str
    rule: str
    severity: str
    failed: int
    checked: int
    units: int


def validation_tally(wh: Warehouse, since: datetime | None = None, source: str | None = None,
                     run_ids: list[str] | None = None) -> list[RuleTally]:
    """Rules that failed in validation runs finished since ``since`` (all when None), of ``source`` and among
    ``run_ids`` when given; errors first."""
    _, rows = wh.query(
        "select r.suite, r.rule, r.severity, sum(r.failed)::bigint, sum(r.checked)::bigint, "
        "count(distinct r.unit_code) filter (where r.failed > 0) "
        "from dq.rule_results r join dq.validation_runs v using (run_id) join kho.batches b on b.batch_id = v.batch_id "
        "where (%(since)s::timestamptz is null or v.finished_at >= %(since)s) "
        "and (%(source)s::text is null or b.source = %(source)s) "
        "and (%(runs)s::text[] is null or v.run_id = any(%(runs)s)) "
        "group by 1, 2, 3 having sum(r.failed) > 0 order by r.severity, 4 desc, 1, 2",
        {"since": since, "source": source, "runs": run_ids})
    return [RuleTally(*r) for r in rows]


def log_tally(tally: list[RuleTally], what: str) -> dict:
    """Log one line per failing rule (WARNING) and return the tally as a dict for XCom."""
    if not tally:
        log.info("%s: no rule failed", what)
    for t in tally:
        kind = "quarantined" if t.severity == "error" else "flagged (warning, kept)"
        log.warning("%s: %s.%s %s %d of %d rows in %d unit(s)", what, t.suite, t.rule, kind, t.failed, t.checked,
                    t.units)
    errors = sum(t.failed for t in tally if t.severity == "error")
    warnings = sum(t.failed for t in tally if t.severity != "error")
    return {"errors": errors, "warnings": warnings, "rules": [asdict(t) for t in tally]}
