{{ config(
    materialized="incremental",
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ ensure_index(['dossier_code'], unique=true) }}", "{{ ensure_index(['validated_at']) }}", "{{ record_model_build() }}"],
) }}
-- What the list fields of each dossier add up to, one row per dossier (a dossier without list items has false and
-- zero): staging keeps one row per element (components, fees, supplements, results, database links); the
-- per-dossier facts the marts and Decision 766 count are aggregated here, once. Incremental (macro file
-- onestop_incremental): a run aggregates only the dossiers validated since the last, every row of their lists.
with scope as (
    {{ onestop_changed_dossier_codes() }}
),

components as (
    select dossier_code,
        bool_or(is_digitized) as has_component_marked_digitized,
        bool_or(is_digitized and has_file and not is_deleted) as has_digitized_component,
        bool_or(is_from_dvcqg_store and not is_deleted) as uses_dvcqg_store
    from {{ ref('stg_onestop__components') }}
    {{ onestop_in_scope() }}
    group by dossier_code
),

fees as (
    select dossier_code, count(*) as fee_items, bool_or(amount_vnd > 0) as has_fee,
        bool_and(coalesce(amount_vnd, 0) = 0) as all_fees_zero, sum(amount_vnd) as fee_amount_vnd
    from {{ ref('stg_onestop__fees') }}
    {{ onestop_in_scope() }}
    group by dossier_code
),

supplements as (
    select dossier_code, count(*)::int as supplement_requests  -- an int, as json_array_length counted it
    from {{ ref('stg_onestop__supplement_requests') }}
    {{ onestop_in_scope() }}
    group by dossier_code
),

results as (
    select dossier_code, count(*) as result_documents, bool_or(result_file_url is not null) as has_result_link
    from {{ ref('stg_onestop__result_documents') }}
    {{ onestop_in_scope() }}
    group by dossier_code
),

links as (
    select dossier_code,
        bool_or(database_code in ({% for c in var('population_db_codes') %}'{{ c }}'{{ "," if not loop.last }}{% endfor %}))
            as uses_population_db
    from {{ ref('stg_onestop__database_links') }}
    {{ onestop_in_scope() }}
    group by dossier_code
)

select
    d.dossier_code,
    coalesce(c.has_component_marked_digitized, false) as has_component_marked_digitized,
    coalesce(c.has_digitized_component, false) as has_digitized_component,
    coalesce(c.uses_dvcqg_store, false) as uses_dvcqg_store,
    coalesce(f.fee_items, 0) as fee_items,
    coalesce(f.has_fee, false) as has_fee,
    coalesce(f.all_fees_zero, false) as all_fees_zero,
    f.fee_amount_vnd,
    coalesce(s.supplement_requests, 0) as supplement_requests,
    coalesce(r.result_documents, 0) > 0 as has_electronic_result,
    coalesce(r.has_result_link, false) as has_result_link,
    coalesce(l.uses_population_db, false) as uses_population_db,
    d.validated_at
from scope as d
left join components as c on c.dossier_code = d.dossier_code
left join fees as f on f.dossier_code = d.dossier_code
left join supplements as s on s.dossier_code = d.dossier_code
left join results as r on r.dossier_code = d.dossier_code
left join links as l on l.dossier_code = d.dossier_code
