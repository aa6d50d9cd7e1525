"""What a report shows, read from the DQ marts for one period: every unit's figures in a handful of queries, then
split per unit in Python (one query per unit would be ~170 round trips per report set)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from operator import itemgetter

from kho.core.warehouse import Warehouse

TREND_MONTHS = 12
LINK_DAYS = 30  # the links section covers Kho's calls of the last 30 days (the links' state now, not the period's)
# records to fix as a unit reads them, on the page and in its CSV: errors first, then by source and date
FIX_ORDER = "severity, source, record_date nulls first, record_key nulls first, rule"


@dataclass
class UnitReport:
    unit_code: str
    unit_name: str
    period: date
    score: dict | None                      # the unit's dq_unit_scores row for the period
    history: list[dict]                     # dq_unit_scores rows, oldest first, up to the period
    rules: list[dict]                       # dq_rule_results rows with failures (or a change) in the period
    top_rules: list[dict]                   # dq_top_failing_rules
    freshness: list[dict]                   # dq_source_freshness rows for the period
    records_to_fix: list[dict] = field(default_factory=list)  # capped for the page
    records_to_fix_total: int = 0


@dataclass
class Overview:
    province_code: str
    period: date
    scores: list[dict]                      # every unit's row, ranked
    history: list[dict]                     # province totals per month
    top_rules: list[dict]                   # rules summed over units
    freshness: list[dict]                   # units with the most missing working days
    unattributed: dict | None               # the '?' row of dq_unit_scores
    links: list[dict] = field(default_factory=list)  # national_link_health per system, last LINK_DAYS days


def months_before(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _rows(wh: Warehouse, sql: str, params=()) -> list[dict]:
    cols, rows = wh.query(sql, params)
    return [dict(zip(cols, r, strict=True)) for r in rows]


def available_periods(wh: Warehouse) -> list[date]:
    _, rows = wh.query("select distinct period_month from marts.dq_unit_scores order by 1")
    return [r[0] for r in rows]


def default_period(wh: Warehouse) -> date:
    """The latest closed month: the month before the latest one the data reaches (that one is still running)."""
    periods = available_periods(wh)
    if not periods:
        raise LookupError("the DQ marts are empty: run the pipeline (kho demo, or the extract and transform DAGs)")
    return periods[-2] if len(periods) > 1 else periods[-1]


def report_units(wh: Warehouse, province_code: str) -> list[tuple[str, str]]:
    """Every current unit of the province that receives a report: its communes and wards, the province itself, and
    the departments of its register (their dossiers, documents and targets, placed as the marts place them)."""
    _, rows = wh.query(
        "select unit_code, unit_full_name from marts.dim_units where is_current and province_code = %s "
        "order by unit_level, unit_code", (province_code,))
    return [(r[0], r[1]) for r in rows]


def unit_reports(wh: Warehouse, period: date, units: list[tuple[str, str]], max_records: int) -> list[UnitReport]:
    codes = [u for u, _ in units]
    first = months_before(period, TREND_MONTHS - 1)
    by_unit: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    queries = {
        "history": ("select * from marts.dq_unit_scores where unit_code = any(%s) and period_month between %s and %s "
                    "order by period_month", (codes, first, period)),
        "rules": ("select * from marts.dq_rule_results where unit_code = any(%s) and period_month = %s "
                  "and (failed > 0 or previous_failed > 0) order by failed desc, severity, rule", (codes, period)),
        "top_rules": ("select * from marts.dq_top_failing_rules where unit_code = any(%s) and period_month = %s "
                      "order by failure_rank", (codes, period)),
        "freshness": ("select * from marts.dq_source_freshness where unit_code = any(%s) and period_month = %s "
                      "order by source", (codes, period)),
        "records_to_fix": (
            f"select * from (select *, row_number() over (partition by unit_code order by {FIX_ORDER}) as n, "
            "count(*) over (partition by unit_code) as total from marts.dq_records_to_fix "
            "where unit_code = any(%s) and period_month = %s) as r where n <= %s order by unit_code, n",
            (codes, period, max_records)),
    }
    for name, (sql, params) in queries.items():
        for row in _rows(wh, sql, params):
            by_unit[row["unit_code"]][name].append(row)
    reports = []
    for code, name in units:
        d = by_unit.get(code, {})
        history = d.get("history", [])
        current = next((h for h in history if h["period_month"] == period), None)
        fix = d.get("records_to_fix", [])
        reports.append(UnitReport(code, name, period, current, history, d.get("rules", []), d.get("top_rules", []),
                                  d.get("freshness", []), fix, fix[0]["total"] if fix else 0))
    return reports


def records_to_fix(wh: Warehouse, period: date, unit_codes: list[str], batch: int = 5000,
                   ) -> Iterator[tuple[str, list[tuple]]]:
    """Each unit's full list for its CSV, as (unit code, rows), units in code order: one query for all of them,
    read in batches through a server-side cursor (a unit's list can run to tens of thousands of rows; a query per
    unit would scan the mart once per unit)."""
    with wh.connect() as conn, conn.cursor(name="records_to_fix") as cur:
        cur.itersize = batch
        cur.execute(
            "select unit_code, source, stream, record_key, record_date, rule, severity, message_vi, message_en "
            "from marts.dq_records_to_fix where unit_code = any(%s) and period_month = %s "
            f"order by unit_code, {FIX_ORDER}", (unit_codes, period))
        for code, rows in groupby(cur, key=itemgetter(0)):
            yield code, [r[1:] for r in rows]


def overview(wh: Warehouse, period: date, province_code: str) -> Overview:
    scores = _rows(wh, "select * from marts.dq_unit_scores where period_month = %s and province_code = %s "
                       "order by province_rank, unit_code", (period, province_code))
    history = _rows(wh, """
        select period_month, sum(records_checked)::bigint as records_checked,
               sum(records_with_errors)::bigint as records_with_errors,
               sum(records_with_warnings_only)::bigint as records_with_warnings_only,
               round(100 * (1 - (sum(records_with_errors) + 0.25 * sum(records_with_warnings_only))
                     / sum(records_checked)), 1) as quality_score,
               round(sum(records_with_errors)::numeric / sum(records_checked), 4) as error_rate
        from marts.dq_unit_scores
        where (province_code = %s or unit_code = '?') and period_month <= %s
        group by 1 order by 1 desc limit %s""", (province_code, period, TREND_MONTHS))[::-1]
    top_rules = _rows(wh, """
        select source, suite, rule, severity, message_vi, message_en, sum(checked)::bigint as checked,
               sum(failed)::bigint as failed, count(*) filter (where failed > 0) as units_failing,
               round(sum(failed)::numeric / nullif(sum(checked), 0), 4) as failure_rate
        from marts.dq_rule_results where period_month = %s
        group by 1, 2, 3, 4, 5, 6 having sum(failed) > 0 order by failed desc limit 10""", (period,))
    freshness = _rows(wh, """
        select f.* from marts.dq_source_freshness as f
        inner join marts.dim_units as u on u.unit_code = f.unit_code and u.is_current and u.province_code = %s
        where f.period_month = %s and f.missing_working_days > 0
        order by f.missing_working_days desc, f.unit_code limit 15""", (province_code, period))
    unattributed = _rows(wh, "select * from marts.dq_unit_scores where unit_code = '?' and period_month = %s",
                         (period,))
    return Overview(province_code, period, scores, history, top_rules, freshness,
                    unattributed[0] if unattributed else None, link_health(wh))


def link_health(wh: Warehouse) -> list[dict]:
    """Every link's last LINK_DAYS days (for dvcqg_sync: the last LINK_DAYS days of receptions it has data for)."""
    if not _rows(wh, "select 1 from pg_tables where schemaname = 'marts' and tablename = 'national_link_health'"):
        return []  # a warehouse built before the links were measured
    return _rows(wh, """
        with latest as (select system, max(day) as last_day from marts.national_link_health group by 1)
        select h.system, sum(h.calls)::bigint as calls, sum(h.failures)::bigint as failures,
               round(sum(h.failures)::numeric / nullif(sum(h.calls), 0), 4) as failure_share,
               sum(h.timeouts)::bigint as timeouts, sum(h.server_errors)::bigint as server_errors,
               max(h.p95_latency_ms) as p95_latency_ms, sum(h.outage_windows)::bigint as outage_windows,
               round(sum(h.outage_seconds) / 60.0, 1) as outage_minutes, sum(h.items_pending)::bigint as items_pending
        from marts.national_link_health as h
        join latest as l using (system)
        where h.day > case when h.system = 'dvcqg_sync' then l.last_day else current_date end - %s
        group by 1 order by 1""", (LINK_DAYS,))
