-- One row per result document of a dossier (DanhSachGiayToKetQua): the electronic results handed back.
{{ onestop_list_items('result_documents') }}
