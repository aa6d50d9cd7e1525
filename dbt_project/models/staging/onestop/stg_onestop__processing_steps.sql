-- One row per step of a dossier's processing history (QuaTrinhXuLy), latest validated version of the dossier.
-- The handler's name is pseudonymized; title and department are kept.
{{ onestop_list_items('processing_steps') }}
