"""The province's Decision 766 scoreboard: its units (communes, wards and the departments of its register) ranked by
total and by group for a period (a month, quarter, half-year or year: ``period_type``), the province's total over
the last 12 periods of that type, the five lowest departments and
communes, and the bands provincial offices use in their weekly digests (below 80 points "urgent", 80 to 90
"watch"); rendered into ``KHO_HOME/reports/<period>/<lang>/766/index.html`` (``2026-03``, ``2026-Q1``, ``2026-H1``,
``2026``) and, for a month, e-mailed weekly to the province
office as a digest (``publish_766_scoreboard``).

Kho computes the indicators it has sources for (``max_score_computed`` of 100 points): until every group has a
source, the bands are applied to the score on a 100-point scale, ``total_score / max_score_computed × 100``
(``score_100``), and the page says how many points are computable. Ranks: higher first, ties by unit code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.reports import charts
from kho.reports.chart_cache import ChartCache
from kho.reports.i18n import Words
from kho.reports.publish import missing_marts
from kho.reports.render import OVERVIEW, RenderedReport, ReportSet, page_writer

log = logging.getLogger(__name__)
MARTS = ("marts.service_index_766", "marts.fct_dossiers")
URGENT_BELOW, WATCH_BELOW = 80, 90  # points on the 100-point scale
LOWEST = 5
TREND_PERIODS = 12
PERIOD_TYPES = ("month", "quarter", "half_year", "year")
DEPARTMENT_LEVELS = ("department", "department_unit")


class NoScores(LookupError):
    """No 766 marts, or no score of the province in or before the period asked."""


@dataclass
class Scoreboard:
    province_code: str
    province_name: str
    period: date  # the period's first day
    province: dict  # service_index_766 of the province (competent) for the period, with score_100
    history: list[dict]  # the province's periods of the type up to this one (at most 12)
    units: list[dict]  # every unit of the province scored in the period, ranked; each with its band and group ranks
    lowest_departments: list[dict] = field(default_factory=list)
    lowest_communes: list[dict] = field(default_factory=list)
    period_type: str = "month"

    def band_count(self, band: str) -> int:
        return sum(u["band"] == band for u in self.units)


def band(score_100) -> str | None:
    if score_100 is None:
        return None
    return "urgent" if score_100 < URGENT_BELOW else "watch" if score_100 < WATCH_BELOW else "good"


def _rows(wh: Warehouse, sql: str, params: tuple = ()) -> list[dict]:
    cols, rows = wh.query(sql, params)
    return [dict(zip(cols, r, strict=True)) for r in rows]


SCORES = """
select unit_code, unit_name, unit_level, period_type, period_start as period_month, total_score, max_score_computed,
       round(100 * total_score / nullif(max_score_computed, 0), 2) as score_100,
       group_1_score, group_2_score, group_3_score, group_4_score, group_5_score, group_6_score
from marts.service_index_766
where unit_role = 'competent' and period_type = %s and {where}
"""


def period_label(period_type: str, start: date) -> str:
    """The folder name of a period's pages: 2026-03, 2026-Q1, 2026-H1, 2026."""
    return {"month": f"{start:%Y-%m}", "quarter": f"{start.year}-Q{(start.month + 2) // 3}",
            "half_year": f"{start.year}-H{1 if start.month <= 6 else 2}", "year": f"{start.year}"}[period_type]


def scoreboard_period(wh: Warehouse, province_code: str, period: date | None, period_type: str = "month") -> date:
    """``period`` (any day of it) when the province has a score for it, else its latest scored period before it;
    without one, the latest closed period of the type (the one before the latest the one-stop reaches: that one is
    still running), or the running one when it is the only one."""
    if period_type not in PERIOD_TYPES:
        raise ValueError(f"period type {period_type!r}: expected one of {', '.join(PERIOD_TYPES)}")
    missing = missing_marts(wh, MARTS)
    if missing:
        raise NoScores(f"no Decision 766 marts yet ({', '.join(missing)}): run the transform first")
    _, rows = wh.query("select period_start from marts.service_index_766 where scope = 'province' and "
                       "unit_role = 'competent' and period_type = %s and unit_code = %s order by period_start",
                       (period_type, province_code))
    months = [r[0] for r in rows]
    if period is not None:
        months = [m for m in months if m <= period]
    elif len(months) > 1:
        months = months[:-1]
    if not months:
        raise NoScores(f"no Decision 766 score of province {province_code} by {period_type}"
                       + (f" in or before {period:%Y-%m}" if period else ""))
    return months[-1]


