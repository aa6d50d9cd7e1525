"""kho_ts's guard (dbt_project/macros/kho_ts.sql, a length and an ltrim: cheaper than a regular expression) gives the
verdict of the DVCQG timestamp shape the suites use (kho.domain.sql_rules.DVCQG_TS_SHAPE) on the edge cases, in
PostgreSQL itself."""

from __future__ import annotations

import re

import pytest

from kho.dbt import DBT_PROJECT
from kho.domain.sql_rules import DVCQG_TS_SHAPE

pytestmark = pytest.mark.integration

VALUES = ["20260101083000", "", "2026010108300", "202601010830000", "2026010108300a", " 20260101083000",
          "20260101083000 ", "20260101083000\n", "２０２６０１０１０８３０００", "-2026010108300", "2026-01-01 08:30",
          "99999999999999", "00000000000000"]


def test_the_guard_agrees_with_the_shape_on_every_edge_case(warehouse):
    macro = (DBT_PROJECT / "macros" / "kho_ts.sql").read_text(encoding="utf-8")
    guard = re.search(r"macro kho_ts_shaped\(column\) -%}\s*(.+?)\s*{%- endmacro", macro, re.S).group(1)
    guard = guard.replace("{{ column }}", "v")
    assert "kho_ts_shaped(column)" in macro.split("macro kho_ts(column)")[1]  # kho_ts guards with it
    assert "~" not in guard  # the point of it: no regular expression per value
    _, rows = warehouse.query(
        f"select v, v ~ %(shape)s, {guard} from unnest(%(values)s::text[]) as t (v)",
        {"shape": DVCQG_TS_SHAPE, "values": VALUES})
    assert len(rows) == len(VALUES)
    assert [(v, a) for v, a, b in rows if a != b] == []
    assert [v for v, a, _ in rows if a] == ["20260101083000", "99999999999999", "00000000000000"]
