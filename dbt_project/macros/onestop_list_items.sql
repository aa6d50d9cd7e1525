{#
  The elements of one list field of the latest validated dossier versions (base_onestop__latest_dossiers), with
  their 1-based position: columns dossier_code, item (jsonb), item_seq, batch_id, extracted_at, validated_at. The dossier and its
  lists always come from the same version. validated_at is the dossier's: an incremental model reading a staged
  list filters on it (or on the dossier code), which PostgreSQL applies to the dossiers before their lists are
  unnested (onestop_incremental.sql).
#}
{% macro onestop_list_items(list_column) -%}
    select d.mahoso as dossier_code, i.item, i.item_seq::int as item_seq, d._batch_id as batch_id,
        d._extracted_at as extracted_at, d._validated_at as validated_at
    from {{ ref('base_onestop__latest_dossiers') }} as d
    -- as jsonb: each list is parsed once, where every `item ->> 'Field'` of a json item would parse it again
    cross join lateral jsonb_array_elements(
        case when json_typeof(d.{{ list_column }}) = 'array' then d.{{ list_column }}::jsonb else '[]'::jsonb end
    ) with ordinality as i (item, item_seq)
{%- endmacro %}
