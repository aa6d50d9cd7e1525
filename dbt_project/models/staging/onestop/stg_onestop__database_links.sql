-- One row per national database a dossier was checked against (DSKetNoiCSDL): the database code (MaCSDL) and the
-- check's reference. 766 indicator 4.5 reads the population database's codes (var population_db_codes).
{{ onestop_list_items('database_links') }}
