{{ config(indexes=[{"columns": ["document_id"], "unique": True}, {"columns": ["dossier_code"]}]) }}
-- Each case document with the one-stop dossier it concerns, as int_reconciliation__document_matches matched them
-- (the rules are there), and what an analyst needs beside the link: units, dates, repeated keying.
with matches as (
    select * from {{ ref('int_reconciliation__document_matches') }}
),

docs as (
    select * from {{ ref('int_reconciliation__case_documents') }}
),

dossiers as (
    select dossier_code, unit_code, received_at
    from {{ ref('int_onestop__dossiers_resolved') }}
)

select
    b.document_id,
    b.dossier_code,
    b.match_method,
    b.confidence,
    b.candidates,
    o.unit_code as dossier_unit_code,
    d.sender_agency_code as document_sender_agency_code,
    d.type_name as document_type_name,
    d.promulgation_date as document_date,
    o.received_at as dossier_received_at,
    date_trunc('month', o.received_at)::date as period_month,
    row_number() over (
        partition by b.dossier_code, d.sender_agency_code, d.type_name
        order by d.promulgation_date, b.document_id
    ) > 1 as is_repeat_keying
from matches as b
inner join docs as d on d.document_id = b.document_id
inner join dossiers as o on o.dossier_code = b.dossier_code
