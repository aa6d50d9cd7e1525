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
-- per-dossier facts the marts and Decision 766 count are aggregated here, once. Each list is summed up while its
-- dossier is read (onestop_list_elements: the same typed columns as its staging view), so nothing is joined back
-- or sorted. Incremental (macro file onestop_incremental): a run aggregates only the dossiers validated since the
-- last, every element of their lists.
select
    d.mahoso as dossier_code,
    coalesce(c.has_component_marked_digitized, false) as has_component_marked_digitized,
    coalesce(c.has_digitized_component, false) as has_digitized_component,
    coalesce(c.uses_dvcqg_store, false) as uses_dvcqg_store,
    f.fee_items,
    coalesce(f.has_fee, false) as has_fee,
    coalesce(f.all_fees_zero, false) as all_fees_zero,
    f.fee_amount_vnd,
    s.supplement_requests,
    r.result_documents > 0 as has_electronic_result,
    coalesce(r.has_result_link, false) as has_result_link,
    coalesce(l.uses_population_db, false) as uses_population_db,
    d._validated_at as validated_at
from {{ ref('base_onestop__latest_dossiers') }} as d
cross join lateral (
    select
        bool_or(is_digitized) as has_component_marked_digitized,
        bool_or(is_digitized and has_file and not is_deleted) as has_digitized_component,
        bool_or(is_from_dvcqg_store and not is_deleted) as uses_dvcqg_store
    from {{ onestop_list_elements('d', 'components') }}
) as c
cross join lateral (
    select count(*) as fee_items, bool_or(amount_vnd > 0) as has_fee,
        bool_and(coalesce(amount_vnd, 0) = 0) and count(*) > 0 as all_fees_zero, sum(amount_vnd) as fee_amount_vnd
    from {{ onestop_list_elements('d', 'fees') }}
) as f
cross join lateral (
    select count(*)::int as supplement_requests  -- an int, as json_array_length counted it
    from {{ onestop_list_elements('d', 'supplement_requests') }}
) as s
cross join lateral (
    select count(*) as result_documents, bool_or(result_file_url is not null) as has_result_link
    from {{ onestop_list_elements('d', 'result_documents') }}
) as r
cross join lateral (
    select bool_or(database_code in ({% for c in var('population_db_codes') %}'{{ c }}'{{ "," if not loop.last }}{% endfor %}))
        as uses_population_db
    from {{ onestop_list_elements('d', 'database_links') }}
) as l
{% if is_incremental() %}where {{ onestop_validated_since_build('d._validated_at') }}{% endif %}
