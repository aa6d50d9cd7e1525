-- One row per national database a dossier was checked against (DSKetNoiCSDL): the database code (MaCSDL) and the
-- check's reference. 766 indicator 4.5 reads the population database's codes (var population_db_codes).
with items as (
    {{ onestop_list_items('dsketnoicsdl') }}
)

select
    dossier_code,
    item_seq as link_seq,
    item ->> 'MaCSDL' as database_code,
    item ->> 'TenCSDL' as database_name,
    batch_id,
    extracted_at,
    validated_at
from items
