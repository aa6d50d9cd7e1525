{#
  Seed loading, as dbt's default__load_csv_rows but with the row placeholder rendered once per seed. The default
  dispatches get_binding_char() for every cell, which took ~14 s for the 10,810-row pre-2025 unit register;
  this takes well under a second. Same statements, same bindings.
#}
{% macro postgres__load_csv_rows(model, agate_table) %}
  {% set batch_size = get_batch_size() %}
  {% set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) %}
  {% set binding = get_binding_char() | trim %}
  {% set row_sql = '(' ~ ([binding] * (agate_table.column_names | length)) | join(',') ~ ')' %}
  {% set statements = [] %}
  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set bindings = [] %}
      {% for row in chunk %}
          {% do bindings.extend(row) %}
      {% endfor %}
      {% set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values ' ~ ([row_sql] * (chunk | length)) | join(',') %}
      {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}
  {{ return(statements[0]) }}
{% endmacro %}
