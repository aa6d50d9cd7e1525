{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="sync_all_columns",
    meta={"dq_by_unit_month": true},
    indexes=[{"columns": ["unit_code", "period_month"]}],
    pre_hook=["{{ rebuild_if_project_changed() }}", "{{ dq_unit_months_to_rebuild() }}"],
    post_hook=["{{ dq_unit_months_rebuilt() }}", "{{ record_model_build() }}"],
) }}
-- The rules each record broke in its latest version: errors (the row is quarantined) and warnings (recorded only).
-- Built by difference per unit and month (macro file dq_by_unit_month): a build rewrites the (unit, month) groups
-- whose records changed since it was last built.
-- depends_on: {{ ref('base_onestop__latest_dossiers') }} (record_model_build)
select
    v.source,
    v.stream,
    v.suite,
    v.record_id,
    v.record_key,
    v.unit_code,
    v.period_month,
    v.record_date,
    f.rule,
    f.severity
from {{ ref('int_dq__record_versions') }} as v
inner join {{ ref('stg_dq__rule_failures') }} as f on f.batch_id = v.batch_id and f.row_num = v.row_num and f.run_id = v.run_id
{{ dq_unit_months_in_scope('v') }}
