{#
  The tests on the one-stop staged lists (steps, supplement requests, fees, database links, owner identifiers) are
  views that unnest every dossier's lists: run on all of them each hour, they cost as much as a full build (at
  100,000 dossiers ~8 s of an incremental run's ~34). A test configured with `where: __dossiers_not_yet_checked__`
  checks only the dossiers validated after the last build of the chain's last model (marts.fct_dossiers:
  kho.model_builds) from the same project. That is sound for these tests because a dossier's list rows all come
  from its latest version and carry that version's validation time, so a per-dossier rule (a step number unique
  within the dossier, a field present) is checked on the whole dossier whenever it changes, and an unchanged dossier
  was checked when it last changed. A test that compares rows across dossiers (the uniqueness of dossier_code) must
  not use it. The scope widens to everything when there is no such build: the first build, a changed project (a
  rule or a macro: KHO_PROJECT_FINGERPRINT differs; the department register's part of the model's fingerprint,
  after the colon, does not matter here: it moves no list row), `dbt test` run by hand without the fingerprint, or a build that
  failed before fct_dossiers (its cursor did not move, so the next run checks those dossiers again). The cursor
  they read must be the previous run's: fct_dossiers depends on every view such a test is on (its depends_on
  comments), so a build runs these tests before fct_dossiers moves the cursor, whatever order its threads (or
  Cosmos's tasks) take; tests/test_dbt_project.py holds any new such test to it.
#}
{% macro onestop_checked_through() -%}
    {%- set fingerprint = env_var('KHO_PROJECT_FINGERPRINT', '') -%}
    (select coalesce(max(b.validated_through), '-infinity'::timestamptz) from kho.model_builds as b
     where b.model = 'marts.fct_dossiers' and split_part(b.project_fingerprint, ':', 1) = '{{ fingerprint }}'
         and b.project_fingerprint <> '')
{%- endmacro %}

{#
  The per-row tests on the one-stop chain's tables of dossiers (fct_dossiers, fct_dossier_periods,
  int_onestop__dossier_milestones; where: __dossier_rows_not_yet_checked__) check only the dossiers validated after
  the last build of service_index_766_counts whose fingerprint matches the tested model's, just built: the same
  project, and for a model rebuilt on a change of the unit register or catalogue (meta rebuild_on_register_change,
  as the counts are) the same register and catalogue. The counts depend on each such model, so a build (or Cosmos)
  runs these tests before the counts move that cursor, and a failing error test skips the counts: the cursor stays,
  and the next run checks those dossiers again. An incremental run rewrites other rows too: the dossiers of a
  running period, judged again at the new as-of time, and the as-of columns of the others. Those are judged by the
  same code from the same fields that were checked when the dossier last changed, so no per-row rule can break on
  them without a change of the project (then the fingerprints differ and everything is checked); the same holds
  for the relationships, whose parents are the unit register (seeds: the project) and the procedure catalogue (in
  the fingerprint). A test comparing rows (uniqueness) must not use it.
  The cursor is read when the test is compiled, just before it runs, and written into it as a literal: the planner
  then sees how few dossiers it selects and reads them through base_onestop__latest_dossiers' `_validated_at` index
  and the tested table's dossier-code index, not the whole table; with no such build (the first, a changed project
  or register, `dbt test` run by hand without the fingerprint) there is no condition at all.
#}
{% macro dossier_rows_checked_through(relation) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set counts = graph.nodes['model.kho.service_index_766_counts'] -%}
    {#- a model without the register's part matches the counts' project part (before the first colon) -#}
    {%- set found = run_query(
        "select c.validated_through from kho.model_builds as c join kho.model_builds as m"
        ~ " on m.model = '" ~ relation.schema ~ "." ~ relation.identifier ~ "'"
        ~ " and m.project_fingerprint in (c.project_fingerprint, split_part(c.project_fingerprint, ':', 1))"
        ~ " where c.model = '" ~ counts.schema ~ "." ~ counts.alias ~ "' and c.project_fingerprint <> ''"
        ~ " and c.validated_through is not null") -%}
    {{ return(found.rows[0][0] if found.rows | length else none) }}
{%- endmacro %}

{% macro dossier_rows_not_yet_checked(relation) -%}
    {%- set through = dossier_rows_checked_through(relation) -%}
    {%- if through is none -%}
        true
    {%- else -%}
        {%- set base = graph.nodes['model.kho.base_onestop__latest_dossiers'] -%}
        dossier_code = any(array(select l.mahoso
            from {{ api.Relation.create(database=base.database, schema=base.schema, identifier=base.alias) }} as l
            where l._validated_at > '{{ through.isoformat() }}'::timestamptz))
    {%- endif -%}
{%- endmacro %}

{#- dbt's where-config hook (https://docs.getdbt.com/reference/resource-configs/where), with the placeholder above
    expanded when the test is compiled -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__dossiers_not_yet_checked__' in where -%}
            {%- set where = where | replace('__dossiers_not_yet_checked__',
                                            'validated_at > ' ~ onestop_checked_through()) -%}
        {%- endif -%}
        {%- if '__dossier_rows_not_yet_checked__' in where -%}
            {%- set where = where | replace('__dossier_rows_not_yet_checked__',
                                            dossier_rows_not_yet_checked(relation)) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
