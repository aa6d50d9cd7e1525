"""The steps the DAG and the CLI share: render a period's reports, deliver a rendered set."""

from __future__ import annotations

from datetime import date

from kho.core.settings import KhoSettings, get_settings
from kho.core.warehouse import Warehouse
from kho.reports.delivery import deliver
from kho.reports.render import ReportSet, publish


def parse_period(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError as e:
        raise ValueError(f"period {value!r}: expected YYYY-MM") from e


REPORT_MARTS = ("marts.dq_unit_scores", "marts.dq_rule_results", "marts.dq_top_failing_rules",
                "marts.dq_records_to_fix", "marts.dq_source_freshness")


class NoMartsYet(LookupError):
    """The warehouse has no data-quality marts yet: nothing has been transformed."""


def missing_marts(wh: Warehouse, marts: tuple[str, ...] = REPORT_MARTS) -> list[str]:
    _, rows = wh.query("select m from unnest(%s::text[]) m where to_regclass(m) is null", (list(marts),))
    return [r[0] for r in rows]


def render_reports(period: str | date | None = None, lang: str | None = None, pdf: bool | None = None,
                   units: list[str] | None = None, settings: KhoSettings | None = None) -> ReportSet:
    """Render a period's reports; ``NoMartsYet`` (with what is missing) on a warehouse never transformed."""
    settings = settings or get_settings()
    wh = Warehouse.open(settings)
    missing = missing_marts(wh)
    if missing:
        raise NoMartsYet(f"no reports: the warehouse has no data-quality marts yet ({', '.join(missing)}); run "
                         "the transform_warehouse DAG or `kho transform` after the first extraction")
    return publish(wh, settings, parse_period(period), units, lang, pdf)


def deliver_reports(rendered: ReportSet | dict, resend: bool = False, settings: KhoSettings | None = None) -> dict:
    settings = settings or get_settings()
    report_set = rendered if isinstance(rendered, ReportSet) else ReportSet.from_dict(rendered)
    return deliver(Warehouse.open(settings), settings, report_set, resend=resend)


def render_readiness(period: str | date | None = None, lang: str | None = None, pdf: bool | None = None,
                     units: list[str] | None = None, settings: KhoSettings | None = None) -> ReportSet:
    """Render the Plan 02 readiness report of a month (``NoReadinessData`` when there is nothing to report)."""
    from kho.reports.readiness import publish_readiness

    settings = settings or get_settings()
    return publish_readiness(Warehouse.open(settings), settings, parse_period(period), lang, pdf, units)


def render_scoreboard(period: str | date | None = None, lang: str | None = None, pdf: bool | None = None,
                      settings: KhoSettings | None = None, period_type: str = "month") -> ReportSet:
    """Render the province's Decision 766 scoreboard of a period (``period``: YYYY-MM, any month of it; ``NoScores``
    when there is nothing to rank)."""
    from kho.reports.scoreboard import publish_scoreboard

    settings = settings or get_settings()
    return publish_scoreboard(Warehouse.open(settings), settings, parse_period(period), lang, pdf,
                              period_type=period_type)


def deliver_when_due(rendered: dict, run_type: str, send: bool | None, cadence: str) -> dict:
    """A report DAG's delivery step: e-mail the rendered set on a scheduled run (``cadence``: monthly, weekly) or
    when the run asks to send; other runs (after a transform, re-rendering) send nothing."""
    if not (str(run_type).lower().endswith("scheduled") or send):
        return {"sent": 0, "reason": f"not a {cadence} run and send not asked"}
    return deliver_reports(rendered)
