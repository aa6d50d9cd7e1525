"""The judicial-record connector against its sandbox: every request read once through the link's faults, every
attempt recorded as the service answered it, and crafted requests breaking exactly the rules they should."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import httpx
import pytest
from registry_truth import check_crafted

from connectors.judicial.client import JudicialClient
from kho.core.link_calls import LinkLog, outcome_of
from kho.core.windows import Window
from sandbox.judicial.generator import JudicialRegistry, _dirty
from sandbox.judicial.server import Faults, JudicialServer, JudicialService
from sandbox.onestop.generator import Dossiers, SandboxConfig


@pytest.fixture(scope="module")
def registry() -> JudicialRegistry:
    return JudicialRegistry(Dossiers(SandboxConfig(dossiers=4000)))


def test_every_request_is_read_once_through_the_faults_and_every_attempt_recorded(registry):
    faults = Faults(latency_ms=(0, 2), outage_after=3, outage_seconds=0.5, error_share=0.1, throttle_share=0.03,
                    stall_share=0.05, stall_seconds=0.5, rate_limit_per_second=100_000)
    app = JudicialService(registry, faults=faults)
    links = LinkLog("judicial", "test")
    with JudicialServer(app) as srv, JudicialClient(srv.url, "sandbox-token", page_size=9, timeout=0.25,
                                                    max_attempts=8, backoff_seconds=0.05, links=links) as client:
        window = Window(datetime(2025, 7, 1), datetime(2027, 1, 1))
        rows = [r for page in client.iter_pages(window) for r in page]
    ids = [r["MaYeuCau"] for r in rows]
    assert len(ids) == len(set(ids)) == len(registry.visible(app.clock)) > 100
    calls = links.drain()
    served = app.injector.served
    assert len(calls) == len(served)
    got = Counter(c.outcome for c in calls)
    assert got["http_5xx"] == sum(1 for s in served if s.status >= 500) > 0
    assert got["http_429"] == sum(1 for s in served if s.status == 429)
    assert got["timeout"] == sum(1 for s in served if s.status == 0 and s.delay >= 0.5) > 0
    assert got["ok"] == len(served) - got["http_5xx"] - got["http_429"] - got["timeout"]
    # the attempt numbers: a call that failed is followed by its retry, numbered on from it
    assert max(c.attempt for c in calls) >= 3  # the outage took several attempts of one call
    for before, after in zip(calls, calls[1:], strict=False):
        if after.attempt > 1:
            assert before.outcome != "ok" and after.attempt == before.attempt + 1
    assert all(c.endpoint == "/api/v1/lltp/yeu-cau" and c.system == "judicial" for c in calls)


def test_outcome_classes():
    req = httpx.Request("GET", "http://x/")

    def status(code: int) -> httpx.HTTPStatusError:
        return httpx.HTTPStatusError("x", request=req, response=httpx.Response(code, request=req))

    assert outcome_of(None, 200) == "ok"
    assert outcome_of(httpx.ReadTimeout("x", request=req)) == "timeout"
    assert outcome_of(httpx.ConnectError("x", request=req)) == "transport"
    assert [outcome_of(status(c)) for c in (500, 503, 429, 401, 403, 404)] == [
        "http_5xx", "http_5xx", "http_429", "auth", "auth", "http_4xx"]
    assert outcome_of(ValueError("not json"), 200) == "protocol"

    class CircuitBreakerError(Exception):
        pass

    assert outcome_of(CircuitBreakerError()) == "breaker_open"


@pytest.mark.integration
def test_crafted_requests_break_exactly_their_rules(fresh_schema, settings, registry):
    clock = registry.dossiers.default_clock
    base = next(q.render(clock) for q in registry.requests
                if q.defect is None and q.issued < clock and len(q.checks) >= 2)
    cases = {"ok": (lambda r: None, set())}
    for defect, rule in (("issued_before_received", "issued_not_before_received"),
                         ("unknown_unit", "unit_code_known"), ("bad_citizen_id", "citizen_id_structure"),
                         ("answer_before_sent", "check_answered_after_sent"),
                         ("missing_received", "received_date_required"), ("unknown_agency", "check_agency_known")):
        cases[defect] = ((lambda r, d=defect: _dirty(r, d)), {rule})
    cases["bad_type"] = ((lambda r: r.update(LoaiPhieu="3")), {"extract_type_code_list"})
    cases["issued_no_date"] = ((lambda r: r.update(NgayCap=None)), {"issued_has_date"})
    cases["bad_due"] = ((lambda r: r.update(NgayHenTra="2026-03-01")), {"due_date_format"})
    check_crafted(fresh_schema, settings, "judicial", "MaYeuCau", base, cases, {"check_agency_known"})
