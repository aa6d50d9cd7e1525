{# What the registry sources share (judicial records, land registration). #}

{# The latest validated version of every record of a raw registry table: rows of batches not yet validated and
   rows in quarantine left out, then one row per `key` (latest change time `changed`, NgayCapNhat unless told,
   then latest extraction). #}
{% macro latest_validated(raw, key, changed='ngaycapnhat') -%}
    with validated as (
        select r.*
        from {{ raw }} as r
        where exists (select 1 from {{ source('dq', 'validation_runs') }} as v where v.batch_id = r._batch_id)
            and not exists (
                select 1 from {{ source('dq', 'quarantine') }} as q
                where q.batch_id = r._batch_id and q.row_num = r._row_num
            )
    )

    select distinct on ({{ key }}) *
    from validated
    order by {{ key }}, {{ changed }} desc, _extracted_at desc, _row_num desc
{%- endmacro %}

{# A registry set against the one-stop: one row per finished one-stop dossier of `procedure_codes` and per
   completed registry record (`records`: a relation with `id`, dossier_code, unit_code and `done_at`, restricted to
   completed ones), matched by the one-stop code the record carries. `names` maps the output columns: id,
   done_at, and the statuses of a record with no finished dossier and of one filed at the registry directly. #}
{% macro registry_dossier_links(records, procedure_codes, names) -%}
    with dossiers as (
        select dossier_code, unit_code, finished_at
        from {{ ref('int_onestop__dossiers_resolved') }}
        where procedure_code in ({% for c in procedure_codes %}'{{ c }}'{{ "," if not loop.last }}{% endfor %})
            and status_code in (9, 10) and finished_at is not null
    ),

    completed as (
        {{ records }}
    )

    select
        coalesce(d.dossier_code, c.dossier_code) as dossier_code,
        c.record_id as {{ names.id }},
        coalesce(c.unit_code, d.unit_code) as unit_code,
        date_trunc('month', coalesce(d.finished_at, c.done_at))::date as month,
        d.finished_at as dossier_finished_at,
        c.done_at as {{ names.done_at }},
        case
            when d.dossier_code is not null and c.record_id is not null then 'matched'
            when d.dossier_code is not null then 'dossier_only'
            when c.dossier_code is null then '{{ names.direct }}'
            else '{{ names.record_only }}'
        end as match_status
    from dossiers as d
    full join completed as c on c.dossier_code = d.dossier_code
{%- endmacro %}
