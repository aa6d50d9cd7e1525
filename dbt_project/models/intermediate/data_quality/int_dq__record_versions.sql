{{ config(
    materialized="incremental",
    unique_key=["suite", "record_id"],
    incremental_strategy="delete+insert",
    on_schema_change="append_new_columns",
    indexes=[{"columns": ["unit_code", "period_month"]}, {"columns": ["batch_id", "row_num"]}],
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ ensure_index(['suite', 'record_id']) }}", "{{ ensure_index(['unit_code', 'period_month']) }}",
               "{{ ensure_index(['batch_id', 'row_num']) }}",
               "{{ record_model_build(validated_through='(select max(validated_at) from ' ~ this ~ ')') }}"],
) }}
-- Every record a validation suite has seen, in its latest version: the unit of a data-quality report. A record is
-- its key within its suite (MaHoSo, message id, commune/type/book/number); a row with no key is a record of its own.
-- The latest version is the one from the latest extraction, so a record corrected at the source stops counting
-- against its unit. The unit is resolved to today's unit (the 2025 reform re-coded communes; documents name an
-- agency, placed at the unit it serves); the period is the month of the record's business date, else of its
-- extraction.
-- Incremental (delete+insert on suite and record id): a run recomputes the records with a version validated after
-- the newest version the table holds (all their versions are read again, through dq.checked_records' index on the
-- key), and the documents whose agency now stands for another unit (int_documents__agency_units is drawn from the
-- dossiers, so a new month of dossiers can move an agency). A changed project rebuilds it in full.
-- depends_on: {{ source('dq', 'validation_runs') }}, {{ source('dq', 'checked_records') }}
with
{% if is_incremental() %}
new_runs as (
    select run_id from {{ source('dq', 'validation_runs') }}
    where finished_at > (select coalesce(max(t.validated_at), '-infinity'::timestamptz) from {{ this }} as t)
),

moved as (  -- documents whose latest version names an agency that now stands for another unit
    select t.record_key, t.batch_id, t.is_keyless
    from {{ this }} as t
    left join {{ ref('int_documents__agency_units') }} as a on a.agency_code = t.named_unit_code
    where t.source = 'documents' and t.unit_code is distinct from coalesce(a.unit_code, '?')
),

changed_keys as (
    select c.record_key from {{ source('dq', 'checked_records') }} as c
    where c.run_id in (select n.run_id from new_runs as n) and c.record_key is not null
    union
    select m.record_key from moved as m where not m.is_keyless
),

keyless_batches as (  -- a keyless record is a row of a batch: its versions are the batch's validation runs
    select v.batch_id from {{ source('dq', 'validation_runs') }} as v
    where v.run_id in (select n.run_id from new_runs as n)
    union
    select m.batch_id from moved as m where m.is_keyless
),

in_scope as (
    select s.* from {{ ref('stg_dq__checked_records') }} as s
    where s.record_key in (select k.record_key from changed_keys as k)
        or (s.record_key is null and s.batch_id in (select b.batch_id from keyless_batches as b))
),
{% endif %}

versions as (
    select
        *,
        record_key is null as is_keyless,
        coalesce(record_key, batch_id || '#' || row_num) as record_id
    from {% if is_incremental() %}in_scope{% else %}{{ ref('stg_dq__checked_records') }}{% endif %}
),

ranked as (
    select
        *,
        row_number() over (partition by suite, record_id order by extracted_at desc, batch_id desc, row_num desc)
            as version_rank,
        count(*) over (partition by suite, record_id) as version_count,
        min(extracted_at) over (partition by suite, record_id) as first_extracted_at
    from versions
),

latest as (
    select * from ranked where version_rank = 1
)

select
    l.source,
    l.stream,
    l.suite,
    l.record_id,
    l.record_key,
    l.is_keyless,
    l.batch_id,
    l.row_num,
    l.run_id,
    l.named_unit_code,
    coalesce(case when l.source = 'documents' then a.unit_code else r.unit_code end, '?') as unit_code,
    l.record_date,
    date_trunc('month', coalesce(l.record_date, l.extracted_at::date))::date as period_month,
    l.extracted_at,
    l.validated_at,
    l.first_extracted_at,
    l.version_count
from latest as l
left join {{ ref('int_unit_codes__resolved') }} as r
    on l.source <> 'documents'
    and r.source_unit_code = l.named_unit_code
    and r.era = case when l.record_date < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
left join {{ ref('int_documents__agency_units') }} as a
    on l.source = 'documents' and a.agency_code = l.named_unit_code
