"""Charts are drawn once per content: the cache gives back exactly what the chart draws for the same data and
language, draws again when either differs, and prunes what no publish used for its keep period."""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal

from kho.reports import charts
from kho.reports.chart_cache import ChartCache
from kho.reports.i18n import Words


def _history(last_score: str) -> list[dict]:
    return [{"period_month": date(2026, m, 1), "quality_score": Decimal(s), "error_rate": Decimal("0.05")}
            for m, s in ((4, "91.5"), (5, "93.0"), (6, last_score))]


def test_the_same_data_is_drawn_once_and_a_change_draws_again(tmp_path):
    cache, vi = ChartCache(tmp_path), Words("vi")
    first = cache.chart(charts.trend, _history("95.2"), vi)
    assert first == charts.trend(_history("95.2"), vi)  # what the chart draws, byte for byte
    assert (cache.drawn, cache.reused) == (1, 0)
    assert cache.chart(charts.trend, _history("95.2"), vi) == first
    assert (cache.drawn, cache.reused) == (1, 1)
    changed = cache.chart(charts.trend, _history("95.3"), vi)
    assert changed != first and "95,3" in changed  # one month's score moved: drawn again, Vietnamese decimals
    english = cache.chart(charts.trend, _history("95.2"), Words("en"))
    assert english != first and "95.2" in english
    assert (cache.drawn, cache.reused) == (3, 1)
    assert len(list(tmp_path.glob("*.svg"))) == 3


def test_a_chart_is_drawn_again_only_when_what_it_shows_moved(tmp_path):
    """The cache keys on what the chart shows: a count it does not draw, or a score moving below the tenth it is
    written with, reuses the picture; a rule entering the breakdown's top ten draws it again."""
    cache, vi = ChartCache(tmp_path), Words("vi")
    counted = [{**h, "records_checked": 1000} for h in _history("95.2")]
    first = cache.chart(charts.trend, counted, vi)
    recounted = [{**h, "records_checked": 1003} for h in _history("95.2")]
    recounted[-1]["quality_score"] = Decimal("95.23")
    assert cache.chart(charts.trend, recounted, vi) == first and (cache.drawn, cache.reused) == (1, 1)
    assert first == charts.trend(recounted, vi)  # drawn from what it shows: the same picture either way

    def rule(i: int, failed: int) -> dict:
        return {"rule": f"r{i}", "message_vi": f"Quy tắc {i}", "message_en": f"Rule {i}", "failed": failed,
                "severity": "error", "checked": 5000 + failed}

    rules = [rule(i, 100 - i) for i in range(12)]
    drawn = cache.chart(charts.rule_breakdown, rules, vi)
    below_top = [*rules[:11], rule(11, 60)]  # the twelfth rule's count moved, still out of the top ten
    assert cache.chart(charts.rule_breakdown, below_top, vi) == drawn and cache.drawn == 2
    into_top = [*rules[:11], rule(11, 95)]
    assert cache.chart(charts.rule_breakdown, into_top, vi) != drawn and cache.drawn == 3


def test_entries_no_publish_used_are_pruned(tmp_path):
    cache, vi = ChartCache(tmp_path, keep_days=40), Words("vi")
    cache.chart(charts.trend, _history("80.0"), vi)
    cache.chart(charts.trend, _history("81.0"), vi)
    old, recent = sorted(tmp_path.glob("*.svg"))
    stale = time.time() - 41 * 86400
    os.utime(old, (stale, stale))
    assert cache.prune() == 1
    assert list(tmp_path.glob("*.svg")) == [recent]
