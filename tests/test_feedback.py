"""Citizens' feedback (PAKN) and dossier ratings end to end on the shared pipeline run: every item and rating the
feedback system lists is loaded or quarantined under the rule the sandbox planted, staging keeps the latest version
of each with the sender as pseudonyms only."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_feedback_and_ratings_are_accounted_for_and_senders_pseudonymized(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.feedback.app.registry, srv.feedback.app.clock
    items, ratings = registry.visible(clock), registry.visible_ratings(clock)
    _, rows = warehouse.query(
        "select b.stream, sum(b.rows_extracted), sum(v.rows_passed), sum(v.rows_quarantined) from kho.batches b "
        "join dq.validation_runs v using (batch_id) where b.source = 'feedback' group by 1")
    counts = {r[0]: r[1:] for r in rows}
    refused = registry.refused(clock)
    assert counts["items"][0] == len(items) > 50 and counts["ratings"][0] == len(ratings) > 200
    for extracted, passed, quarantined in counts.values():
        assert extracted == passed + quarantined
    _, rows = warehouse.query("select q.record_key, q.rule from dq.quarantine q join kho.batches b using (batch_id) "
                              "where b.source = 'feedback'")
    assert dict(rows) == refused and refused
    # staging: the latest version of every kept item, its outcome as of the clock, the sender as pseudonyms
    expected = registry.expected(clock)
    _, rows = warehouse.query("select feedback_id, outcome, sender_name_pseudonym, sender_phone_pseudonym "
                              "from staging.stg_feedback__items")
    assert {r[0]: r[1] for r in rows} == {k: v["outcome"] for k, v in expected.items()}
    assert all(r[2] and r[2].split(":")[0].isdigit() and len(r[2]) > 60 for r in rows)
    names = {i.sender[0] for _, i in items} | {i.sender[1] for _, i in items}
    _, cols = warehouse.query("select * from staging.stg_feedback__items")
    assert not names & {str(v) for row in cols for v in row}
    _, [(kept, dissatisfied)] = warehouse.query(
        "select count(*), count(*) filter (where is_dissatisfied) from staging.stg_feedback__ratings")
    assert kept == len(ratings) - sum(k.startswith("DG-") for k in refused)
    assert dissatisfied == sum(g.level == 3 for _, g in ratings if g.rating_id not in refused) > 0
