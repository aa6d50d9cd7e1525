{#
  The models that aggregate int_dq__record_versions (dbt meta dq_by_unit_month: int_dq__unit_day_records,
  int_dq__unit_month_rule_failures, int_dq__unit_month_records_to_fix) are built by difference per (unit, month): a
  reporting month of a unit is the group a record is counted in, and a run that validates 1% of the dossiers
  touches a few months (the current one, mostly), not all of them.
  - int_dq__record_versions pins the records a build touches (dq_touched_records, a pre-hook) and writes, for every
    such model, the groups those records leave (their rows before the build) and join (after it) into
    kho.dq_unit_month_changes (migration 0015), in its own transaction. A full build of it writes ('*', infinity):
    every group, before it builds.
  - Each model pins the groups written for it (dq_unit_months_to_rebuild, a pre-hook), deletes its rows of those
    groups, appends them recomputed, and deletes the pinned changes (dq_unit_months_rebuilt, a post-hook), all in
    its build's transaction. A build that fails or is skipped leaves its changes for the next; groups written while
    it builds are not pinned and wait too. A full build (first, --full-refresh, a changed project, or '*' written
    for it) replaces every row.
  The marts above them (dq_rule_results, dq_unit_scores, dq_top_failing_rules, dq_source_freshness) stay tables:
  they read these aggregates (tens of thousands of rows, not a million), with the rules' wording and the units'
  names as they are now; dq_records_to_fix lists the failing records (int_dq__unit_month_records_to_fix) with the
  rules' wording.
#}

{#- the tables of the models built by difference per (unit, month), as schema.table -#}
{% macro dq_unit_month_models() -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
                if node.resource_type == 'model' and (node.config.meta or {}).get('dq_by_unit_month') -%}
            {%- do names.append(node.schema ~ '.' ~ node.alias) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(names | sort) -}}
{%- endmacro %}

{#- write the groups ``groups`` selects (unit_code, period_month) for every such model -#}
{% macro dq_unit_months_write(groups) -%}
    {%- set models = dq_unit_month_models() -%}
    {%- if models -%}
    insert into kho.dq_unit_month_changes (model, unit_code, period_month)
    select m.model, g.unit_code, g.period_month from ({{ groups }}) as g
    cross join (values {% for name in models %}('{{ name }}'){{ ", " if not loop.last }}{% endfor %}) as m(model)
    on conflict do nothing
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of int_dq__record_versions, after dq_runs_to_read: the records this build recomputes (those the
    validation runs not yet read hold, and the documents whose agency now resolves to another unit: an agency is
    placed at the unit it receives most dossiers for, which new dossiers can change), and the groups they leave. A
    full build touches no record one by one: it writes "every group" here, and its dq_touched is empty (the
    post-hook cannot tell a full build by is_incremental(), which sees the table the build has just created). -#}
{% macro dq_touched_records() -%}
    {%- if kho_full_build() -%}
    create temp table dq_touched (suite text, record_id text) on commit drop;
    {{ dq_unit_months_write("select '*' as unit_code, 'infinity'::date as period_month") }}
    {%- else -%}
    create temp table dq_touched on commit drop as
    select v.suite, coalesce(c.record_key, v.batch_id || '#' || c.row_num) as record_id
    from {{ source('dq', 'checked_rows') }} as c
    inner join {{ source('dq', 'validation_runs') }} as v on v.run_no = c.run_no
    where v.run_id in (select r.run_id from dq_runs_to_read as r)
    union
    select t.suite, t.record_id from {{ this }} as t
    left join {{ ref('int_documents__agency_units') }} as a on a.agency_code = t.named_unit_code
    where t.source = 'documents' and coalesce(a.unit_code, '?') <> t.unit_code;
    analyze dq_touched;
    {{ dq_unit_months_changed_by_touched() }}
    {%- endif -%}
{%- endmacro %}

{#- the groups the touched records are in now, written for every model built by difference (found through the
    unique index on (suite, record_id); the build recomputes a touched key in every suite that has it, but in a
    suite whose versions did not change its row stays as it was) -#}
{% macro dq_unit_months_changed_by_touched() -%}
    {{ dq_unit_months_write("select distinct t.unit_code, t.period_month from " ~ this ~ " as t
        where (t.suite, t.record_id) in (select d.suite, d.record_id from dq_touched as d)") }}
{%- endmacro %}

{#- post-hook of int_dq__record_versions: the groups the touched records joined (none after a full build, whose
    pre-hook wrote every group); changes written for a model that no longer exists are dropped -#}
{% macro dq_unit_months_changed() -%}
    delete from kho.dq_unit_month_changes
    where model not in ({% for name in dq_unit_month_models() %}'{{ name }}', {% endfor %}'');
    {{ dq_unit_months_changed_by_touched() }}
{%- endmacro %}

{#- true when the calling model rebuilds every group: kho_full_build(), or every group written for it -#}
{% macro dq_unit_months_full_build() -%}
    {%- if kho_full_build() -%}{{ return(true) }}{%- endif -%}
    {%- if execute -%}
        {%- set every = run_query("select 1 from kho.dq_unit_month_changes where model = '" ~ this.schema ~ "."
                                  ~ this.identifier ~ "' and unit_code = '*'") -%}
        {{ return(every.rows | length > 0) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- pre-hook of a model built by difference: pin the groups written for it; drop its rows of those groups (all of
    them in a full build of an existing table) -#}
{% macro dq_unit_months_to_rebuild() -%}
    create temp table dq_unit_months_pinned on commit drop as
    select unit_code, period_month from kho.dq_unit_month_changes
    where model = '{{ this.schema }}.{{ this.identifier }}';
    analyze dq_unit_months_pinned;
    {% if is_incremental() and dq_unit_months_full_build() -%}
    truncate {{ this }}
    {%- elif is_incremental() -%}
    delete from {{ this }} as t
    where (t.unit_code, t.period_month) in (select p.unit_code, p.period_month from dq_unit_months_pinned as p)
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

{#- the calling model's filter on a relation with unit_code and period_month: the pinned groups only (nothing in a
    full build) -#}
{% macro dq_unit_months_in_scope(alias) -%}
    {%- if not dq_unit_months_full_build() -%}
    where ({{ alias }}.unit_code, {{ alias }}.period_month) in
        (select p.unit_code, p.period_month from dq_unit_months_pinned as p)
    {%- endif -%}
{%- endmacro %}

{#- post-hook of a model built by difference: the groups it pinned are rebuilt -#}
{% macro dq_unit_months_rebuilt() -%}
    delete from kho.dq_unit_month_changes as c
    using dq_unit_months_pinned as p
    where c.model = '{{ this.schema }}.{{ this.identifier }}'
        and c.unit_code = p.unit_code and c.period_month = p.period_month
{%- endmacro %}
