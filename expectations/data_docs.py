"""GX Data Docs for the engineers: every suite's expectations and its latest validation results, as GX renders
them, built into ``KHO_HOME/gx_docs``. Results come from ``dq.validation_runs.gx_result`` (scrubbed of row values
when stored), so the docs show verdicts and counts, never the values of a record."""

from __future__ import annotations

import logging
from pathlib import Path

from expectations.validation import ephemeral_context, gx_suite
from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)
SITE = "kho"


def build_data_docs(wh: Warehouse, settings: KhoSettings, runs_per_suite: int = 5) -> Path:
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from expectations.registry import all_suites

    out = settings.gx_docs_dir
    out.mkdir(parents=True, exist_ok=True)
    ctx = ephemeral_context()
    ctx.add_data_docs_site(SITE, {"class_name": "SiteBuilder",
                                  "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                                    "base_directory": str(out)},
                                  "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    suites = all_suites()
    for suite in suites:
        ctx.suites.add(gx_suite(suite))
    _, rows = wh.query(
        "select suite, batch_id, finished_at, gx_result from (select *, row_number() over (partition by suite "
        "order by finished_at desc) as n from dq.validation_runs where gx_result is not null) as r "
        "where n <= %s order by suite, finished_at", (runs_per_suite,))
    schema = ExpectationSuiteValidationResultSchema()
    for suite_name, batch_id, finished_at, doc in rows:
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(suite_name),
                                         RunIdentifier(run_name=batch_id, run_time=finished_at), batch_id)
        ctx.validation_results_store.set(key, schema.load(doc))
    ctx.build_data_docs(site_names=[SITE])
    index = out / "index.html"
    log.info("GX Data Docs: %d suites, %d validation results in %s", len(suites), len(rows), index)
    return index
