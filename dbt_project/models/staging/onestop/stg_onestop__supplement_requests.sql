-- One row per supplement request of a dossier (DanhSachHoSoBoSung): when the unit asked the applicant for more
-- documents and when the applicant completed them (null while the request is open).
{{ onestop_list_items('supplement_requests') }}
