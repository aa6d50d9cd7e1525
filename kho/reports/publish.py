"""The steps the DAG and the CLI share: render a period's reports, deliver a rendered set."""

from __future__ import annotations

from datetime import date

from kho.reports.delivery import deliver
from kho.reports.render import ReportSet, publish
from kho.settings import KhoSettings, get_settings
from kho.warehouse import Warehouse


def parse_period(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError as e:
        raise ValueError(f"period {value!r}: expected YYYY-MM") from e


def render_reports(period: str | date | None = None, lang: str | None = None, pdf: bool | None = None,
                   units: list[str] | None = None, settings: KhoSettings | None = None) -> ReportSet:
    settings = settings or get_settings()
    return publish(Warehouse.open(settings), settings, parse_period(period), units, lang, pdf)


def deliver_reports(rendered: ReportSet | dict, resend: bool = False, settings: KhoSettings | None = None) -> dict:
    settings = settings or get_settings()
    report_set = rendered if isinstance(rendered, ReportSet) else ReportSet.from_dict(rendered)
    return deliver(Warehouse.open(settings), settings, report_set, resend=resend)
