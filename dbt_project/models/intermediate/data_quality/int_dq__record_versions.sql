{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true},
    unique_key=["suite", "record_id"],
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    indexes=[{"columns": ["unit_code", "period_month"]}],
    pre_hook=["{{ rebuild_if_project_changed() }}", "{{ dq_runs_to_read() }}", "{{ dq_touched_records() }}"],
    post_hook=["{{ ensure_index(['suite', 'record_id'], unique=true) }}", "{{ dq_runs_read() }}",
               "{{ dq_unit_months_changed() }}", "{{ record_model_build() }}"],
) }}
-- Every record a validation suite has seen, in its latest version: the unit of a data-quality report. A record is
-- its key within its suite (MaHoSo, message id, commune/type/book/number); a row with no key is a record of its own.
-- The latest version is the one from the latest extraction, so a record corrected at the source stops counting
-- against its unit. The unit is resolved to today's unit (the 2025 reform re-coded communes; documents name an
-- agency, placed at the unit it serves; a one-stop dossier sent with the province's code and received under the
-- agency identifier of a department of the province's register is that department's, as in fct_dossiers); the
-- period is the month of the record's business date, else of its extraction. The rules the version broke come with
-- it (failed_rules, and failed_severities in the same order; null when it broke none): int_dq__record_failures
-- unnests them.
-- Incremental by validation run (macro file dq_incremental): a build recomputes the records the runs it has not read
-- yet touch, over all their versions, and the documents whose agency now resolves to another unit (an agency is
-- placed at the unit it receives most dossiers for, which new dossiers can change): dq_touched, pinned by a
-- pre-hook, which also writes the (unit, month) groups those records leave and join for the models that aggregate
-- them by difference (macro file dq_by_unit_month). One row per (suite, record_id): its unique index holds it.
-- depends_on: {{ ref('stg_catalogue__procedures') }} (kho_build_fingerprint)
-- depends_on: {{ ref('base_onestop__latest_dossiers') }} (record_model_build: without the project it was built from
-- recorded, every run would count as a changed project and rebuild it in full)
{% set full = kho_full_build() %}
with versions as (
    select
        *,
        record_key is null as is_keyless,
        coalesce(record_key, batch_id || '#' || row_num) as record_id
    from {{ ref('stg_dq__checked_records') }}
    -- by the record alone: a key another suite shares is recomputed too, which changes nothing
    {% if not full -%}
    where coalesce(record_key, batch_id || '#' || row_num) in (select t.record_id from dq_touched as t)
    {%- endif %}
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
),

failures as (  -- the rules each latest version broke, rule by rule with their severities
    select
        f.batch_id,
        f.row_num,
        f.run_id,
        array_agg(f.rule order by f.rule) as failed_rules,
        array_agg(f.severity order by f.rule) as failed_severities
    from {{ ref('stg_dq__rule_failures') }} as f
    {% if not full -%}
    where (f.batch_id, f.row_num) in (select l.batch_id, l.row_num from latest as l)
    {%- endif %}
    group by 1, 2, 3
),

department_agencies as (
    select agency_code, unit_code, province_code from {{ ref('int_units__departments') }} where receives_under_agency
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
    coalesce(case
        when l.source = 'documents' then a.unit_code
        when d.province_code = r.unit_code then d.unit_code
        else r.unit_code
    end, '?') as unit_code,
    l.record_date,
    date_trunc('month', coalesce(l.record_date, l.extracted_at::date))::date as period_month,
    l.extracted_at,
    l.first_extracted_at,
    l.version_count,
    fr.failed_rules,
    fr.failed_severities
from latest as l
left join failures as fr on fr.batch_id = l.batch_id and fr.row_num = l.row_num and fr.run_id = l.run_id
left join {{ ref('int_unit_codes__resolved') }} as r
    on l.source <> 'documents'
    and r.source_unit_code = l.named_unit_code
    and r.era = case when l.record_date < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
left join {{ ref('int_documents__agency_units') }} as a
    on l.source = 'documents' and a.agency_code = l.named_unit_code
left join department_agencies as d
    on l.source = 'onestop' and d.agency_code = split_part(l.record_key, '-', 1)
