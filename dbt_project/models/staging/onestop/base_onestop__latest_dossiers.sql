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
{% set raw = source('onestop', 'dossiers') %}
{% set columns = adapter.get_columns_in_relation(raw) | map(attribute='name') | list if execute else [] %}
with validated_batches as (
    select batch_id, max(finished_at) as validated_at
    from {{ source('dq', 'validation_runs') }}
    group by batch_id
    {% if is_incremental() %}
    having max(finished_at) > (select coalesce(max(t._validated_at), '-infinity'::timestamptz) from {{ this }} as t)
    {% endif %}
),

arrived as (
    select {% for c in columns %}r.{{ adapter.quote(c) }}, {% endfor %}v.validated_at as _validated_at
    from {{ raw }} as r
    inner join validated_batches as v on v.batch_id = r._batch_id
    where not exists (
        select 1 from {{ source('dq', 'quarantine') }} as q
        where q.batch_id = r._batch_id and q.row_num = r._row_num
    )
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
