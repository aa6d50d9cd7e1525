"""Run a validation suite on one landed batch with Great Expectations, then record and quarantine.

GX judges the batch on PostgreSQL (ephemeral context, suites as code). Results are stored as rows in ``dq``:
the run, GX's verdict per rule, and failed/checked per rule and unit. Rows failing an ``error`` rule are
quarantined by key with the rule they broke; ``warn`` rules are recorded only. Every batch accounts for itself:
rows checked = rows passed + rows quarantined.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from psycopg.types.json import Jsonb

from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)
LONG_LIST = 16  # value sets longer than this are checked with a hashed sub-select


@dataclass(frozen=True)
class Rule:
    name: str
    expectation: str  # GX expectation class name
    kwargs: dict[str, Any]
    failing: str  # SQL predicate over the batch query, true on a failing row
    message_vi: str
    message_en: str
    severity: str = "error"
    # columns the predicate needs that are derived over the whole batch at materialization (name -> SQL)
    derived: tuple[tuple[str, str], ...] = ()

    @classmethod
    def not_null(cls, name, column, vi, en, severity="error") -> Rule:
        return cls(name, "ExpectColumnValuesToNotBeNull", {"column": column}, f"{column} is null", vi, en, severity)

    @classmethod
    def null(cls, name, column, vi, en, severity="error") -> Rule:
        """``column`` (a problem the batch query derived, or null) must be null."""
        return cls(name, "ExpectColumnValuesToBeNull", {"column": column}, f"{column} is not null", vi, en, severity)

    @classmethod
    def unique(cls, name, column, vi, en, severity="error") -> Rule:
        # counted once per batch with a window, so the predicate stays a per-row test
        count = f"_n_{column}"
        return cls(name, "ExpectColumnValuesToBeUnique", {"column": column},
                   f"{column} is not null and {count} > 1", vi, en, severity,
                   derived=((count, f"count(*) over (partition by {column})"),))

    @classmethod
    def in_set(cls, name, column, values, vi, en, severity="error") -> Rule:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        if len(values) <= LONG_LIST:
            return cls(name, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)},
                       f"{column} is not null and {column} not in ({quoted})", vi, en, severity)
        # PostgreSQL compares a literal list one value at a time outside a WHERE clause, and GX's in-set check
        # counts with CASE over such a list: with the 10,102 unit codes that is ~20 s per rule per 1M rows. A
        # sub-select is one hashed lookup, so long lists go to GX as an unexpected-rows query (GX still judges
        # and counts the rule).
        failing = f"{column} is not null and {column} not in (select unnest(array[{quoted}]))"
        return cls(name, "UnexpectedRowsExpectation",
                   {"unexpected_rows_query": f"select * from {{batch}} where {failing}", "description": en},
                   failing, vi, en, severity)

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
    # the record's business date (reception, promulgation, registration) as SQL over the batch query: DQ marts
    # place each record in the month it belongs to, not the month it happened to be extracted
    date: str = "null::date"


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


WORK_SCHEMA = "kho_work"  # restricted like raw: the narrow batch copies hold the fields the rules need


def _flag(i: int) -> str:
    """The work table's column holding rule ``i``'s verdict (true: the row fails it)."""
    return f"_fails_{i}"


def _work_table(suite: Suite, batch_id: str) -> str:
    digest = hashlib.sha1(f"{suite.name}/{batch_id}".encode()).hexdigest()[:16]
    return f"v_{digest}"


@contextmanager
def materialized_batch(wh: Warehouse, suite: Suite, batch_id: str) -> Iterator[str]:
    """The batch's rows, narrowed by the suite's query, as an unlogged work table for the duration of a run.

    Raw rows are wide (the lists of components and history run to kilobytes); GX issues one query per
    expectation and the quarantine one more per rule, so each would rescan them. One scan into a narrow,
    analyzed table makes every later pass cheap. The table is dropped afterwards, also on failure.
    """
    name = _work_table(suite, batch_id)
    qualified = f"{WORK_SCHEMA}.{name}"
    with wh.connect() as conn:
        conn.execute(f"drop table if exists {qualified}")
        derived = "".join(f", {sql} as {col}" for r in suite.rules for col, sql in r.derived)
        # each rule's verdict on each row, computed once here: the counts, the quarantine and the warnings read
        # these flags (GX judges the columns themselves, on its own)
        flags = "".join(f", coalesce({r.failing}, false) as {_flag(i)}" for i, r in enumerate(suite.rules))
        conn.execute(f"create unlogged table {qualified} as select d.*{flags} from "
                     f"(select q.*{derived} from ({suite.batch_query.format(batch_id=batch_id)}) as q) as d")
        conn.execute(f"analyze {qualified}")
    try:
        yield name
    finally:
        with wh.connect() as conn:
            conn.execute(f"drop table if exists {qualified}")


def ephemeral_context():
    """A GX context in memory, progress bars off (they flood task logs)."""
    import great_expectations as gx  # heavy import (~8 s): only when validating
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def gx_suite(suite: Suite):
    """The suite as a GX ExpectationSuite: one expectation per rule, the rule's name and severity in its meta."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    out = gx.ExpectationSuite(name=suite.name, meta={"notes": {"format": "markdown", "content": [
        f"Kho rule `{r.name}` ({r.severity}): {r.message_en}" for r in suite.rules]}})
    for rule in suite.rules:
        cls = getattr(gxe, rule.expectation)
        out.add_expectation(cls(**rule.kwargs, meta={"rule": rule.name, "severity": rule.severity,
                                                      "message_vi": rule.message_vi, "message_en": rule.message_en}))
    return out


