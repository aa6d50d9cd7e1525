{# Rows of a raw document table that passed validation: the batch was validated and the row is not quarantined;
   one row per message id (a message re-read by an overlapping window or a second import is kept once). #}
{% macro validated_messages(raw) -%}
    select distinct on (r.message_id) r.*
    from {{ raw }} as r
    where exists (select 1 from {{ source('dq', 'validation_runs') }} as v where v.batch_id = r._batch_id)
        and not exists (
            select 1 from {{ source('dq', 'quarantine') }} as q
            where q.batch_id = r._batch_id and q.row_num = r._row_num
        )
    order by r.message_id, r._extracted_at desc, r._row_num desc
{%- endmacro %}

{# A date written yyyy/MM/dd (edXML) to a date; anything else -> null. #}
{% macro edxml_date(column) -%}
    case when {{ column }} ~ {{ edxml_date_shape() }} then to_date({{ column }}, 'YYYY/MM/DD') end
{%- endmacro %}

{# dossier_code_pattern(): generated from kho/domain/sql_rules.py (macros/generated/shared_rules.sql). #}
