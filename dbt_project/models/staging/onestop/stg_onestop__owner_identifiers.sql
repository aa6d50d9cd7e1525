-- One row per identifier of a dossier's owner (DinhDanhCHS), pseudonymized with the project's keyed hash.
-- Type 1 = 12-digit personal ID, 2 = 9-digit identity card (domain.md §1.2).
{{ onestop_list_items('owner_identifiers') }}
