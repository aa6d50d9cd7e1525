-- The national dashboard's scores, one row per unit as named, period type and period: the row of the latest export
-- that validation let through (dvcqg_scores_raw), typed. The period starts on its first day (a quarter or a
-- half-year on its first month's); indicator columns stay in extra (int_dvcqg_scores__scores reads them by name).
with validated as (
    select r.*
    from {{ source('dvcqg_scores', 'scores') }} as r
    where exists (select 1 from {{ source('dq', 'validation_runs') }} as v where v.batch_id = r._batch_id)
        and not exists (
            select 1 from {{ source('dq', 'quarantine') }} as q
            where q.batch_id = r._batch_id and q.row_num = r._row_num
        )
),

typed as (
    select
        *,
        case lower(trim(loai_ky)) when 'thang' then 'month' when 'quy' then 'quarter' when 'nua_nam' then 'half_year'
            when 'nam' then 'year' else lower(trim(loai_ky)) end as period_type,
        nam::int as period_year,
        nullif(ky, '')::int as period_number
    from validated
),

latest as (
    select distinct on (ma_don_vi, period_type, period_year, period_number) *
    from typed
    order by ma_don_vi, period_type, period_year, period_number, _extracted_at desc, _row_num desc
)

select
    ma_don_vi as unit_code_as_sent,
    nullif(ten_don_vi, '') as unit_name_as_sent,
    period_type,
    period_year,
    period_number,
    make_date(period_year, case period_type when 'month' then period_number
                                            when 'quarter' then 3 * period_number - 2
                                            when 'half_year' then 6 * period_number - 5 else 1 end, 1) as period_start,
    replace(tong_score, ',', '.')::numeric as total_score,
    {% for g in range(1, 7) %}
    replace(nhom_{{ g }}, ',', '.')::numeric as group_{{ g }}_score,
    {% endfor %}
    _extra as extra,
    _source_file as source_file,
    _batch_id as batch_id,
    _row_num as row_num
from latest
