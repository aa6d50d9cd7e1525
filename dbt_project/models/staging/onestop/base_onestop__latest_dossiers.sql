{{ config(
    materialized="incremental",
    schema="staging_restricted",
    unique_key="mahoso",
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    indexes=[{"columns": ["mahoso"], "unique": True}],
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ ensure_index(['_validated_at']) }}", "{{ record_model_build() }}"],
) }}
-- The latest validated version of every one-stop dossier, every field as received: rows of batches not yet
-- validated and rows in quarantine are left out, then one row per MaHoSo is kept (latest NgayCapNhat, then latest
-- extraction). It lives in staging_restricted (dbt-built, restricted like raw: it still holds names and IDs;
-- no reader role is granted it); the staging views read it.
-- Incremental, like dlt's merge: a run takes the batches validated since the last one, puts their rows next to
-- the kept version of the same dossiers and keeps the latest, so a re-extracted older version never wins.
-- An incremental run reads the batches validated since when it compiles, and writes them into its SQL as literals:
-- PostgreSQL then knows from the column's statistics how few of the raw rows they hold and reads them through the
-- raw table's key, where a join to them was planned as a scan of every raw row (1.8 s of 2.6 at a million). Not
-- when the project changed: the pre-hook then empties the table after the model compiled, and the run must read
-- every batch, as the query finds once the table is empty.
{% set raw = source('onestop', 'dossiers') %}
{% set columns = adapter.get_columns_in_relation(raw) | map(attribute='name') | list if execute else [] %}
{% set validated_batches_sql %}
    select batch_id, max(finished_at) as validated_at
    from {{ source('dq', 'validation_runs') }}
    group by batch_id
    {% if is_incremental() %}
    having max(finished_at) > (select coalesce(max(t._validated_at), '-infinity'::timestamptz) from {{ this }} as t)
    {% endif %}
{% endset %}
{% set new_batches = run_query("select b.batch_id, b.validated_at::text from (" ~ validated_batches_sql ~ ") as b")
                     if execute and is_incremental() and not kho_project_changed() else none %}
with validated_batches as (
    {% if new_batches is none -%}
    {{ validated_batches_sql }}
    {%- elif new_batches.rows | length == 0 -%}
    select null::text as batch_id, null::timestamptz as validated_at where false
    {%- else -%}
    select batch_id, validated_at::timestamptz as validated_at from (values
        {% for row in new_batches.rows -%}
        ({{ dbt.string_literal(row[0]) }}, {{ dbt.string_literal(row[1]) }}){{ "," if not loop.last }}
        {% endfor -%}
    ) as b (batch_id, validated_at)
    {%- endif %}
),

arrived as (
    select {% for c in columns %}r.{{ adapter.quote(c) }}, {% endfor %}v.validated_at as _validated_at
    from {{ raw }} as r
    inner join validated_batches as v on v.batch_id = r._batch_id
    {% if new_batches is none -%}
    where not exists (
        select 1 from {{ source('dq', 'quarantine') }} as q
        where q.batch_id = r._batch_id and q.row_num = r._row_num
    )
    {%- else -%}
    {%- set batch_list -%}
        {% for row in new_batches.rows %}{{ dbt.string_literal(row[0]) }}, {% endfor %}null
    {%- endset %}
    where r._batch_id in ({{ batch_list }})
        -- the new batches' quarantined rows, hashed once (keys never null: NOT IN is NOT EXISTS here); a nested
        -- anti-join planned from statistics taken before the batch existed probed them all for every row
        and (r._batch_id, r._row_num) not in (
            select q.batch_id, q.row_num from {{ source('dq', 'quarantine') }} as q
            where q.batch_id in ({{ batch_list }})
        )
    {%- endif %}
),

candidates as (
    select * from arrived
    {% if is_incremental() %}
    union all
    select {% for c in columns %}t.{{ adapter.quote(c) }}, {% endfor %}t._validated_at
    from {{ this }} as t
    where t.mahoso in (select a.mahoso from arrived as a)
    {% endif %}
)

select distinct on (mahoso) *
from candidates
order by mahoso, ngaycapnhat desc, _extracted_at desc, _row_num desc
