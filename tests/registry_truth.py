"""Helpers of the registry tests (judicial records, land): the one-stop side of their reconciliation as the
sandbox shows it, and crafted records landed and validated on the real warehouse."""

from __future__ import annotations

import copy


def finished_dossiers(srv, warehouse, procedure: str) -> set[str]:
    """One-stop dossiers of ``procedure`` the sandbox shows finished (status 9/10) at its clock, of those the
    warehouse holds (a dossier quarantined on the one-stop side cannot be matched)."""
    present = {r[0] for r in warehouse.query("select dossier_code from marts.fct_dossiers")[1]}
    return {r["MaHoSo"] for r in srv.app.all_records()
            if r["MaTTHC"].startswith(procedure) and r["TrangThaiHoSo"] in ("9", "10") and r["MaHoSo"] in present}


def check_crafted(wh, settings, source: str, key: str | None, base: dict, cases: dict, warn_rules: set[str],
                  key_of=None, stream: str | None = None, to_arrow=None) -> None:
    """Land one batch of ``base`` changed by each case (name -> (change, rules it must break)), validate it, and
    hold the results to the cases: exactly the rules broken, GX and the quarantine query agreeing, exactly the
    records breaking an error rule quarantined. Each record's ``key`` field is its case's name, unless ``key`` is
    None: then the changes make the records distinct and ``key_of(record)`` is the key the suite quarantines by.
    ``stream``: the source's stream (its first one when not given), its records made a table by ``to_arrow`` (the
    source's ``records_to_arrow`` when not given)."""
    from expectations.validation import validate_batch
    from kho.core.extract_run import ExtractRun
    from kho.core.loading import load_batch
    from kho.core.sources import get_source

    src = get_source(source)
    stream = next(s for s in src.streams if s.name == stream) if stream else src.streams[0]
    records, keys = [], {}
    for name, (change, _) in cases.items():
        rec = copy.deepcopy(base)
        if key is not None:
            rec[key] = name
        change(rec)
        records.append(rec)
        keys[name] = key_of(rec) if key_of else name
    to_arrow = to_arrow or __import__(f"connectors.{source}.schema", fromlist=["records_to_arrow"]).records_to_arrow
    writer = ExtractRun.of(source, settings, wh).batch(stream.name, mode="file", source_file="crafted")
    writer.add_table(to_arrow(records))
    manifest = writer.close()
    load_batch(wh, manifest)
    summary = validate_batch(wh, stream.suite(), manifest.batch_id)
    _, rows = wh.query("select rule from dq.rule_results where failed > 0")
    assert {r for (r,) in rows} == set().union(*(rules for _, rules in cases.values()))
    assert summary.failed_by_rule == summary.gx_unexpected_by_rule, (  # GX and the quarantine query agree
        summary.failed_by_rule, summary.gx_unexpected_by_rule)
    _, quarantined = wh.query("select distinct record_key from dq.quarantine")
    errors = {keys[n] for n, (_, rules) in cases.items() if rules - warn_rules}
    assert {k for (k,) in quarantined} == errors
    assert summary.checked == len(cases) and summary.quarantined == len(errors)
