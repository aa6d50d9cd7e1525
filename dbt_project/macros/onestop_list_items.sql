{#
  The elements of one list field of the latest validated dossier versions (base_onestop__latest_dossiers), with
  their 1-based position: columns dossier_code, item (json), item_seq, batch_id, extracted_at. The dossier and its
  lists always come from the same version.
#}
{% macro onestop_list_items(list_column) -%}
    select d.mahoso as dossier_code, i.item, i.item_seq::int as item_seq, d._batch_id as batch_id,
        d._extracted_at as extracted_at
    from {{ ref('base_onestop__latest_dossiers') }} as d
    cross join lateral json_array_elements(
        case when json_typeof(d.{{ list_column }}) = 'array' then d.{{ list_column }} else '[]'::json end
    ) with ordinality as i (item, item_seq)
{%- endmacro %}
