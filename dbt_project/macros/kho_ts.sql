{# A DVCQG yyyyMMddHHmmss string to a timestamp (Vietnam wall time, no zone); empty or malformed -> null.
   Malformed values are quarantined before staging; the guard keeps a direct read of raw safe too. The guard is
   the shape DVCQG_TS_SHAPE (^[0-9]{14}$) written as a length and an ltrim of the ASCII digits: the same verdict
   (tests/test_kho_ts.py holds the two together) at under half the cost of the regular expression, and it runs on
   every timestamp of every dossier and history step. kho_ts_shaped is the guard alone. #}
{% macro kho_ts_shaped(column) -%}
    length({{ column }}) = 14 and ltrim({{ column }}, '0123456789') = ''
{%- endmacro %}

{% macro kho_ts(column) -%}
    case when {{ kho_ts_shaped(column) }}
        then to_timestamp({{ column }}, 'YYYYMMDDHH24MISS')::timestamp end
{%- endmacro %}
