"""When the data's as-of time moves, an incremental run judges again the open dossiers a later period end can judge
otherwise, and only those: the rest keep their judgement (int_onestop__dossier_on_time.judgement_holds_until,
macro onestop_judgement_may_change). What it leaves is what a rebuild in full gives."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from connectors.onestop.client import OneStopClient
from connectors.onestop.streams import extract_window
from connectors.onestop.suite import suite
from expectations.validation import validate_batch
from kho.core.extract_run import ExtractRun
from kho.core.loading import load_batch
from kho.core.windows import Window

pytestmark = pytest.mark.integration
END = datetime(2026, 8, 1)
MODELS = ["+service_index_766_counts"]
BUILD = ["build", "--select", *MODELS, "--exclude-resource-type", "test", "unit_test"]  # the seeds and the models
OPEN_ROWS = """
    select p.dossier_code, p.period_type, p.on_time_766, p.on_time_local, p.judged_as_of_at, p.judgement_holds_until,
        least({end}, (select max(as_of_at) from intermediate.int_onestop__dossier_milestones) + interval '1 second'),
        {end}
    from marts.fct_dossier_periods as p
    where p.terminal_status_766 is null
"""
PERIOD_END = ("p.period_start + case p.period_type when 'month' then interval '1 month' when 'quarter' then "
              "interval '3 months' when 'half_year' then interval '6 months' else interval '1 year' end")


def _extract(srv, wh, settings, window: Window) -> str:
    with OneStopClient(srv.url, "sandbox-token", page_size=200) as client:
        manifest = extract_window(client, ExtractRun.of("onestop", settings), window)
    load_batch(wh, manifest)
    validate_batch(wh, suite(), manifest.batch_id)
    return manifest.batch_id


def _built(wh) -> tuple:
    """The facts and the counts as a rebuild must give them; the as-of time a row was judged at aside (a dossier
    whose month had closed keeps the one it was judged at, where a rebuild gives every row the newest)."""
    def rows(sql: str, leave_out: tuple[str, ...]) -> list[tuple]:
        cols, found = wh.query(sql)
        keep = [i for i, c in enumerate(cols) if c not in ("batch_id", "extracted_at", "validated_at", *leave_out)]
        return [tuple(r[i] for i in keep) for r in found]

    return (rows("select * from marts.fct_dossiers order by dossier_code", ("as_of_at",)),
            rows("select * from marts.fct_dossier_periods order by dossier_code, period_type", ("judged_as_of_at",)),
            rows("select * from marts.service_index_766_counts order by cell_key", ()))


def test_open_dossiers_are_judged_again_once_their_judgement_no_longer_holds(make_sandbox, settings, fresh_schema):
    from kho.dbt import run_dbt

    srv = make_sandbox(dossiers=1500, dirty_share=0)
    held = datetime(1970, 1, 1) + timedelta(seconds=srv.app.hold_back(100))
    _extract(srv, fresh_schema, settings, Window(datetime(2025, 1, 1), END))
    run_dbt(BUILD, fresh_schema, settings)
    _, before = fresh_schema.query(OPEN_ROWS.format(end=PERIOD_END))
    srv.app.release()  # the 100 changes held back, the as-of time a few days later
    batch = _extract(srv, fresh_schema, settings, Window(held - timedelta(hours=1), END))
    run_dbt(BUILD, fresh_schema, settings)

    _, [(old_as_of, new_as_of)] = fresh_schema.query(
        "select min(judged_as_of_at), max(judged_as_of_at) from marts.fct_dossier_periods")
    assert new_as_of - old_as_of > timedelta(days=1)
    _, changed = fresh_schema.query("select distinct mahoso from raw_onestop.dossiers where _batch_id = %s", (batch,))
    changed = {c for (c,) in changed}
    _, after = fresh_schema.query(OPEN_ROWS.format(end=PERIOD_END) + " or p.terminal_status_766 is not null")
    after = {(r[0], r[1]): r for r in after}
    # rows of a period still running at the first build, of dossiers the second did not change
    running = [r for r in before if r[0] not in changed and r[7] > old_as_of]
    # the open rows of a running period whose judgement the new period end can change are judged again...
    due = [r for r in running if r[5] is not None and r[5] < after[r[:2]][6]]
    assert due and all(after[r[:2]][4] == new_as_of for r in due)
    assert any(after[r[:2]][2:4] != r[2:4] for r in due)  # some of them turned overdue
    # ... and the others keep their rows as they were
    holding = [r for r in running if r[5] is None or r[5] >= after[r[:2]][6]]
    assert len(holding) > len(due) and all(after[r[:2]][2:6] == r[2:6] for r in holding)
    assert {r[1] for r in due} == {r[1] for r in holding} == {"month", "quarter", "half_year", "year"}

    incremental = _built(fresh_schema)
    run_dbt(["run", "--full-refresh", "--select", *MODELS], fresh_schema, settings)
    assert _built(fresh_schema) == incremental
