"""The monthly Plan 02 readiness report: a province page (communes by colour over the last 12 months, every commune's
basic conditions as a colour table, the communes whose returns and data disagree, overdue tasks and tasks done on
paper only) and a page per commune (each criterion reported and measured, its months), from the readiness marts.
Files land beside the data-quality reports, in ``KHO_HOME/reports/<YYYY-MM>/<lang>/plan02/``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.reports import charts
from kho.reports.chart_cache import ChartCache
from kho.reports.i18n import Words
from kho.reports.publish import missing_marts
from kho.reports.render import OVERVIEW, RenderedReport, ReportSet, page_writer

log = logging.getLogger(__name__)
MARTS = ("marts.plan02_commune_criteria", "marts.plan02_commune_status", "marts.plan02_province_coverage",
         "marts.plan02_tasks")


class NoReadinessData(LookupError):
    """No readiness marts, or no return for the province in or before the period."""


@dataclass
class Province:
    code: str
    name: str
    period: date
    history: list[dict]  # plan02_province_coverage, the last 12 months up to the period
    current: dict
    criteria: list[dict]  # the basic conditions, in order
    communes: list[dict]  # plan02_commune_status of the period, each with its criteria's colours
    disagreements: list[dict]
    tasks_overdue: list[dict]
    tasks_on_paper: list[dict]
    overdue_by_owner: list[dict]  # per task group and unit in charge: tasks, overdue, the longest overdue


def _rows(wh: Warehouse, sql: str, params: tuple = ()) -> list[dict]:
    cols, rows = wh.query(sql, params)
    return [dict(zip(cols, r, strict=True)) for r in rows]


def readiness_period(wh: Warehouse, province_code: str, period: date | None) -> date:
    """The month to report: ``period`` when the province has readiness figures for it, else its latest month before
    it (or its latest final month when no period is asked)."""
    missing = missing_marts(wh, MARTS)
    if missing:
        raise NoReadinessData(f"no readiness marts yet ({', '.join(missing)})")
    if period is None:
        _, rows = wh.query("select max(period_month) from marts.plan02_province_coverage where province_code = %s "
                           "and is_final", (province_code,))
    else:
        _, rows = wh.query("select max(period_month) from marts.plan02_province_coverage where province_code = %s "
                           "and period_month <= %s", (province_code, period))
    if not rows or rows[0][0] is None:
        raise NoReadinessData(f"no readiness return of province {province_code} up to {period or 'now'}")
    return rows[0][0]


def province_data(wh: Warehouse, province_code: str, period: date) -> Province:
    history = _rows(wh, "select * from marts.plan02_province_coverage where province_code = %s "
                        "and period_month <= %s order by period_month desc limit 12", (province_code, period))[::-1]
    criteria = _rows(wh, "select criterion_code, criterion_name, criterion_name_en from reference.plan02_criteria "
                         "where is_basic_condition order by sort_order")
    communes = _rows(wh, "select * from marts.plan02_commune_status where province_code = %s and period_month = %s "
                         "order by colour = 'green', criteria_met, unit_code", (province_code, period))
    colours: dict[str, dict[str, str | None]] = {}
    for r in _rows(wh, "select unit_code, criterion_code, reported_colour from marts.plan02_commune_criteria "
                       "where province_code = %s and period_month = %s and is_basic_condition",
                   (province_code, period)):
        colours.setdefault(r["unit_code"], {})[r["criterion_code"]] = r["reported_colour"]
    for c in communes:
        c["criteria"] = colours.get(c["unit_code"], {})
    disagreements = _rows(
        wh, "select unit_code, unit_name, criterion_code, criterion_name, criterion_name_en, reported_value, "
            "measured_value, value_unit, disagreement from marts.plan02_commune_criteria where province_code = %s "
            "and period_month = %s and disagreement is not null order by unit_code, sort_order",
        (province_code, period))
    # each task as the register stood at the end of the period (its latest snapshot up to then)
    tasks = _rows(
        wh, "select distinct on (task_code) * from marts.plan02_tasks where province_code = %s "
            "and status_on < (%s::date + interval '1 month') order by task_code, status_on desc",
        (province_code, period))
    name = next((h["province_name"] for h in history if h["province_name"]), province_code)
    return Province(province_code, name, period, history, history[-1], criteria, communes, disagreements,
                    [x for x in tasks if x["is_overdue"]], [x for x in tasks if x["done_but_target_not_met"]],
                    overdue_by_owner(tasks))


def overdue_by_owner(tasks: list[dict]) -> list[dict]:
    """The tasks by group and unit in charge: how many, how many overdue, the longest overdue; those with an overdue
    task first."""
    groups: dict[tuple[str, str], dict] = {}
    for x in tasks:
        g = groups.setdefault((x["task_group"], x["owner_name"]), {"task_group": x["task_group"],
                                                                   "owner_name": x["owner_name"], "tasks": 0,
                                                                   "overdue": 0, "max_days_overdue": None})
        g["tasks"] += 1
        if x["is_overdue"]:
            g["overdue"] += 1
            g["max_days_overdue"] = max(g["max_days_overdue"] or 0, x["days_overdue"])
    return sorted(groups.values(), key=lambda g: (-g["overdue"], g["task_group"], g["owner_name"]))


def commune_data(wh: Warehouse, unit_codes: list[str], period: date) -> dict[str, dict]:
    """Each commune's criteria of the period and its colours over the last 12 months."""
    out: dict[str, dict] = {u: {"criteria": [], "history": []} for u in unit_codes}
    for r in _rows(wh, "select * from marts.plan02_commune_criteria where unit_code = any(%s) and period_month = %s "
                       "order by unit_code, sort_order", (unit_codes, period)):
        out[r["unit_code"]]["criteria"].append(r)
    for r in _rows(wh, "select * from marts.plan02_commune_status where unit_code = any(%s) and period_month <= %s "
                       "and period_month > %s::date - interval '12 months' order by unit_code, period_month",
                   (unit_codes, period, period)):
        out[r["unit_code"]]["history"].append(r)
    return out


