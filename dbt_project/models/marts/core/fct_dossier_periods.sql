{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true},
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="append_new_columns",
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ ensure_index(['dossier_code', 'period_type'], unique=true) }}",
               "{{ ensure_index(['period_type', 'period_start']) }}",
               "{{ ensure_index(['judged_as_of_at'], where='terminal_status_766 is null', label='open') }}",
               "{{ ensure_index(['judgement_holds_until'], where='terminal_status_766 is null', label='open') }}",
               "{{ record_model_build() }}"],
) }}
-- One row per one-stop dossier and period type (month, quarter, half_year, year; macro file periods): how the
-- Decision 766 rule and the local rule judge the dossier at the end of the period of that type holding its
-- reception (int_onestop__dossier_on_time). The month's row is fct_dossiers' judgement; the longer periods judge an
-- open dossier again at their own end, so a dossier open at the end of February and processed late in March is
-- open_within for February and late for the first quarter. service_index_766_dossiers adds the dossier's
-- attributes and the period end at the newest as-of time.
-- Incremental (macro file onestop_incremental): a run judges the dossiers validated since its cursor and, when the
-- as-of time moves, those not ended (no terminal status) in a period still running at the last build whose
-- judgement the new period end can change (past judgement_holds_until: a due date passed, an end the dossier's
-- fields record reached). A dossier that had ended keeps its judgement (its events all come before its latest
-- change), as does an open one whose judgement holds; only the period end moves, and the view computes it.
-- depends_on: {{ ref('stg_onestop__dossiers') }}, {{ ref('int_onestop__dossier_milestones') }} (the incremental scope)
-- depends_on: {{ ref('int_units__departments') }} (kho_build_fingerprint)
-- depends_on: {{ ref('stg_catalogue__procedures') }} (kho_build_fingerprint)
with
{% if is_incremental() %}
{%- set built = onestop_built_as_of('judged_as_of_at') %}
scope as (
    select d.dossier_code from {{ ref('stg_onestop__dossiers') }} as d
    where {{ onestop_validated_since_build('d.validated_at') }}
    union
    select t.dossier_code from {{ this }} as t
    where t.terminal_status_766 is null
        and {{ kho_period_end('t.period_type', 't.period_start') }} > {{ built }}
        and exists (select 1 from {{ ref('int_onestop__dossier_milestones') }} as m where m.as_of_at > {{ built }})
        and {{ onestop_judgement_may_change('t', kho_period_end('t.period_type', 't.period_start'), built) }}
),
{% endif %}

judged as (
    select * from {{ ref('int_onestop__dossier_on_time') }}
    {% if is_incremental() %}where dossier_code = any(array(select s.dossier_code from scope as s)){% endif %}
)

select
    j.dossier_code,
    j.period_type,
    j.period_start,
    j.period_month,
    {{ dossier_judgement_columns('j') }},
    j.as_of_at as judged_as_of_at
from judged as j
