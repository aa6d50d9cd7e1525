-- One row per identifier of a dossier's owner (DinhDanhCHS), pseudonymized with the project's keyed hash.
-- Type 1 = 12-digit personal ID, 2 = 9-digit identity card (domain.md §1.2).
with items as (
    {{ onestop_list_items('dinhdanhchs') }}
)

select
    dossier_code,
    item_seq as identifier_seq,
    item ->> 'LoaiDinhDanh' as identifier_type_code,
    case item ->> 'LoaiDinhDanh' when '1' then 'personal_id_12' when '2' then 'identity_card_9' else 'other' end
        as identifier_type,
    {{ pseudonymize("item ->> 'SoDinhDanh'") }} as identifier_pseudonym,
    batch_id,
    extracted_at,
    validated_at
from items
