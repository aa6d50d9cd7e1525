-- One row per submitted component of a dossier (TaiLieuNop), with the digitization flags 766 group 4 reads.
{{ onestop_list_items('components') }}
