"""The two charts on every unit's page, drawn from templates: what they show (each month's score and error share,
the ten rules failing most with their counts), and that Chromium lays every word of them inside the picture."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from defusedxml import ElementTree

from kho.reports import charts
from kho.reports.i18n import Words

SVG = "{http://www.w3.org/2000/svg}"


def _history(scores: list[str], errors: list[str]) -> list[dict]:
    return [{"period_month": date(2026, m, 1), "quality_score": Decimal(s), "error_rate": Decimal(e)}
            for m, s, e in zip(range(1, 13), scores, errors, strict=False)]


def _rule(i: int, failed: int, severity: str = "error", wording: str | None = None) -> dict:
    return {"rule": f"r{i}", "message_vi": wording or f"Quy tắc {i}", "message_en": f"Rule {i}", "failed": failed,
            "severity": severity}


def _texts(root) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("lang, written", [("vi", ["91,5", "97,0", "88,2"]), ("en", ["91.5", "97.0", "88.2"])])
def test_the_trend_draws_each_month_at_its_score_over_its_error_share(lang, written):
    t = Words(lang)
    svg = charts.trend(_history(["91.5", "97.0", "88.2"], ["0.02", "0.08", "0.04"]), t)
    root = ElementTree.fromstring(svg)
    assert root.get("class") == "chart" and root.get("aria-label") == t("trend")
    texts = _texts(root)
    assert [x for x in texts if x in written] == written  # each month's score, in the language's decimals
    months = [t.short_month(date(2026, m, 1)) for m in (1, 2, 3)]
    assert [x for x in texts if x in months] == months  # the months in order along the axis
    assert t("trend_errors") + " (%)" in texts and t("trend_score") in texts  # the legend
    points = [tuple(map(float, p.split(","))) for p in root.find(f"{SVG}polyline").get("points").split()]
    xs, ys = zip(*points, strict=True)
    assert xs == tuple(sorted(xs)) and len(xs) == 3
    assert ys[1] < ys[0] < ys[2]  # 97.0 highest on the page (smallest y), 88.2 lowest
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill-opacity") is None and float(r.get("height")) > 0]
    bars = bars[:3]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == pytest.approx(4 * heights[0], rel=0.01)  # 8% against 2%: bars to scale
    assert heights[2] == pytest.approx(2 * heights[0], rel=0.01)
    # the bars sit on the axis, under the points
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
    assert len(bottoms) == 1 and min(ys) < min(float(b.get("y")) for b in bars)


def test_the_breakdown_shows_the_ten_rules_failing_most_first_to_scale():
    t = Words("vi")
    rules = [_rule(i, 100 * (i + 1), "warn" if i % 3 == 0 else "error") for i in range(12)]
    rules.append(_rule(99, 0))  # passed: not drawn
    rules[5]["message_vi"] = "Mã <đơn vị> & mã \"thủ tục\" không khớp"  # markup in a wording stays text
    root = ElementTree.fromstring(charts.rule_breakdown(rules, t))
    assert root.get("aria-label") == t("breakdown")
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert len(bars) == 10
    shown = sorted(rules, key=lambda r: -r["failed"])[:10]  # 1,200 … 300: rules 11 … 2
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys)  # drawn top to bottom, most failures first
    widths = [float(b.get("width")) for b in bars]
    for bar, width, rule in zip(bars, widths, shown, strict=True):
        assert width == pytest.approx(widths[0] * rule["failed"] / shown[0]["failed"], rel=0.01)
        assert bar.get("fill") == (charts.ERROR if rule["severity"] == "error" else charts.WARN)
    # past each bar, its count in Vietnamese thousands (the axis numbers aside): rule 1 (200) is eleventh
    counts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")
              if e.get("font-size") == "8" and e.get("text-anchor") is None]
    assert counts == [t.number(r["failed"]) for r in shown] and counts[0] == "1.200" and counts[-1] == "300"
    texts = _texts(root)
    assert "Quy tắc 0" not in texts and "Quy tắc 11" in texts
    assert "Mã <đơn vị> & mã \"thủ tục\" không khớp" in texts
    assert t("failed") in texts  # the axis says what is counted


def test_every_word_of_the_charts_lies_inside_them_in_chromium(tmp_path):
    """The margins are measured from the labels, as matplotlib measures DejaVu Sans: in the browser, with the page's
    own font, long Vietnamese wordings, five-digit counts, a single rule and a single month stay inside the picture,
    and the wordings start near its left edge (no band of white the width of a label)."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    t = Words("vi")
    wording = "Hồ sơ đã trả kết quả nhưng thiếu ngày trả kết quả thực tế trên hệ thống một cửa điện tử của tỉnh"
    long_rules = [_rule(i, 12000 * (i + 1), wording=wording[: 40 + 6 * i]) for i in range(6)]
    drawn = [charts.rule_breakdown(long_rules, t), charts.rule_breakdown(long_rules[:1], t),
             charts.rule_breakdown([_rule(0, 3, wording="Ngắn")], t),
             charts.trend(_history(["99.9"] * 12, ["0.5"] * 12), t), charts.trend(_history(["0.0"], ["0"]), t)]
    page_file = tmp_path / "charts.html"
    page_file.write_text('<!doctype html><meta charset="utf-8"><body style="font-family: \'DejaVu Sans\'">'
                         + "".join(f'<div class="chart-box">{svg}</div>' for svg in drawn) + "</body>",
                         encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_file.as_uri(), wait_until="load")
            boxes = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => {
                const b = svg.getBoundingClientRect();
                const texts = [...svg.querySelectorAll('text')].map(e => e.getBoundingClientRect());
                return {svg: [b.left, b.top, b.right, b.bottom],
                        texts: texts.map(r => [r.left, r.top, r.right, r.bottom])}; })""")
        finally:
            browser.close()
    assert len(boxes) == len(drawn)
    for i, chart in enumerate(boxes):
        left, top, right, bottom = chart["svg"]
        for t_left, t_top, t_right, t_bottom in chart["texts"]:
            assert left - 0.5 <= t_left and t_right <= right + 0.5, (i, chart["svg"], (t_left, t_right))
            assert top - 0.5 <= t_top and t_bottom <= bottom + 0.5, (i, chart["svg"], (t_top, t_bottom))
        if i < 3:  # the breakdowns: the longest wording starts within ~0.2 in of the edge
            assert min(r[0] for r in chart["texts"]) - left < 20, (i, chart)