# result fields that carry values from the rows (a malformed citizen ID, a name): never stored, never in Data Docs
_VALUE_FIELDS = ("partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list",
                 "unexpected_list", "unexpected_index_list", "unexpected_index_query", "details")


def scrubbed(result_json: dict) -> dict:
    """GX's validation result with every sample of row values removed; counts and verdicts stay."""
    for r in result_json.get("results", []):
        for f in _VALUE_FIELDS:
            (r.get("result") or {}).pop(f, None)
    return result_json


def run_gx(wh: Warehouse, suite: Suite, table: str) -> tuple[bool, dict[str, dict], dict]:
    """Validate the materialized batch ``table`` with GX; returns overall success, per rule GX's counts, and the
    scrubbed result document (kept in ``dq.validation_runs`` for Data Docs)."""
    import great_expectations as gx

    ctx = ephemeral_context()
    ds = ctx.data_sources.add_sql(name="warehouse", connection_string=wh.sqlalchemy_url,
                                 kwargs={"connect_args": {"options": f"-c search_path={WORK_SCHEMA}"}})
    asset = ds.add_table_asset(name=f"{suite.name}_batch", table_name=table)
    batch_def = asset.add_batch_definition_whole_table("batch")
    suite_gx = ctx.suites.add(gx_suite(suite))
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch_def, suite=suite_gx))
    # counts only: no sample of failing values (a query per expectation, LIMIT 20, that scans the whole table when
    # fewer rows fail; the samples would be scrubbed anyway: they carry row values)
    result = vd.run(result_format={"result_format": "BASIC", "partial_unexpected_count": 0})
    per_rule: dict[str, dict] = {}
    for r in result.results:
        meta = r.expectation_config.meta or {}
        per_rule[meta["rule"]] = {
            "success": bool(r.success),
            "element_count": r.result.get("element_count"),
            # column expectations report unexpected_count; an unexpected-rows query reports observed_value
            "unexpected_count": r.result.get("unexpected_count", r.result.get("observed_value")) or 0,
            "expectation": r.expectation_config.type,
        }
    return bool(result.success), per_rule, scrubbed(result.to_json_dict())


def record_rules(conn, suite: Suite) -> None:
    """Keep ``dq.rules`` (the catalog reports read rule wording from) in step with the suite as coded."""
    with conn.cursor() as cur:
        cur.executemany(
            "insert into dq.rules (suite, rule, severity, expectation, message_vi, message_en) "
            "values (%s, %s, %s, %s, %s, %s) on conflict (suite, rule) do update set severity = excluded.severity, "
            "expectation = excluded.expectation, message_vi = excluded.message_vi, "
            "message_en = excluded.message_en, updated_at = now()",
            [(suite.name, r.name, r.severity, r.expectation, r.message_vi, r.message_en) for r in suite.rules])


def validate_batch(wh: Warehouse, suite: Suite, batch_id: str) -> ValidationSummary:
    started = datetime.now(timezone.utc)
    with materialized_batch(wh, suite, batch_id) as table:
        return _validate(wh, suite, batch_id, table, started)