def publish_readiness(wh: Warehouse, settings: KhoSettings, period: date | None = None, lang: str | None = None,
                      pdf: bool | None = None, unit_codes: list[str] | None = None) -> ReportSet:
    """Render the province's readiness page and one page per commune (all, unless ``unit_codes``)."""
    t = Words(lang or settings.report_lang)
    pdf = settings.report_pdf if pdf is None else pdf
    period = readiness_period(wh, settings.province_code, period)
    p = province_data(wh, settings.province_code, period)
    folder = settings.reports_dir / period.strftime("%Y-%m") / t.lang / "plan02"
    write = page_writer(folder, t, pdf)

    communes = [c for c in p.communes if not unit_codes or c["unit_code"] in unit_codes]
    details = commune_data(wh, [c["unit_code"] for c in communes], period)
    rendered = []
    for c in communes:
        html, pdf_path, sha = write(c["unit_code"], "readiness_unit.html.j2", p=p, c=c, d=details[c["unit_code"]])
        status = t("plan02_mail_unit_status", colour=t.colour(c["colour"]), met=c["criteria_met"],
                   total=c["criteria_total"])
        rendered.append(RenderedReport(c["unit_code"], c["unit_name"], html, pdf_path, None, sha, {"status": status}))
    cache = ChartCache(settings.home / "cache" / "charts")
    chart = cache.chart(charts.readiness_coverage, p.history, t) if p.history else None
    html, pdf_path, sha = write("index", "readiness_overview.html.j2", p=p, chart=chart,
                                links={r.unit_code: r.html.name for r in rendered})
    overview = RenderedReport(OVERVIEW, p.name, html, pdf_path, None, sha,
                              {"status": t("plan02_mail_province_status",
                                           share=t.percent(p.current["green_share"]))})
    log.info("Plan 02 readiness report for %s (%s): %d communes and the province in %s", period, t.lang,
             len(rendered), folder)
    return ReportSet(period, t.lang, folder, overview, rendered, kind="plan02")
