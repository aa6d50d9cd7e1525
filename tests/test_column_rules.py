"""The generic test every model's column rules are folded into (dbt_project/tests/generic/column_rules.sql), run by
dbt on real PostgreSQL over rows written here with known breaks: each rule breaks where dbt's built-in test of the
same name failed and counts the rows breaking it (repeated values for the uniqueness rules, as dbt's unique counts;
dbt's accepted_values counted distinct values), nulls pass every rule but not_null, a `where` config scopes its
rules, a warning does not fail the build, and Kho's error names each broken rule with its count."""

from __future__ import annotations

import os
import shutil
import textwrap

import pytest

from kho.dbt import DBT_PROJECT, broken_rules

pytestmark = pytest.mark.integration

# id: one repeated (2), one null; kind in (x, y): two rows of z, one null; share in [0, 1]: 1.5 and -0.1 break, 0 and 1
# do not; (grp_a, grp_b): (1, 'p') twice; code: null on one row of kind x (the scoped test) and one of kind y
ROWS = """
    (1, 'x', 0.0, 1, 'p', 'c1'),
    (2, 'x', 1.0, 1, 'p', 'c2'),
    (2, 'y', 0.5, 2, 'p', null),
    (null, 'z', 1.5, 3, 'p', 'c4'),
    (5, null, -0.1, 4, 'q', null),
    (6, 'x', null, 5, 'q', null),
    (7, 'z', 0.2, 6, 'q', 'c7')
"""

SCHEMA_YML = """
version: 2
models:
  - name: probe
    data_tests:
      - column_rules:
          name: probe_rules
          arguments:
            not_null: [id]
            unique: [id]
            unique_together: [[grp_a, grp_b]]
            accepted_values:
              kind: [x, y]
            in_range:
              share: [0, 1]
      - column_rules:
          name: probe_rules_of_kind_x
          arguments:
            not_null: [code]
          config: {where: "kind = 'x'"}
      - column_rules:
          name: probe_warnings
          arguments:
            not_null: [kind]
          config: {severity: warn}
      - column_rules:
          name: probe_rules_that_hold
          arguments:
            not_null: [grp_a, grp_b]
            unique: [share]
            accepted_values:
              grp_b: [p, q]
"""


def test_column_rules_count_each_broken_rule_and_name_it(tmp_path, warehouse, monkeypatch):
    from dbt.cli.main import dbtRunner

    schema = f"rules_probe_{os.getpid()}"
    project = tmp_path / "probe"
    (project / "models").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    shutil.copy(DBT_PROJECT / "tests" / "generic" / "column_rules.sql", project / "tests" / "generic")
    (project / "dbt_project.yml").write_text(textwrap.dedent(f"""
        name: probe
        version: "1.0"
        config-version: 2
        profile: kho
        models:
          probe:
            +materialized: table
            +schema: {schema}
        """))
    (project / "models" / "probe.sql").write_text(
        f"select * from (values {ROWS}) as t (id, kind, share, grp_a, grp_b, code)")
    (project / "models" / "probe.yml").write_text(SCHEMA_YML)
    for k, v in warehouse.dbt_env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    try:
        res = dbtRunner().invoke(["build", "--project-dir", str(project), "--profiles-dir", str(DBT_PROJECT),
                                  "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
                                  "--quiet"])
        assert not res.success
        by_name = {r.node.name: r for r in res.result if r.node.resource_type == "test"}
        assert {n: str(r.status) for n, r in by_name.items()} == {
            "probe_rules": "fail", "probe_rules_of_kind_x": "fail", "probe_warnings": "warn",
            "probe_rules_that_hold": "pass"}
        # rows for not_null, accepted_values (both z rows) and the range; repeated values for unique (the repeated
        # id 2; the null id is not a value, the null share neither) and repeated combinations for the composite key
        assert by_name["probe_rules"].failures == 1 + 1 + 1 + 2 + 2
        assert by_name["probe_rules_of_kind_x"].failures == 1  # the kind-y row without a code is out of its scope
        assert by_name["probe_warnings"].failures == 1
        # Kho's error names each rule, its column(s) and its count (the failed test's query run again)
        assert broken_rules(by_name["probe_rules"].node, warehouse) == (
            " [accepted_values(kind): 2 rows; in_range(share): 2 rows; not_null(id): 1 rows;"
            " unique(id): 1 repeated values; unique_together(grp_a, grp_b): 1 repeated values]")
        assert broken_rules(by_name["probe_rules_that_hold"].node, warehouse) == ""
    finally:
        with warehouse.connect() as conn:
            conn.execute(f"drop schema if exists analytics_{schema} cascade")