def _validate(wh: Warehouse, suite: Suite, batch_id: str, table: str, started: datetime) -> ValidationSummary:
    """GX judges the work table in a thread of its own (its queries run in their own server processes) while this
    one writes the batch's counts, checked records, quarantine and warnings in one transaction; the transaction
    commits only when GX's counts agree with them (else ValidationIntegrityError, and nothing is written)."""
    run_id = f"{suite.name}-{batch_id}-{uuid.uuid4().hex[:6]}"
    b = f"{WORK_SCHEMA}.{table} as b"
    counts = ", ".join(f"count(*) filter (where {_flag(i)}) as \"{r.name}\"" for i, r in enumerate(suite.rules))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx") as pool, wh.connect() as conn:
        judged = pool.submit(run_gx, wh, suite, table)
        # one transaction: a rerun replaces the batch's previous results
        for table_ in ("dq.quarantine", "dq.warnings"):
            conn.execute(f"delete from {table_} where batch_id = %s and run_id in "
                         "(select run_id from dq.validation_runs where suite = %s)", (batch_id, suite.name))
        conn.execute("delete from dq.checked_rows where run_no in "
                     "(select run_no from dq.validation_runs where batch_id = %s and suite = %s)",
                     (batch_id, suite.name))
        conn.execute("delete from dq.validation_runs where batch_id = %s and suite = %s", (batch_id, suite.name))
        per_unit = conn.execute(
            f"select coalesce({suite.unit}, '?') as unit, count(*), {counts} from {b} group by 1"
        ).fetchall()
        checked = sum(row[1] for row in per_unit)
        failed_by_rule = {r.name: sum(row[2 + i] for row in per_unit) for i, r in enumerate(suite.rules)}
        run_no = conn.execute(  # GX's verdict and document are set below, in the same transaction
            "insert into dq.validation_runs (run_id, batch_id, suite, started_at, finished_at, rows_checked, "
            "rows_passed, rows_quarantined, gx_success) values (%s, %s, %s, %s, now(), %s, 0, 0, false) "
            "returning run_no",
            (run_id, batch_id, suite.name, started, checked),
        ).fetchone()[0]
        # every row, narrow (key, unit, business date): the DQ marts' denominator, with no personal data; the run
        # by its number (migration 0012: a text id on a million rows was most of the table and its key). In row
        # order: the work table comes in the batch query's order (by record key, for its version ranking), and
        # inserted in that order the primary key's (run_no, row_num) entries land all over the index, splitting
        # pages (1M rows: 4.3-4.8 s and 28 MB of index; sorted first, 3.6-3.75 s and 21 MB)
        conn.execute(
            f"insert into dq.checked_rows (run_no, row_num, record_key, unit_code, record_date) "
            f"select %s, _row_num, {suite.key}, {suite.unit}, {suite.date} from {b} order by _row_num", (run_no,))
        for target, severe in (("dq.quarantine", True), ("dq.warnings", False)):
            chosen = [(i, r) for i, r in enumerate(suite.rules) if (r.severity == "error") == severe]
            if chosen:  # one pass over the rows failing any of them, each paired with every rule it breaks
                checks = ", ".join(f"('{r.name}', {_flag(i)})" for i, r in chosen)
                conn.execute(
                    f"insert into {target} (batch_id, row_num, record_key, unit_code, rule, run_id) "
                    f"select %s, _row_num, {suite.key}, {suite.unit}, f.rule, %s from {b} "
                    f"cross join lateral (values {checks}) as f(rule, failed) "
                    f"where ({' or '.join(_flag(i) for i, _ in chosen)}) and f.failed",
                    (batch_id, run_id),
                )
        gx_success, gx_rules, gx_doc = judged.result()
        drift = {n: (failed_by_rule[n], g["unexpected_count"]) for n, g in gx_rules.items()
                 if failed_by_rule[n] != g["unexpected_count"]}
        if drift:
            raise ValidationIntegrityError(f"suite {suite.name}, batch {batch_id}: quarantine query and GX "
                                           f"disagree (rule: (sql, gx)) {drift}")
        quarantined = conn.execute("select count(distinct row_num) from dq.quarantine where run_id = %s",
                                   (run_id,)).fetchone()[0]
        conn.execute("update dq.validation_runs set rows_passed = %s, rows_quarantined = %s, gx_success = %s, "
                     "gx_result = %s where run_id = %s",
                     (checked - quarantined, quarantined, gx_success, Jsonb(gx_doc), run_id))
        record_rules(conn, suite)
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
    summary = ValidationSummary(run_id, batch_id, suite.name, checked, checked - quarantined, quarantined,
                                gx_success, failed_by_rule,
                                {n: g["unexpected_count"] for n, g in gx_rules.items()})
    log.info("validated %s: %d checked, %d passed, %d quarantined", batch_id, checked, summary.passed, quarantined)
    return summary
