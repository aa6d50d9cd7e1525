{# A DVCQG yyyyMMddHHmmss string to a timestamp (Vietnam wall time, no zone); empty or malformed -> null.
   Malformed values are quarantined before staging; the guard keeps a direct read of raw safe too. #}
{% macro kho_ts(column) -%}
    case when {{ column }} ~ {{ dvcqg_ts_shape() }} then to_timestamp({{ column }}, 'YYYYMMDDHH24MISS')::timestamp end
{%- endmacro %}
