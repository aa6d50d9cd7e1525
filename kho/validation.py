"""Run a validation suite on one landed batch with Great Expectations, then record and quarantine.

GX judges the batch on PostgreSQL (ephemeral context, suites as code). Results are stored as rows in ``dq``:
the run, GX's verdict per rule, and failed/checked per rule and unit. Rows failing an ``error`` rule are
quarantined by key with the rule they broke; ``warn`` rules are recorded only. Every batch accounts for itself:
rows checked = rows passed + rows quarantined.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from kho.warehouse import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    name: str
    expectation: str  # GX expectation class name
    kwargs: dict[str, Any]
    failing: str  # SQL predicate over the batch query, true on a failing row
    message_vi: str
    message_en: str
    severity: str = "error"

    @classmethod
    def not_null(cls, name, column, vi, en, severity="error") -> Rule:
        return cls(name, "ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} is null", vi, en, severity)

    @classmethod
    def unique(cls, name, column, vi, en, severity="error") -> Rule:
        pred = (f"{column} in (select {column} from b where {column} is not null "
                f"group by {column} having count(*) > 1)")
        return cls(name, "ExpectColumnValuesToBeUnique", {"column": column}, pred, vi, en, severity)

    @classmethod
    def in_set(cls, name, column, values, vi, en, severity="error") -> Rule:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        return cls(name, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)},
                   f"{column} is not null and {column} not in ({quoted})", vi, en, severity)

    @classmethod
    def regex(cls, name, column, pattern, vi, en, severity="error") -> Rule:
        sql_pattern = pattern.replace("'", "''")
        return cls(name, "ExpectColumnValuesToMatchRegex", {"column": column, "regex": pattern},
                   f"{column} is not null and {column} !~ '{sql_pattern}'", vi, en, severity)

    @classmethod
    def ordered(cls, name, later, earlier, vi, en, severity="error") -> Rule:
        return cls(name, "ExpectColumnPairValuesAToBeGreaterThanB",
                   {"column_A": later, "column_B": earlier, "or_equal": True,
                    "ignore_row_if": "either_value_is_missing"},
                   f"{later} is not null and {earlier} is not null and {later} < {earlier}", vi, en, severity)


@dataclass
class Suite:
    name: str
    rules: list[Rule]
    batch_query: str  # with a {batch_id} placeholder
    key: str
    unit: str


@dataclass
class ValidationSummary:
    run_id: str
    batch_id: str
    suite: str
    checked: int
    passed: int
    quarantined: int
    gx_success: bool
    failed_by_rule: dict[str, int] = field(default_factory=dict)
    gx_unexpected_by_rule: dict[str, int] = field(default_factory=dict)


class ValidationIntegrityError(RuntimeError):
    """GX and the quarantine query disagree on a rule: the rule's two halves drifted apart."""


def run_gx(wh: Warehouse, suite: Suite, batch_id: str) -> tuple[bool, dict[str, dict]]:
    """Validate the batch with GX; returns overall success and, per rule, GX's counts."""
    import great_expectations as gx  # heavy import (~8 s): only when validating
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    ds = ctx.data_sources.add_sql(name="warehouse", connection_string=wh.sqlalchemy_url)
    asset = ds.add_query_asset(name=f"{suite.name}_batch", query=suite.batch_query.format(batch_id=batch_id))
    batch_def = asset.add_batch_definition_whole_table("batch")
    gx_suite = gx.ExpectationSuite(name=suite.name)
    for rule in suite.rules:
        cls = getattr(gxe, rule.expectation)
        gx_suite.add_expectation(cls(**rule.kwargs, meta={"rule": rule.name, "severity": rule.severity}))
    gx_suite = ctx.suites.add(gx_suite)
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch_def, suite=gx_suite))
    result = vd.run(result_format="BASIC")
    per_rule: dict[str, dict] = {}
    for r in result.results:
        meta = r.expectation_config.meta or {}
        per_rule[meta["rule"]] = {
            "success": bool(r.success),
            "element_count": r.result.get("element_count"),
            "unexpected_count": r.result.get("unexpected_count", 0) or 0,
            "expectation": r.expectation_config.type,
        }
    return bool(result.success), per_rule


def validate_batch(wh: Warehouse, suite: Suite, batch_id: str) -> ValidationSummary:
    started = datetime.now(timezone.utc)
    gx_success, gx_rules = run_gx(wh, suite, batch_id)
    run_id = f"{suite.name}-{batch_id}-{uuid.uuid4().hex[:6]}"
    cte = f"with b as ({suite.batch_query.format(batch_id=batch_id)})"
    counts = ", ".join(f"count(*) filter (where {r.failing}) as \"{r.name}\"" for r in suite.rules)
    errors = [r for r in suite.rules if r.severity == "error"]
    with wh.connect() as conn:  # one transaction: a rerun replaces the batch's previous results
        conn.execute("delete from dq.quarantine where batch_id = %s and run_id in "
                     "(select run_id from dq.validation_runs where suite = %s)", (batch_id, suite.name))
        conn.execute("delete from dq.validation_runs where batch_id = %s and suite = %s", (batch_id, suite.name))
        per_unit = conn.execute(
            f"{cte} select coalesce({suite.unit}, '?') as unit, count(*), {counts} from b group by 1"
        ).fetchall()
        checked = sum(row[1] for row in per_unit)
        failed_by_rule = {r.name: sum(row[2 + i] for row in per_unit) for i, r in enumerate(suite.rules)}
        drift = {n: (failed_by_rule[n], g["unexpected_count"]) for n, g in gx_rules.items()
                 if failed_by_rule[n] != g["unexpected_count"]}
        if drift:
            raise ValidationIntegrityError(f"suite {suite.name}, batch {batch_id}: quarantine query and GX "
                                           f"disagree (rule: (sql, gx)) {drift}")
        conn.execute(
            "insert into dq.validation_runs values (%s, %s, %s, %s, now(), %s, 0, 0, %s)",
            (run_id, batch_id, suite.name, started, checked, gx_success),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "insert into dq.expectation_results values (%s, %s, %s, %s, %s, %s)",
                [(run_id, n, g["expectation"], g["success"], g["element_count"], g["unexpected_count"])
                 for n, g in gx_rules.items()],
            )
            cur.executemany(
                "insert into dq.rule_results values (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(run_id, batch_id, suite.name, r.name, r.severity, row[0], row[1], row[2 + i])
                 for row in per_unit for i, r in enumerate(suite.rules)],
            )
        for r in errors:
            conn.execute(
                f"{cte} insert into dq.quarantine (batch_id, row_num, record_key, unit_code, rule, run_id) "
                f"select %s, _row_num, {suite.key}, {suite.unit}, %s, %s from b where {r.failing}",
                (batch_id, r.name, run_id),
            )
        quarantined = conn.execute("select count(distinct row_num) from dq.quarantine where run_id = %s",
                                   (run_id,)).fetchone()[0]
        conn.execute("update dq.validation_runs set rows_passed = %s, rows_quarantined = %s where run_id = %s",
                     (checked - quarantined, quarantined, run_id))
    summary = ValidationSummary(run_id, batch_id, suite.name, checked, checked - quarantined, quarantined,
                                gx_success, failed_by_rule,
                                {n: g["unexpected_count"] for n, g in gx_rules.items()})
    log.info("validated %s: %d checked, %d passed, %d quarantined", batch_id, checked, summary.passed, quarantined)
    return summary
