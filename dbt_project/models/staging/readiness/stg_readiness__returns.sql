-- The latest validated version of every readiness return (from the API or a template file: rows of batches not yet
-- validated and rows in quarantine left out; then one row per commune code as sent and month: latest NgayCapNhat,
-- then latest extraction), typed. Shares as reported, 0-100.
with latest as (
    {{ latest_validated(source('readiness', 'returns'), 'maxa, kybaocao') }}
)

select
    maxa as commune_code_as_sent,
    (kybaocao || '-01')::date as period_month,
    {{ kho_ts('ngaycapnhat') }} as sent_at,
    truso::int as premises,
    socanbo::int as staff,
    socanbochuyentrach::int as staff_full_time,
    socanbokiemnhiem::int as staff_part_time,
    socanbodataphuan::int as staff_trained,
    somaytinh::int as computers,
    somayquet::int as scanners,
    hoptructuyen::int as online_meeting,
    socanbocochukyso::int as staff_with_certificate,
    phanmemdvc::int as software,
    tylesohoa::numeric as digitized_pct,
    tylehosotructuyen::numeric as online_applications_pct,
    tyleketquadientu::numeric as online_results_pct,
    nullif(ghichu, '') as note,
    case when _source_file is not null then 'file' else 'api' end as arrived_by,
    _source_file as source_file,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
