"""Render the data-quality reports of one period: one page per unit, the province overview linking them, a CSV of
each unit's records to fix, and PDFs when asked. Files land in ``KHO_HOME/reports/<YYYY-MM>/<lang>/``."""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.reports import charts, data
from kho.reports.chart_cache import ChartCache
from kho.reports.i18n import Words

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OVERVIEW = "province"  # the overview's unit code in file names and the delivery log


@dataclass
class RenderedReport:
    unit_code: str                           # OVERVIEW for the province overview
    unit_name: str
    html: Path
    pdf: Path | None
    csv: Path | None
    sha256: str                              # of the HTML
    summary: dict = field(default_factory=dict)  # score, errors, warnings: for the e-mail

    @property
    def attachments(self) -> list[Path]:
        return [p for p in (self.html, self.pdf, self.csv) if p]


@dataclass
class ReportSet:
    period: date
    lang: str
    folder: Path
    overview: RenderedReport
    units: list[RenderedReport]
    kind: str = "dq"  # dq (data quality) | plan02 (readiness): which e-mail words, which deliveries it counts against

    def all(self) -> list[RenderedReport]:
        return [self.overview, *self.units]

    def to_dict(self) -> dict:
        """JSON-safe (an XCom between the render and deliver tasks)."""
        def one(r: RenderedReport) -> dict:
            return {"unit_code": r.unit_code, "unit_name": r.unit_name, "html": str(r.html),
                    "pdf": str(r.pdf) if r.pdf else None, "csv": str(r.csv) if r.csv else None,
                    "sha256": r.sha256, "summary": r.summary}
        return {"period": self.period.isoformat(), "lang": self.lang, "folder": str(self.folder),
                "overview": one(self.overview), "units": [one(r) for r in self.units], "kind": self.kind}

    @classmethod
    def from_dict(cls, d: dict) -> ReportSet:
        def one(r: dict) -> RenderedReport:
            return RenderedReport(r["unit_code"], r["unit_name"], Path(r["html"]),
                                  Path(r["pdf"]) if r["pdf"] else None, Path(r["csv"]) if r["csv"] else None,
                                  r["sha256"], r["summary"])
        return cls(date.fromisoformat(d["period"]), d["lang"], Path(d["folder"]), one(d["overview"]),
                   [one(r) for r in d["units"]], d.get("kind", "dq"))


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def page_writer(folder: Path, t: Words, pdf: bool) -> Callable[..., tuple[Path, Path | None, str]]:
    """``write(name, template, **context)``: a page rendered into ``folder`` as ``name``.html (and .pdf when asked),
    returning both paths and the HTML's SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    env = environment()
    generated = t.timestamp(datetime.now(LOCAL_TZ))

    def write(name: str, template: str, **context) -> tuple[Path, Path | None, str]:
        html = env.get_template(template).render(t=t, generated=generated, **context)
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        pdf_path = write_pdf(html, folder / f"{name}.pdf") if pdf else None
        return path, pdf_path, hashlib.sha256(html.encode()).hexdigest()

    return write


def write_pdf(html: str, path: Path) -> Path:
    from weasyprint import HTML  # imported only when PDFs are asked for (~1 s)

    HTML(string=html, base_url=str(path.parent)).write_pdf(path)
    return path


def _write_csv(path: Path, rows: list[tuple], t: Words) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM: Excel opens Vietnamese text correctly
        w = csv.writer(f)
        w.writerow([t("source"), t("key"), t("date"), t("severity"), t("rule"), t("what_to_fix")])
        for source, stream, key, day, rule, severity, vi, en in rows:
            w.writerow([f"{t.source(source)} · {t.stream(stream)}", key or t("no_key"),
                        day.isoformat() if day else "", t.severity(severity), rule, vi if t.lang == "vi" else en])
    return path


def _summary(score: dict | None, t: Words) -> dict:
    """The figures an e-mail quotes."""
    s = score or {}
    return {"score": t.number(s["quality_score"], 1) if s else "–",
            "errors": t.number(s.get("records_with_errors", 0)),
            "warnings": t.number(s.get("records_with_warnings_only", 0))}


def publish(wh: Warehouse, settings: KhoSettings, period: date | None = None, unit_codes: list[str] | None = None,
            lang: str | None = None, pdf: bool | None = None) -> ReportSet:
    """Render the overview and one report per unit (all the province's current units unless ``unit_codes``)."""
    t = Words(lang or settings.report_lang)
    pdf = settings.report_pdf if pdf is None else pdf
    period = period or data.default_period(wh)
    units = data.report_units(wh, settings.province_code)
    if not units:
        raise LookupError(f"no current units for province {settings.province_code!r} in marts.dim_units")
    province_name = next((name for code, name in units if code == settings.province_code), settings.province_code)
    if unit_codes:
        unknown = set(unit_codes) - {u for u, _ in units}
        if unknown:
            raise ValueError(f"not current units of province {settings.province_code}: {', '.join(sorted(unknown))}")
        units = [u for u in units if u[0] in set(unit_codes)]
    folder = settings.reports_dir / period.strftime("%Y-%m") / t.lang
    write = page_writer(folder, t, pdf)

    cache = ChartCache(settings.home / "cache" / "charts")
    reports = data.unit_reports(wh, period, units, settings.report_max_records)
    o = data.overview(wh, period, settings.province_code)
    ranked = [s for s in o.scores if s["province_rank"] is not None]

    def chart(draw, data: list[dict], shown: bool = True) -> str | None:
        """The chart (from the cache when it drew the same before), None where the page has none."""
        return cache.chart(draw, data, t) if data and shown else None

    rendered = []
    for r in reports:
        page_charts = {"trend": chart(charts.trend, r.history),
                       "breakdown": chart(charts.rule_breakdown, r.rules, any(x["failed"] for x in r.rules))}
        html, pdf_path, sha = write(r.unit_code, "unit.html.j2", r=r, charts=page_charts)
        rendered.append(RenderedReport(r.unit_code, r.unit_name, html, pdf_path, None, sha, _summary(r.score, t)))
    by_code = {r.unit_code: r for r in rendered}
    for code, rows in data.records_to_fix(wh, period, [r.unit_code for r in reports if r.records_to_fix_total]):
        by_code[code].csv = _write_csv(folder / f"{code}-records-to-fix.csv", rows, t)
    current = o.history[-1] if o.history and o.history[-1]["period_month"] == period else None
    links = {r.unit_code: r.html.name for r in rendered}
    html, pdf_path, sha = write("index", "overview.html.j2", o=o, current=current, province_name=province_name,
                                charts={"trend": chart(charts.trend, o.history),
                                        "attention": chart(charts.score_ranking, ranked),
                                        "distribution": chart(charts.score_distribution, ranked)},
                                links=links)
    overview = RenderedReport(OVERVIEW, province_name, html, pdf_path, None, sha, _summary(current, t))
    cache.prune()
    log.info("reports for %s (%s): %d units and the overview in %s (%d charts drawn, %d unchanged ones reused)",
             period, t.lang, len(rendered), folder, cache.drawn, cache.reused)
    return ReportSet(period, t.lang, folder, overview, rendered)
