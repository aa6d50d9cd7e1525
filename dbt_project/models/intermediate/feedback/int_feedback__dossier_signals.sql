{{ config(materialized="table", post_hook="{{ ensure_index(['dossier_code'], unique=true) }}") }}
-- Per dossier, what the feedback system says of it, for Decision 766 indicator 5.4: when the first feedback item
-- about it was received and when an applicant first rated it "not satisfied", with the latest validation time of
-- those rows (the incremental 766 indicators recompute the months of dossiers whose signals were validated since).
with items as (
    select i.dossier_code, i.received_at as at, v.finished_at as validated_at, 'feedback' as signal
    from {{ ref('stg_feedback__items') }} as i
    inner join {{ source('dq', 'validation_runs') }} as v on v.batch_id = i.batch_id
    where i.dossier_code is not null
),

dislikes as (
    select g.dossier_code, g.rated_at, v.finished_at, 'dislike'
    from {{ ref('stg_feedback__ratings') }} as g
    inner join {{ source('dq', 'validation_runs') }} as v on v.batch_id = g.batch_id
    where g.is_dissatisfied
)

select
    dossier_code,
    min(at) filter (where signal = 'feedback') as first_feedback_at,
    min(at) filter (where signal = 'dislike') as first_dislike_at,
    max(validated_at) as validated_at
from (select * from items union all select * from dislikes) as s
group by dossier_code
