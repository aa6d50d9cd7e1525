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

{#- dbt's where-config hook (https://docs.getdbt.com/reference/resource-configs/where), with the placeholder above
    expanded when the test is compiled -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__dossiers_not_yet_checked__' in where -%}
            {%- set where = where | replace('__dossiers_not_yet_checked__',
                                            'validated_at > ' ~ onestop_checked_through()) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
