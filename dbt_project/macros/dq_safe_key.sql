{#
  A record key as a report may show it. Keys are dossier codes, message ids and register entries, not personal
  data, but a source system can put anything in a key field (an applicant's citizen ID as the dossier code is a
  defect seen in the field). Any standalone run of 9 or 12 digits - the shape of a CMND or citizen ID - is masked.
#}
{% macro dq_safe_key(column) -%}
    regexp_replace({{ column }}, '(^|[^0-9])([0-9]{12}|[0-9]{9})(?![0-9])', '\1[ẩn]', 'g')
{%- endmacro %}
