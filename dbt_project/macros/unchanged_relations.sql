{#
  Views and seeds are made again only when what they are made from changed.

  dbt re-creates every view and reloads every seed on every build: for a view, seven statements (create under a
  temporary name, two renames, a commit, a drop of the old one cascading to the views built on it, the hooks); for a
  seed, its CSV read and its rows inserted again. Neither depends on the data: a view is its SQL, a seed its file.
  On a build with no project change (every hourly run) that was ~0.2 s of node time for each of ~47 views and ~0.35 s
  for each of 14 seeds, whatever the warehouse's size.

  Here each is kept as it is when, as recorded by its last build in kho.model_builds:
  - the project is the same (the fingerprint kho.dbt passes as KHO_PROJECT_FINGERPRINT: models, macros, seeds,
    tests and dbt_project.yml) and so is what the node compiles to (a view's SQL, a seed's file), hashed, which
    covers what the project does not (vars given on the command line, environment variables);
  - the relation is the one that build left: the same object (its oid: a relation dropped, or dropped with an
    upstream relation's cascade and made again, is another) with the same columns (a column added by hand).
  Anything else (no record, a --full-refresh, dbt run without Kho's environment) builds it as dbt does, through
  dbt's own materialization, and records it after.
  A kept node reports UNCHANGED in dbt's log. Its data tests still run.
#}
{% materialization view, adapter='postgres' %}
    {%- set built_from = kho_built_from(sql) -%}
    {%- if kho_unchanged_since_built(built_from) -%}
        {{ return(kho_keep_unchanged('view')) }}
    {%- endif -%}
    {%- set result = dbt.materialization_view_default() -%}
    {%- do kho_record_built_from(built_from) -%}
    {{ return(result) }}
{% endmaterialization %}


{% materialization seed, adapter='postgres' %}
    {%- set built_from = kho_built_from(model['checksum']['checksum']) -%}
    {%- if kho_unchanged_since_built(built_from) -%}
        {#- dbt's seed runner reads the rows loaded (`dbt seed --show` prints them): none were -#}
        {%- do store_result('agate_table', response='OK', agate_table=run_query('select * from ' ~ this ~ ' limit 0')) -%}
        {{ return(kho_keep_unchanged('table')) }}
    {%- endif -%}
    {%- set result = dbt.materialization_seed_default() -%}
    {%- do kho_record_built_from(built_from) -%}
    {{ return(result) }}
{% endmaterialization %}


{#- '<project fingerprint>:<MD5 of what the node compiles to>', or '' (never kept) without Kho's environment or on a
    --full-refresh -#}
{% macro kho_built_from(compiled) -%}
    {%- set fingerprint = env_var('KHO_PROJECT_FINGERPRINT', '') -%}
    {%- if not fingerprint or should_full_refresh() -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(fingerprint ~ ':' ~ local_md5(compiled | string)) }}
{%- endmacro %}


{#- SQL: the relation as it stands, '<oid>/<MD5 of its columns and types>', null when it does not exist -#}
{% macro kho_relation_shape() -%}
    (select c.oid::text || '/' || md5(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ','
                                                  order by a.attnum))
     from pg_class as c join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.oid = to_regclass({{ kho_sql_text(this.include(database=false).render()) }})
     group by c.oid)
{%- endmacro %}


{% macro kho_unchanged_since_built(built_from) -%}
    {%- if not execute or not built_from -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        "select exists (select from kho.model_builds where model = " ~ kho_sql_text(this.schema ~ '.' ~ this.identifier)
        ~ " and project_fingerprint = " ~ kho_sql_text(built_from ~ ':') ~ " || " ~ kho_relation_shape() ~ ")") -%}
    {{ return(found.columns[0].values()[0]) }}
{%- endmacro %}


{% macro kho_keep_unchanged(relation_type) -%}
    {%- call noop_statement('main', 'UNCHANGED', 'UNCHANGED', 0) -%}
        -- {{ this }}: kept, unchanged since its last build (macro file unchanged_relations)
    {%- endcall -%}
    {{ return({'relations': [this.incorporate(type=relation_type)]}) }}
{%- endmacro %}


{#- after dbt's materialization committed: what the relation was made from, and the relation it left -#}
{% macro kho_record_built_from(built_from) -%}
    {%- if execute and built_from -%}
        {%- call statement('kho_record_built_from', auto_begin=True) -%}
            insert into kho.model_builds (model, project_fingerprint, validated_through, built_at)
            select {{ kho_sql_text(this.schema ~ '.' ~ this.identifier) }},
                {{ kho_sql_text(built_from ~ ':') }} || coalesce({{ kho_relation_shape() }}, 'missing'), null, now()
            on conflict (model) do update set project_fingerprint = excluded.project_fingerprint,
                validated_through = null, built_at = excluded.built_at
        {%- endcall -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}
