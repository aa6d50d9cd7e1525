"""Charts as inline SVG: they render in any browser and in the PDF with no network and no script, and their text
stays text, so the page's own font draws the Vietnamese. The two charts on every unit's page (``trend``,
``rule_breakdown``) are drawn from Jinja templates (``templates/charts/``), ~1.5 ms each: matplotlib's layout passes
cost ~0.1 s a chart, and a publish draws two per unit. The province's charts, one each per publish, are drawn with
matplotlib (object API, no display, ``svg.fonttype`` none)."""

from __future__ import annotations

import functools
import io
import re
import textwrap
from pathlib import Path

import matplotlib
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from kho.reports.i18n import Words

matplotlib.rcParams.update({
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "kho",  # stable element ids: the same data renders the same bytes
})
TEMPLATE_DIR = Path(__file__).parent / "templates" / "charts"
ERROR, WARN, OK, LINE = "#c0392b", "#e6a23c", "#2e8b57", "#1f4e79"


_REF = re.compile(r'(id="|href="#|url\(#)([A-Za-z][\w.-]*)')
_TEXT_PATHS = TextToPath()  # what the SVG backend lays its text out with: a width measured here is the one drawn


def text_width_pt(texts: list[str], size: float) -> float:
    """The widest line of these texts at this font size, in points, as matplotlib's SVG backend lays it out."""
    return max((_line_width_pt(line, size) for text in texts for line in text.split("\n")), default=0.0)


@functools.lru_cache(maxsize=4096)
def _line_width_pt(line: str, size: float) -> float:
    """Measured once per process: a publish lays out the same rule wordings on every unit's page (~1.4 ms each)."""
    prop = FontProperties(family=matplotlib.rcParams["font.family"], size=size)
    return _TEXT_PATHS.get_text_width_height_descent(line, prop, ismath=False)[0]


PT = 72  # the templated charts' unit is the point, as matplotlib's SVG: a 7.2-inch chart is 518.4 wide
_TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=StrictUndefined,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def _r(value: float) -> float:
    """A coordinate to the hundredth of a point: short, stable text (0.1 + 0.2 prints 0.3)."""
    return round(float(value), 2) + 0.0  # + 0.0: no "-0.0"


_TEMPLATES.filters["n"] = _r  # what a template computes (x0 - 3.5) is written the same way


def _draw(name: str, **values) -> str:
    """One of the charts drawn by template: a pure function of its values, so the same data draws the same bytes."""
    return _TEMPLATES.get_template(f"{name}.svg.j2").render(**values).strip()


