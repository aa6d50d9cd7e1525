-- The one-stop and the land system side by side, for the land procedures (var land_procedure_codes): one row per
-- finished one-stop dossier and per completed land transaction, matched by the one-stop code the transaction
-- carries (MaHoSoMotCua). 'matched' = both; 'dossier_only' = finished in the one-stop, not completed in the land
-- system; 'transaction_only' = completed in the land system for a one-stop dossier the one-stop does not show
-- finished; 'direct_transaction' = completed on a transaction the office took directly (no one-stop dossier).
{{ registry_dossier_links(
    "select transaction_id as record_id, dossier_code, unit_code, done_at
     from " ~ ref('int_land__transactions') ~ " where is_done",
    var('land_procedure_codes'),
    {'id': 'transaction_id', 'done_at': 'transaction_done_at', 'direct': 'direct_transaction',
     'record_only': 'transaction_only'}
) }}
