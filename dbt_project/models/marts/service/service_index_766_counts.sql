{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true},
    unique_key="cell_key",
    incremental_strategy="delete+insert",
    on_schema_change="append_new_columns",
    pre_hook=["{{ rebuild_if_project_changed() }}", "{{ index_766_recount() }}"],
    post_hook=["delete from {{ this }} where dossiers = 0", "{{ ensure_index(['cell_key'], unique=true) }}",
               "{{ record_model_build() }}"],
) }}
-- The additive counts behind the Decision 766 indicators: one row per cell, a period (type, start) x competent unit
-- x receiving unit (with their provinces) x procedure, holding the number of dossiers and, for every indicator
-- counted over dossiers, how many of them are in its numerator and its denominator (avg_processing_days_num: their
-- working days), as service_index_766_dossiers flags them. service_index_766_indicators rolls the cells up to units
-- and the province; distinct-procedure indicators count the cells' procedures with a flagged dossier.
-- Kept by difference (macro file index_766_counts): a run adds to each cell what the dossiers counted again
-- contribute now and subtracts what they contributed when last counted; a full build counts every dossier.
-- depends_on: {{ ref('service_index_766_dossiers') }}, {{ ref('fct_dossiers') }}, {{ ref('fct_dossier_periods') }}
-- depends_on: {{ ref('int_onestop__dossier_milestones') }}, {{ ref('int_feedback__dossier_signals') }}
-- depends_on: {{ ref('stg_onestop__dossiers') }} (index_766_recount_codes)
-- depends_on: {{ ref('int_units__departments') }} (kho_build_fingerprint)
-- depends_on: {{ ref('stg_catalogue__procedures') }} (kho_build_fingerprint)
{%- set full = kho_full_build() %}
{%- set cells = index_766_cell_columns() %}
{%- set counts = index_766_count_columns() %}
with delta as (
    select
        concat_ws('|', {% for c in cells %}coalesce({{ c }}::text, ''){{ ", " if not loop.last }}{% endfor %})
            as cell_key,
        {{ cells | join(", ") }},
        sum(sign) as dossiers
        {%- for column, total in counts %},
        coalesce({{ total }}, 0) as {{ column }}
        {%- endfor %}
    {% if full -%}
    from (select 1 as sign, * from {{ index_766_ledger() }}) as l
    {%- else -%}
    from index_766_delta
    {%- endif %}
    group by {{ cells | join(", ") }}
)

{% if full -%}
select * from delta
{%- else -%}
select
    d.cell_key,
    {% for c in cells %}d.{{ c }},{% endfor %}
    coalesce(t.dossiers, 0) + d.dossiers as dossiers
    {%- for column, total in counts %},
    coalesce(t.{{ column }}, 0) + d.{{ column }} as {{ column }}
    {%- endfor %}
from delta as d
left join {{ this }} as t on t.cell_key = d.cell_key
{%- endif %}
