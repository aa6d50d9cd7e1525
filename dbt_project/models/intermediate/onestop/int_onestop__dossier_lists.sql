{{ config(materialized="table") }}
-- What the list fields of each dossier add up to, one row per dossier that has any list item: staging keeps one
-- row per element (components, fees, supplements, results, database links); the per-dossier facts the marts and
-- Decision 766 count are aggregated here, once.
with components as (
    select dossier_code,
        bool_or(is_digitized) as has_component_marked_digitized,
        bool_or(is_digitized and has_file and not is_deleted) as has_digitized_component,
        bool_or(is_from_dvcqg_store and not is_deleted) as uses_dvcqg_store
    from {{ ref('stg_onestop__components') }}
    group by dossier_code
),

fees as (
    select dossier_code, count(*) as fee_items, bool_or(amount_vnd > 0) as has_fee,
        bool_and(coalesce(amount_vnd, 0) = 0) as all_fees_zero, sum(amount_vnd) as fee_amount_vnd
    from {{ ref('stg_onestop__fees') }}
    group by dossier_code
),

supplements as (
    select dossier_code, count(*)::int as supplement_requests  -- an int, as json_array_length counted it
    from {{ ref('stg_onestop__supplement_requests') }}
    group by dossier_code
),

results as (
    select dossier_code, count(*) as result_documents, bool_or(result_file_url is not null) as has_result_link
    from {{ ref('stg_onestop__result_documents') }}
    group by dossier_code
),

links as (
    select dossier_code,
        bool_or(database_code in ({% for c in var('population_db_codes') %}'{{ c }}'{{ "," if not loop.last }}{% endfor %}))
            as uses_population_db
    from {{ ref('stg_onestop__database_links') }}
    group by dossier_code
),

dossiers as (
    select dossier_code from components
    union select dossier_code from fees
    union select dossier_code from supplements
    union select dossier_code from results
    union select dossier_code from links
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
    coalesce(l.uses_population_db, false) as uses_population_db
from dossiers as d
left join components as c on c.dossier_code = d.dossier_code
left join fees as f on f.dossier_code = d.dossier_code
left join supplements as s on s.dossier_code = d.dossier_code
left join results as r on r.dossier_code = d.dossier_code
left join links as l on l.dossier_code = d.dossier_code
