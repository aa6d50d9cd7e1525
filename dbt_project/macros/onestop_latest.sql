{#
  The latest validated version of every one-stop dossier, as raw rows: rows of batches not yet validated and rows
  in quarantine are left out, then one row per MaHoSo is kept (latest NgayCapNhat, then latest extraction).
  Every one-stop staging model starts from this, so the dossier and its lists always come from the same version.
#}
{% macro onestop_latest_dossiers() -%}
    select distinct on (r.mahoso) r.*
    from {{ source('onestop', 'dossiers') }} as r
    where exists (
            select 1 from {{ source('dq', 'validation_runs') }} as v where v.batch_id = r._batch_id
        )
        and not exists (
            select 1 from {{ source('dq', 'quarantine') }} as q
            where q.batch_id = r._batch_id and q.row_num = r._row_num
        )
    order by r.mahoso, r.ngaycapnhat desc, r._extracted_at desc, r._row_num desc
{%- endmacro %}

{#
  The elements of one list field of the latest dossiers, with their 1-based position: columns dossier_code,
  item (json), item_seq, batch_id, extracted_at.
#}
{% macro onestop_list_items(list_column) -%}
    select d.mahoso as dossier_code, i.item, i.item_seq::int as item_seq, d._batch_id as batch_id,
        d._extracted_at as extracted_at
    from ({{ onestop_latest_dossiers() }}) as d
    cross join lateral json_array_elements(
        case when json_typeof(d.{{ list_column }}) = 'array' then d.{{ list_column }} else '[]'::json end
    ) with ordinality as i (item, item_seq)
{%- endmacro %}
