{#
  How a seed's existing table is made ready for its rows (dbt's reset_csv_table, called by the seed
  materialization inside its transaction).

  Emptied, not dropped, when its columns are the ones the project declares: dropping a table drops every view built
  on it (dbt drops with cascade), and dbt's threads load the seeds side by side. Two seeds with views in common
  (int_unit_codes__resolved and int_units__history read four of them) each took some of those views' locks and waited
  for the other's: PostgreSQL's deadlock detector failed one of the builds. Emptied, they lock their own table only,
  and the views built on them stay for the rest of the build (and for builds that select the seed alone).

  Dropped and created again when the columns differ (a column added, renamed or retyped in the project; or
  --full-refresh): then under a transaction-level advisory lock, so that two seeds' drops, and the views their
  cascades take, never interleave. The lock is held until the seed's transaction commits.
#}
{% macro postgres__reset_csv_table(model, full_refresh, old_relation, agate_table) %}
    {% if not full_refresh and kho_seed_columns_unchanged(model, old_relation, agate_table) %}
        {{ adapter.truncate_relation(old_relation) }}
        {{ return("truncate table " ~ old_relation.render()) }}
    {% endif %}
    {% do run_query("select pg_advisory_xact_lock(" ~ kho_seed_recreate_lock() ~ ")") %}
    {{ adapter.drop_relation(old_relation) }}
    {% set sql = create_csv_table(model, agate_table) %}
    {% if not full_refresh %}
        {# the seed materialization creates the configured indexes only on a full refresh or a new table #}
        {% do create_indexes(this.incorporate(type='table')) %}
    {% endif %}
    {{ return(sql) }}
{% endmacro %}


{# the advisory lock's key: 'kho seed' as the first 8 bytes of its ASCII, a bigint #}
{% macro kho_seed_recreate_lock() %}{{ return(7739558144801858916) }}{% endmacro %}


{#
  Whether the seed's table has exactly the columns, in order, with the types, that dbt would create for it now
  (the seed's column_types, else the type dbt infers from the CSV). Types are compared as PostgreSQL names them
  (format_type: 'int' is 'integer'). A declared type's modifier is not read (to_regtype drops it), so a type with one
  (numeric(10, 2), varchar(10)) compares unequal and recreates the table each time: slower, never wrong. So does a
  column name PostgreSQL folds to lower case.
#}
{% macro kho_seed_columns_unchanged(model, old_relation, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set expected = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
        {%- do expected.append("(" ~ loop.index ~ ", " ~ kho_sql_text(col_name | string)
                                ~ ", " ~ kho_sql_text(type) ~ ")") -%}
    {%- endfor -%}
    {% set query %}
        with expected as (
            select ordinal, column_name, format_type(to_regtype(type_name), null) as type_name
            from (values {{ expected | join(', ') }}) as e (ordinal, column_name, type_name)
        ),

        actual as (
            select row_number() over (order by attnum) as ordinal, attname::text as column_name,
                format_type(atttypid, atttypmod) as type_name
            from pg_attribute
            where attrelid = {{ kho_sql_text(old_relation.include(database=false).render()) }}::regclass and attnum > 0
                and not attisdropped
        )

        select not exists (
            select from expected full join actual using (ordinal)
            where expected.column_name is distinct from actual.column_name
                or expected.type_name is null or expected.type_name is distinct from actual.type_name
        )
    {% endset %}
    {{ return(run_query(query).columns[0].values()[0]) }}
{% endmacro %}


{# a SQL string literal of a value from the project's files (a quote doubled) #}
{% macro kho_sql_text(value) %}{{ return("'" ~ (value | replace("'", "''")) ~ "'") }}{% endmacro %}
