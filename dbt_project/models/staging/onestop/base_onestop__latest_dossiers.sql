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

-- the versions to choose from, narrow: the sort that keeps the latest of each dossier moves keys, not the
-- kilobytes of lists each version carries (sorting whole rows spilled the raw table to disk, ~2.4 GB at 1M
-- dossiers); the rows kept are read afterwards by their key (_batch_id, _row_num)
arrived as (
    select r._batch_id, r._row_num, r.mahoso, r.ngaycapnhat, r._extracted_at, v.validated_at as _validated_at,
        true as is_new
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
    select t._batch_id, t._row_num, t.mahoso, t.ngaycapnhat, t._extracted_at, t._validated_at, false
    from {{ this }} as t
    where t.mahoso in (select a.mahoso from arrived as a)
    {% endif %}
),

-- a version validated again (a rerun of its batch's validation) ties with itself as kept: the new one wins, with
-- its validation time, so the models after it read the dossier again
latest as (
    select distinct on (mahoso) *
    from candidates
    order by mahoso, ngaycapnhat desc, _extracted_at desc, _row_num desc, is_new desc
)

select {% for c in columns %}r.{{ adapter.quote(c) }}, {% endfor %}l._validated_at
from latest as l
inner join {{ raw }} as r on r._batch_id = l._batch_id and r._row_num = l._row_num
where l.is_new
{% if is_incremental() %}
union all
select {% for c in columns %}t.{{ adapter.quote(c) }}, {% endfor %}t._validated_at
from latest as l
inner join {{ this }} as t on t.mahoso = l.mahoso
where not l.is_new
{% endif %}
