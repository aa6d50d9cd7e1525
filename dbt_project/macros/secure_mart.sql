{#
  Post-hook of every mart: grants and row-level security (security.protect_mart in kho/core/sql/bootstrap.sql). A mart
  is filtered to each department's units by its unit_code column unless its meta says otherwise:
  row_filter: shared (reference data every role reads) or none (analysts and engineers only).
#}
{% macro secure_mart() -%}
    {%- set row_filter = (model.config.get('meta') or {}).get('row_filter', 'unit_code') -%}
    select security.protect_mart('{{ this }}'::regclass,
        {{ "null" if row_filter == "none" else "'" ~ row_filter ~ "'" }})
{%- endmacro %}
