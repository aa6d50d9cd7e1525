-- Applicants' satisfaction ratings of finished dossiers: the latest validated version of every rating, typed.
with latest as (
    {{ latest_validated(source('feedback', 'ratings'), 'madanhgia') }}
)

select
    madanhgia as rating_id,
    mahoso as dossier_code,
    madonvi as unit_code_as_sent,
    mucdo::int as level,
    mucdo = '3' as is_dissatisfied,
    {{ kho_ts('ngaydanhgia') }} as rated_at,
    {{ kho_ts('ngaycapnhat') }} as source_updated_at,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
