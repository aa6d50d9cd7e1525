-- Finished one-stop dossiers of the civil-status registration procedures (civil_status_record_types): the dossiers
-- each of which should have produced one register entry.
select
    d.dossier_code,
    d.unit_code,
    t.record_type,
    d.finished_at::date as finished_on,
    d.owner_id_pseudonym,
    d.owner_name_pseudonym
from {{ ref('int_onestop__dossiers_resolved') }} as d
inner join {{ ref('civil_status_record_types') }} as t on t.procedure_code = d.procedure_code
where d.status_code in (9, 10) and d.finished_at is not null
