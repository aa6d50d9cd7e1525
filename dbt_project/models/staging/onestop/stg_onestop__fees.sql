-- One row per fee or charge of a dossier (DanhSachLePhi). Amounts in VND; a non-numeric amount is null.
{{ onestop_list_items('fees') }}
