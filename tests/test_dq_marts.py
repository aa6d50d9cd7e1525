"""The data-quality marts on crafted dossiers: two batches, a record fixed and a record broken in the second, so
the marts must follow each record's latest version. Real GX validation, real dbt on the embedded PostgreSQL."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from test_validation import _clean_records, _load, open_again

from connectors.onestop.suite import suite
from expectations.validation import validate_batch
from kho.dbt import run_dbt
from kho.domain.units import communes_of

pytestmark = pytest.mark.integration
MARTS = ["+dq_rule_results", "+dq_unit_scores", "+dq_top_failing_rules", "+dq_records_to_fix", "+dq_source_freshness"]


def month(r: dict) -> str:
    return f"{r['NgayTiepNhan'][:4]}-{r['NgayTiepNhan'][4:6]}-01"


def test_dq_marts_follow_the_latest_version_of_each_record(tmp_path, settings, fresh_schema):
    wh = fresh_schema
    *units, lone_unit, late_unit, quiet_unit = [u.code for u in communes_of("38")[:6]]
    records = _clean_records(240)
    for i, r in enumerate(records):
        r["MaDonViXuLy"] = units[i % 3] if i < 200 else quiet_unit  # the second batch leaves quiet_unit alone
    records[200]["KenhThucHien"] = "9"                              # error, in a group no change touches
    records[11].update(MaDonViXuLy=lone_unit, KenhThucHien="9")      # error, alone in its unit, moved in batch 2
    key = {i: records[i]["MaHoSo"] for i in range(len(records))}
    records[5]["KenhThucHien"] = "9"                                # error, fixed in batch 2
    records[6]["TrangThaiHoSo"] = "11"                              # error
    open_again(records[7], NgayHenTra="")                            # warning only (due_date_present)
    open_again(records[8], KenhThucHien="9", NgayHenTra="")          # error and warning
    agency = key[9].rsplit("-", 2)[0]
    records[9].update(MaHoSo=f"{agency}-012345678901-0001", KenhThucHien="9")  # a citizen-ID-shaped key
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    validate_batch(wh, suite(), _load(records, tmp_path / "1", settings, wh))
    run_dbt(["build", "--select", *MARTS], wh, settings)
    # the second batch is built by difference: a record fixed, one broken, a failing one moved to another unit, the
    # lone unit's record moved and fixed (the groups they leave must lose them: the lone unit's, whole), and a new
    # record of a unit the first batch did not have
    second_records = [dict(records[5], KenhThucHien="2"), dict(records[10], TrangThaiHoSo="11"),
                      dict(records[6], MaDonViXuLy=units[7 % 3]),
                      dict(records[11], MaDonViXuLy=units[0], KenhThucHien="2"),
                      dict(records[12], MaHoSo=key[12][:-5] + "99999", MaDonViXuLy=late_unit)]
    validate_batch(wh, suite(), _load(second_records, tmp_path / "2", settings, wh))
    # the versions alone first: the groups their changed records left and joined wait for each aggregate
    run_dbt(["build", "--select", "int_dq__record_versions"], wh, settings)
    _, pending = wh.query("select model, unit_code from kho.dq_unit_month_changes")
    assert {m for m, _ in pending} == {"intermediate.int_dq__unit_day_records",
                                       "intermediate.int_dq__unit_month_rule_failures",
                                       "intermediate.int_dq__unit_month_records_to_fix"}
    assert {u for _, u in pending} == {*units, lone_unit, late_unit}
    run_dbt(["build", "--select", *MARTS], wh, settings)
    _, pending = wh.query("select model, unit_code from kho.dq_unit_month_changes")
    assert pending == []

    masked = f"{agency}-[ẩn]-0001"
    expected = {(key[6], "status_code_list", "error"), (key[7], "due_date_present", "warn"),
                (key[8], "channel_code_list", "error"), (key[8], "due_date_present", "warn"),
                (masked, "channel_code_list", "error"), (key[10], "status_code_list", "error"),
                (key[200], "channel_code_list", "error")}
    _, rows = wh.query("select record_key, rule, severity from marts.dq_records_to_fix")
    assert set(rows) == expected and len(rows) == len(expected)
    # each in the unit and month of its latest version: the one moved (6) listed under its new unit only
    _, rows = wh.query("select record_key, unit_code, period_month::text from marts.dq_records_to_fix")
    final = {6: second_records[2], 7: records[7], 8: records[8], 9: records[9], 10: second_records[1],
             200: records[200]}
    where = {(masked if i == 9 else key[i], r["MaDonViXuLy"], month(r)) for i, r in final.items()}
    assert set(rows) == where, set(rows) ^ where

    # checked and failed per unit x month x rule, recomputed from the records as finally sent
    latest = {i: r for i, r in enumerate(records)} | dict(zip((5, 10, 6, 11, 240), second_records, strict=True))
    checked = Counter((r["MaDonViXuLy"], month(r)) for r in latest.values())
    failing = {6: {"status_code_list"}, 7: {"due_date_present"}, 8: {"channel_code_list", "due_date_present"},
               9: {"channel_code_list"}, 10: {"status_code_list"}, 200: {"channel_code_list"}}
    failed = Counter((latest[i]["MaDonViXuLy"], month(latest[i]), rule) for i, rules in failing.items()
                     for rule in rules)
    _, rows = wh.query("select unit_code, period_month::text, rule, checked, failed from marts.dq_rule_results")
    assert {(u, m) for u, m, *_ in rows} == set(checked)
    for u, m, rule, n_checked, n_failed in rows:
        assert (n_checked, n_failed) == (checked[(u, m)], failed[(u, m, rule)]), (u, m, rule)

    # scores: errors weigh 1, warnings-only a quarter
    errors, warns = Counter(), Counter()
    for i, rules in failing.items():
        cell = (latest[i]["MaDonViXuLy"], month(latest[i]))
        if rules & {"status_code_list", "channel_code_list"}:
            errors[cell] += 1
        else:
            warns[cell] += 1
    _, rows = wh.query("select unit_code, period_month::text, records_checked, records_with_errors, "
                       "records_with_warnings_only, quality_score, previous_quality_score, province_rank "
                       "from marts.dq_unit_scores")
    score = {}
    for u, m, n, e, w, s, _prev, _rank in rows:
        assert (n, e, w) == (checked[(u, m)], errors[(u, m)], warns[(u, m)])
        exact = 100 * (1 - (errors[(u, m)] + Fraction(1, 4) * warns[(u, m)]) / Fraction(n))
        assert s == (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        score[(u, m)] = float(s)
    for u, m, _n, _e, _w, s, prev, rank in rows:
        y, mo = int(m[:4]), int(m[5:7])
        before = f"{y - (mo == 1)}-{12 if mo == 1 else mo - 1:02d}-01"
        assert (None if prev is None else float(prev)) == score.get((u, before))
        same_month = sorted((v for (uu, mm), v in score.items() if mm == m), reverse=True)
        assert rank == same_month.index(float(s)) + 1

    # top failing rules carry example keys of the records that broke them
    _, rows = wh.query("select unit_code, period_month::text, rule, failed, example_record_keys "
                       "from marts.dq_top_failing_rules")
    examples = defaultdict(set)
    for i, rules in failing.items():
        for rule in rules:
            examples[(latest[i]["MaDonViXuLy"], month(latest[i]), rule)].add(masked if i == 9 else key[i])
    assert {(u, m, rule): set(keys) for u, m, rule, _, keys in rows} == examples

    # freshness: records and active days per unit and month, as sent
    days = defaultdict(set)
    for r in latest.values():
        days[(r["MaDonViXuLy"], month(r))].add(r["NgayTiepNhan"][:8])
    _, rows = wh.query("select unit_code, period_month::text, records, active_days, working_days, "
                       "missing_working_days from marts.dq_source_freshness where source = 'onestop'")
    for u, m, n, active, working, missing in rows:
        assert (n, active) == (checked.get((u, m), 0), len(days.get((u, m), ())))
        assert 0 <= missing <= working
