"""Judicial-record requests and the health of the national links, end to end on the shared pipeline run: the
marts against the judicial sandbox's answer key, and the link log against what the sandbox services say they
answered (every request, every fault, the outage windows they injected)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from registry_truth import finished_dossiers

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def finished_judicial_dossiers(srv, warehouse) -> set[str]:
    from sandbox.judicial.generator import PROCEDURE

    return finished_dossiers(srv, warehouse, PROCEDURE)


def test_every_request_is_loaded_or_quarantined(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.judicial.app.registry, srv.judicial.app.clock
    visible, valid = registry.visible(clock), registry.valid(clock)
    _, [(extracted, checked, passed, quarantined)] = warehouse.query(
        "select (select sum(rows_extracted) from kho.batches where source = 'judicial'), sum(rows_checked), "
        "sum(rows_passed), sum(rows_quarantined) from dq.validation_runs where suite = 'judicial_requests_raw'")
    assert extracted == checked == len(visible)
    assert passed == len(valid) and quarantined == len(visible) - len(valid) > 0
    _, rows = warehouse.query("select request_id from staging_restricted.stg_judicial__requests")
    assert {r[0] for r in rows} == {q.request_id for q in valid}
    # each quarantined request is named with the rule it broke
    _, rows = warehouse.query("select distinct q.record_key, q.rule from dq.quarantine q "
                              "join dq.validation_runs v using (run_id) where v.suite = 'judicial_requests_raw'")
    assert {r[0] for r in rows} == {q.request_id for _, q in visible} - {q.request_id for q in valid}
    assert all(r[1] for r in rows)


def test_requests_per_unit_and_month_match_the_answer_key(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.judicial.app.registry, srv.judicial.app.clock
    expected = registry.expected(clock, finished_judicial_dossiers(srv, warehouse))["units"]
    cols = ["received", "issued", "issued_on_time", "open", "open_overdue", "waiting_police",
            "waiting_national_centre", "waiting_court"]
    _, rows = warehouse.query(f"select unit_code, month, {', '.join(cols)} from marts.judicial_record_unit_months")
    got = {(r[0], r[1]): dict(zip(cols, r[2:], strict=True)) for r in rows}
    assert got == expected
    totals = Counter()
    for cell in got.values():
        totals.update(cell)
    assert totals["issued"] > totals["issued_on_time"] > 0 and totals["open"] > 0, totals
    assert len({u for u, _ in got}) > 1, "requests received at communes land on them, not all on the province"
    print(f"\njudicial records: {dict(totals)} over {len(got)} unit-months")


def test_the_one_stop_and_the_judicial_system_are_reconciled(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.judicial.app.registry, srv.judicial.app.clock
    expected = registry.expected(clock, finished_judicial_dossiers(srv, warehouse))["links"]
    _, rows = warehouse.query("select dossier_code, request_id, match_status from marts.judicial_record_dossier_links")
    assert set(rows) == expected and len(rows) == len(expected)
    statuses = Counter(s for *_, s in rows)
    assert all(statuses[s] > 0 for s in ("matched", "dossier_only", "extract_only", "direct_request")), statuses
    # the finished dossiers whose extract was never recorded are among the dossier-only rows
    assert registry.unrecorded_dossiers & {d for d, _, s in rows if s == "dossier_only"}
    print(f"\njudicial ↔ one-stop: {dict(statuses)}")


def _since(served, start: float) -> list:
    return [s for s in served if s.at >= start]


def test_every_call_to_a_national_link_is_recorded_as_the_service_answered_it(pipeline_run, warehouse):
    """The services' own logs are the answer key: each request they received is one row, each fault they injected
    is the outcome recorded, and the outage windows they opened are found."""
    _, srv = pipeline_run
    for system, service in (("judicial", srv.judicial.app), ("population", srv.people.app)):
        served = service.injector.served
        _, rows = warehouse.query("select outcome, count(*) from kho.link_calls where system = %s "
                                  "and outcome <> 'breaker_open' group by 1", (system,))
        got = dict(rows)
        recorded = sum(got.values())
        # A client timeout can also fall on a request the service answered late or never read (the loaded CI
        # machine): those few are the only calls allowed to differ from the service's log, and only as timeouts.
        stalls = sum(1 for s in served if s.status == 0 and s.delay >= service.injector.faults.stall_seconds)
        timeouts = got.get("timeout", 0) + got.get("transport", 0)
        unseen, late = recorded - len(served), timeouts - stalls - (recorded - len(served))
        assert unseen >= 0 and late >= 0 and unseen + late <= max(2, len(served) // 200), (system, got, len(served))
        assert got.get("http_5xx", 0) == sum(1 for s in served if s.status >= 500)
        assert got.get("http_429", 0) == sum(1 for s in served if s.status == 429)
        answered = sum(1 for s in served if s.status == 0 and s.delay < service.injector.faults.stall_seconds)
        assert got.get("ok", 0) == answered - late
        assert got.get("timeout", 0) + got.get("http_5xx", 0) > 0, system
        # every outage the service injected is an outage window of the link
        _, windows = warehouse.query("select started_at, ended_at, failed_attempts from marts.national_link_outages "
                                     "where system = %s", (system,))
        assert service.injector.outages, system
        for start, end in service.injector.outages:
            opened = datetime.fromtimestamp(start, timezone.utc)
            closed = datetime.fromtimestamp(end, timezone.utc)
            assert any(s <= closed and e >= opened and n >= 3 for s, e, n in windows), (system, start, windows)
        # the day's row adds up
        _, [(calls, failures, outages)] = warehouse.query(
            "select sum(calls), sum(failures), sum(outage_windows) from marts.national_link_health "
            "where system = %s", (system,))
        _, [(logged, failed)] = warehouse.query(
            "select count(*), count(*) filter (where outcome <> 'ok') from kho.link_calls where system = %s "
            "and outcome <> 'breaker_open'", (system,))
        assert (calls, failures) == (logged, failed) == (recorded, recorded - got.get("ok", 0))
        assert outages >= 1
    _, rows = warehouse.query("select system, sum(calls), sum(failures), sum(outage_windows), max(p95_latency_ms) "
                              "from marts.national_link_health group by 1 order by 1")
    assert {"dvcqg_sync", "judicial", "onestop", "population"} <= {r[0] for r in rows}
    print("\nlink health:", *(f"{r[0]}: {r[1]} calls, {r[2]} failures, {r[3]} outages, p95 {r[4]} ms" for r in rows),
          sep="\n  ")


def test_link_calls_carry_no_personal_data(pipeline_run, warehouse):
    from personal_data import leaks_in_text, raw_personal_data

    ids, names = raw_personal_data(warehouse)
    _, rows = warehouse.query("select system, endpoint, coalesce(breaker_state, ''), run_id from kho.link_calls")
    text = "\n".join(" ".join(r) for r in rows)
    assert rows and not leaks_in_text(text, ids, names)
    assert all("?" not in r[1] for r in rows), "endpoints are paths, never a query string"
