-- The one-stop and the judicial-record system side by side, for the judicial-record procedures
-- (var judicial_record_procedure_codes): one row per finished one-stop dossier and per issued extract, matched by
-- the one-stop code the request carries (MaHoSoMotCua). 'matched' = both; 'dossier_only' = finished in the one-stop
-- with no issued extract recorded (handed over on paper, or keyed in one system only); 'extract_only' = an extract
-- issued for a one-stop dossier the one-stop does not show finished (stopped, withdrawn, still open, or unknown);
-- 'direct_request' = an extract issued on a request filed at the judicial-record system itself (no one-stop dossier).
{{ registry_dossier_links(
    "select request_id as record_id, dossier_code, unit_code, issued_at as done_at
     from " ~ ref('int_judicial__requests') ~ " where is_issued",
    var('judicial_record_procedure_codes'),
    {'id': 'request_id', 'done_at': 'extract_issued_at', 'direct': 'direct_request', 'record_only': 'extract_only'}
) }}