def scoreboard_data(wh: Warehouse, province_code: str, period: date, period_type: str = "month") -> Scoreboard:
    history = _rows(wh, SCORES.format(where="scope = 'province' and unit_code = %s and period_start <= %s "
                                            "order by period_start desc limit %s"),
                    (period_type, province_code, period, TREND_PERIODS))[::-1]
    units = _rows(wh, SCORES.format(where="scope = 'unit' and province_code = %s and period_start = %s "
                                          "and unit_code <> %s order by score_100 desc nulls last, unit_code"),
                  (period_type, province_code, period, province_code))
    for rank, u in enumerate(units, start=1):
        u["rank"], u["band"] = rank, band(u["score_100"])
        u["is_department"] = u["unit_level"] in DEPARTMENT_LEVELS
    for g in range(1, 7):  # each group's rank among the units it has a score for
        scored = sorted((u for u in units if u[f"group_{g}_score"] is not None),
                        key=lambda u, g=g: (-u[f"group_{g}_score"], u["unit_code"]))
        for rank, u in enumerate(scored, start=1):
            u[f"group_{g}_rank"] = rank
    lowest = sorted((u for u in units if u["score_100"] is not None), key=lambda u: (u["score_100"], u["unit_code"]))
    _, [(name,)] = wh.query("select unit_full_name from marts.dim_units where unit_code = %s and is_current",
                            (province_code,))
    return Scoreboard(province_code, name, period, history[-1], history, units,
                      [u for u in lowest if u["is_department"]][:LOWEST],
                      [u for u in lowest if not u["is_department"]][:LOWEST], period_type)


def digest_week(today: date) -> date:
    """The Monday of ``today``'s week: a digest goes out once per week."""
    return today - timedelta(days=today.weekday())


def publish_scoreboard(wh: Warehouse, settings: KhoSettings, period: date | None = None, lang: str | None = None,
                       pdf: bool | None = None, today: date | None = None, period_type: str = "month") -> ReportSet:
    """Render the scoreboard of a period; the set's one report is the province's, to the overview's recipients, its
    period the week of ``today`` (the digest goes out once a week, about the latest closed month)."""
    t = Words(lang or settings.report_lang)
    pdf = settings.report_pdf if pdf is None else pdf
    period = scoreboard_period(wh, settings.province_code, period, period_type)
    board = scoreboard_data(wh, settings.province_code, period, period_type)
    folder = settings.reports_dir / period_label(period_type, period) / t.lang / "766"
    write = page_writer(folder, t, pdf)
    cache = ChartCache(settings.home / "cache" / "charts")
    chart = cache.chart(charts.score_766_trend, board.history, t) if len(board.history) > 1 else None
    html, pdf_path, sha = write("index", "scoreboard.html.j2", b=board, chart=chart, urgent=URGENT_BELOW,
                                watch=WATCH_BELOW)
    week = digest_week(today or date.today())
    lines = [f"{u['unit_name']}: {t.number(u['score_100'], 2)}" for u in (*board.lowest_departments,
                                                                         *board.lowest_communes)]
    summary = {"week": t.day(week), "figures_month": t.period_plain(period_type, period),
               "score": t.number(board.province["score_100"], 2),
               "computable": t.number(board.province["max_score_computed"]),
               "urgent": board.band_count("urgent"), "watch": board.band_count("watch"),
               "lowest": "\n".join(f"  - {line}" for line in lines)}
    overview = RenderedReport(OVERVIEW, board.province_name, html, pdf_path, None, sha, summary)
    log.info("766 scoreboard of %s for %s %s (%s): %d units in %s", settings.province_code, period_type, period,
             t.lang, len(board.units), folder)
    return ReportSet(week, t.lang, folder, overview, [], kind="766")