def _svg(fig: Figure, name: str, label: str, tight: bool = True) -> str:
    """``tight``: cropped to what was drawn (labels of any length fit), at the cost of drawing the figure twice
    (~40% of a chart's time); charts whose labels are short and known lay out with fixed margins instead."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # matplotlib numbers its element ids per figure (line2d_1, …): prefixed with the chart's name so that two charts
    # on one page do not share ids (their clip paths and references would cross)
    svg = _REF.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
    # an accessible name for the chart, and a class the page and the browser test find it by
    return svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{label}" ', 1)


def trend_shown(history: list[dict]) -> list[dict]:
    """What the trend chart shows of each month: the month, the score to the tenth it is written with, and the error
    share to the tenth of a percent (its bar's height: a finer change moves it by a fraction of a pixel). The chart
    is drawn from this, and the chart cache keys on it: a month whose counts moved and whose picture did not is not
    drawn again."""
    return [{"period_month": h["period_month"], "quality_score": round(float(h["quality_score"]), 1),
             "error_rate": round(float(h["error_rate"]), 3)} for h in history]


def trend(history: list[dict], t: Words) -> str:
    """The unit's (or province's) quality score per month, with the share of records in error beneath: drawn from a
    template (``templates/charts/trend.svg.j2``), one per unit and the province in every publish."""
    history = trend_shown(history)
    w, h = 7.2 * PT, 2.8 * PT
    x0, x1, y0, y1 = 0.06 * w, 0.99 * w, 0.03 * h, 0.89 * h  # the plot area: month names and 0-100 fit the margins
    band = (x1 - x0) / max(len(history), 1)

    def y(value: float) -> float:  # the axis runs 0-109: room above 100 for the score written over its point
        return _r(y1 - (y1 - y0) * value / 109)

    months = []
    for i, m in enumerate(history):
        score, error_top = float(m["quality_score"]), y(100 * float(m["error_rate"]))
        months.append({"x": _r(x0 + band * (i + 0.5)), "bar_x": _r(x0 + band * (i + 0.1)), "bar_y": error_top,
                       "bar_h": _r(y1 - error_top), "score_y": y(score), "label_y": _r(y(score) - 6),
                       "score": t.number(score, 1), "label": t.short_month(m["period_month"])})
    return _draw("trend", label=t("trend"), w=_r(w), h=_r(h), x0=_r(x0), x1=_r(x1), y0=_r(y0), y1=_r(y1),
                 bar_w=_r(0.8 * band), months=months, yticks=[(y(v), str(v)) for v in range(0, 101, 20)],
                 legend_x=_r(x0 + 8), legend_y=_r(y1 - 20), errors_label=t("trend_errors") + " (%)",
                 score_label=t("trend_score"), error=ERROR, line=LINE)


def rules_shown(rules: list[dict], limit: int = 10) -> list[dict]:
    """What the breakdown shows: the ``limit`` rules failing most (ties in the order given), each with its wording,
    count and severity, and nothing of the rules below them."""
    top = sorted((r for r in rules if r["failed"]), key=lambda r: r["failed"], reverse=True)[:limit]
    return [{"message_vi": r["message_vi"], "message_en": r["message_en"], "failed": r["failed"],
             "severity": r["severity"]} for r in top]


def rule_breakdown(rules: list[dict], t: Words) -> str:
    """Records failing each rule in the period, most first, coloured by severity: drawn from a template
    (``templates/charts/rule_breakdown.svg.j2``), with margins measured from its labels (the rules' wordings on the
    left, the counts past the longest bar on the right)."""
    top = rules_shown(rules)
    w, h = 7.2 * PT, (0.45 * len(top) + 0.8) * PT
    labels = [textwrap.wrap(r["message_" + t.lang], 48)[:2] for r in top]
    counts = [t.number(r["failed"]) for r in top]
    x0 = 4 + text_width_pt(["\n".join(lines) for lines in labels], 8) + 7  # white, wordings, tick and pad
    x1 = w - 4 - max(text_width_pt(counts, 8) + 3, 18)
    y0, y1 = 7.6, h - 40  # below: the axis numbers and the axis label
    most = max((r["failed"] for r in top), default=1)
    ticks = [v for v in MaxNLocator(nbins=6, integer=True).tick_values(0, most) if 0 <= v <= most * 1.05]
    span = max(most * 1.05, ticks[-1] if ticks else 1)  # records are counted: whole-number ticks

    def x(value: float) -> float:
        return _r(x0 + (x1 - x0) * value / span)

    band = (y1 - y0) / max(len(top), 1)
    rows = [{"y": _r(y0 + band * (i + 0.5)), "bar_y": _r(y0 + band * (i + 0.1)), "bar_w": _r(x(r["failed"]) - x0),
             "label_y": _r(y0 + band * (i + 0.5) + 2.9 - 4.8 * (len(lines) - 1)), "lines": lines, "count": count,
             "colour": ERROR if r["severity"] == "error" else WARN}
            for i, (r, lines, count) in enumerate(zip(top, labels, counts, strict=True))]
    return _draw("rule_breakdown", label=t("breakdown"), w=_r(w), h=_r(h), x0=_r(x0), x1=_r(x1), y0=_r(y0),
                 y1=_r(y1), bar_h=_r(0.8 * band), rows=rows, xticks=[(x(v), t.number(v)) for v in ticks],
                 axis_label=t("failed"))


def score_ranking(scores: list[dict], t: Words, limit: int = 20) -> str:
    """The lowest-scoring units of the province."""
    low = sorted(scores, key=lambda s: (s["quality_score"], s["unit_code"]))[:limit][::-1]
    fig = Figure(figsize=(7.2, 0.32 * len(low) + 0.8))
    ax = fig.subplots()
    bars = ax.barh([s["unit_name"] or s["unit_code"] for s in low], [float(s["quality_score"]) for s in low],
                   color=[ERROR if s["quality_score"] < 90 else WARN if s["quality_score"] < 97 else OK for s in low])
    ax.bar_label(bars, labels=[t.number(s["quality_score"], 1) for s in low], padding=3, fontsize=8)
    ax.set_xlim(0, 105)
    ax.tick_params(axis="y", labelsize=8)
    return _svg(fig, "attention", t("attention"))


def score_distribution(scores: list[dict], t: Words) -> str:
    fig = Figure(figsize=(7.2, 2.4))
    ax = fig.subplots()
    ax.hist([float(s["quality_score"]) for s in scores], bins=20, range=(0, 100), color=LINE)
    ax.set_xlabel(t("score"))
    ax.set_ylabel(t("units"))
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.18, top=0.97)
    return _svg(fig, "distribution", t("distribution"), tight=False)


def readiness_coverage(history: list[dict], t: Words) -> str:
    """Plan 02: the province's communes by colour per month (green, yellow, red; those without a return apart), with
    the share green above the bars."""
    fig = Figure(figsize=(7.2, 2.8))
    ax = fig.subplots()
    months = [t.short_month(h["period_month"]) for h in history]
    green = [h["communes_green"] for h in history]
    yellow = [h["communes_yellow"] for h in history]
    red = [h["communes_red"] - h["communes_without_return"] for h in history]
    none = [h["communes_without_return"] for h in history]
    bottom = [0] * len(history)
    for values, colour, label in ((green, OK, t("plan02_green")), (yellow, WARN, t("plan02_yellow")),
                                  (red, ERROR, t("plan02_red")), (none, "#9aa5b1", t("plan02_no_return"))):
        ax.bar(months, values, bottom=bottom, color=colour, label=label, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, h, top in zip(months, history, bottom, strict=True):
        ax.annotate(t.percent(h["green_share"], 1), (x, top), textcoords="offset points", xytext=(0, 4),
                    ha="center", fontsize=8)
    ax.set_ylim(0, max(bottom, default=1) * 1.4)  # room above the bars for the shares and the legend
    ax.set_ylabel(t("plan02_communes"))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper center", frameon=False, fontsize=7, ncols=4)
    fig.subplots_adjust(left=0.08, right=0.99, bottom=0.11, top=0.97)
    return _svg(fig, "coverage", t("plan02_coverage"), tight=False)


def score_766_trend(history: list[dict], t: Words) -> str:
    """The province's Decision 766 score per period (month, quarter, half-year or year) on the 100-point scale, with
    the "watch" and "urgent" lines."""
    fig = Figure(figsize=(7.2, 2.6))
    ax = fig.subplots()
    months = [t.short_period(h["period_type"], h["period_month"]) for h in history]
    scores = [float(h["score_100"]) if h["score_100"] is not None else None for h in history]
    ax.axhspan(0, 80, color=ERROR, alpha=0.07)
    ax.axhspan(80, 90, color=WARN, alpha=0.10)
    ax.plot(months, scores, color=LINE, marker="o", linewidth=2, label=t("s766_score_100"))
    for x, y in zip(months, scores, strict=True):
        if y is not None:
            ax.annotate(t.number(y, 1), (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_ylim(0, 105)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.12, top=0.97)
    return _svg(fig, "score766", t("s766_trend"), tight=False)


# per chart, what of its data it shows (the chart cache's key); a chart not named here shows all of it
SHOWN = {"trend": trend_shown, "rule_breakdown": rules_shown}
