{#
  The one-stop chain is incremental from the latest dossiers to fct_dossiers (base_onestop__latest_dossiers,
  int_onestop__dossier_lists, int_onestop__dossier_milestones, int_onestop__dossiers_resolved, fct_dossiers; the
  staged lists between them are views, read through onestop_in_scope). A run takes the dossiers whose latest
  version was validated after the model's cursor (kho.model_builds.validated_through: the newest validation the
  model had read when it was last built; validation time, not extraction time, since a batch extracted earlier can
  be validated later). Where the judgement depends on the period end, the dossiers whose reporting period was
  still open at the last build follow the new period end: the milestones carry them forward, fct_dossiers judges
  them again (onestop_rejudged_dossier_codes); each model replaces those rows
  (delete+insert on the dossier code). A rerun over the same data selects nothing new and changes nothing. When
  the project itself changed (a rule, a reference seed, a macro: rebuild_if_project_changed), the first run
  rebuilds the model in full.
#}

{#- The model's cursor: the newest validated version it has read (-infinity before its first build). An
    incremental run reads it when the model compiles, just before it runs (only its own post-hook writes it), and
    writes it into the SQL as a literal: PostgreSQL then plans for the few dossiers past it. As a subquery its value
    was unknown when planning, and a third of the table was assumed: a million-row hash join where an index
    lookup per new dossier was due (int_onestop__dossiers_resolved: 0.9 s -> 0.4 s at a million dossiers). When the
    project changed, the pre-hook empties the model and drops its cursor (rebuild_if_project_changed): -infinity. -#}
{% macro onestop_cursor() -%}
    {%- if execute and is_incremental() -%}
        {%- if kho_project_changed() -%}
            '-infinity'::timestamptz
        {%- else -%}
            {%- set found = run_query("select coalesce(max(b.validated_through), '-infinity'::timestamptz)::text"
                                      ~ " from kho.model_builds as b where b.model = '"
                                      ~ this.schema ~ "." ~ this.identifier ~ "'") -%}
            {{ dbt.string_literal(found.rows[0][0]) }}::timestamptz
        {%- endif -%}
    {%- else -%}
    (select coalesce(max(b.validated_through), '-infinity'::timestamptz) from kho.model_builds as b
     where b.model = '{{ this.schema }}.{{ this.identifier }}')
    {%- endif -%}
{%- endmacro %}

{#- the predicate: this row's dossier version was validated after the model's cursor #}
{% macro onestop_validated_since_build(column='validated_at') -%}
    {{ column }} > {{ onestop_cursor() }}
{%- endmacro %}

{#- The dossiers an incremental run of a model judged at the period end (fct_dossiers) rewrites: those
    validated since its cursor, and those of a reporting period still open at its last build (a period end after the
    as-of time it was built at) that had not ended by then (no terminal status) and whose judgement the new period
    end can change (onestop_judgement_may_change). A dossier of the open period that had ended keeps its judgement:
    every event of a dossier comes before its latest change, so its end, supplements and status by the new period
    end are those it had; so does an open one whose judgement holds to the new period end. Only their period end
    and as-of time move (onestop_move_as_of, a post-hook). All of them when the table was built by an older Kho
    without the as-of column: it is rewritten whole and gains it. #}
{% macro onestop_rejudged_dossier_codes() -%}
    {%- set built = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    select d.dossier_code from {{ ref('stg_onestop__dossiers') }} as d
    where {{ onestop_validated_since_build('d.validated_at') }}
    union
    select t.dossier_code from {{ this }} as t
    {% if 'as_of_at' in built -%}
    {#- onestop_move_as_of moves as_of_at in every row of the running month -#}
    {%- set built_as_of = onestop_built_as_of('as_of_at') %}
    where t.terminal_status_766 is null
        and t.period_end_at > {{ built_as_of }}
        -- ... and only when the as-of time moves: a dossier's own events all come before its latest change
        and exists (select 1 from {{ ref('stg_onestop__dossiers') }} as n
                     where {{ onestop_validated_since_build('n.validated_at') }}
                         and n.source_updated_at > {{ built_as_of }})
        and {{ onestop_judgement_may_change('t', "(t.period_month + interval '1 month')::timestamp", built_as_of) }}
    {%- endif %}
{%- endmacro %}

{#- The as-of time of the calling table's last build (`column`: the time each row was judged at), as its open rows
    hold it: read once (a scalar subquery) through the partial index on the open rows' column that fct_dossiers and
    fct_dossier_periods keep; the newest of all rows was a scan of every row (0.45-0.9 s at a million dossiers). If
    every row the last build wrote had ended, an earlier time: in a rejudging scope that only widens it. -#}
{% macro onestop_built_as_of(column) -%}
    (select max(b.{{ column }}) from {{ this }} as b where b.terminal_status_766 is null)
{%- endmacro %}

{#- True for a stored row of an open dossier that a period end cut at the newest as-of time may judge otherwise:
    one past the time its judgement holds until (int_onestop__dossier_on_time.judgement_holds_until; null: nothing
    later changes it). Of a year's open dossiers, a run moving the as-of time by hours finds ~1% (those falling due
    meanwhile) where judging them all again rewrote each. True for every row of a table built before the column
    existed: they are judged again and gain it. With `built_as_of`, the as-of time of the table's last build (or any
    earlier time: a lower one only widens the range), the condition also bounds the column on both sides by values
    known before the row is read. -#}
{% macro onestop_judgement_may_change(alias, period_end, built_as_of=none) -%}
    {%- if 'judgement_holds_until' in adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set newest = "(select max(m.as_of_at) from " ~ ref('int_onestop__dossier_milestones') ~ " as m)" -%}
    {{ alias }}.judgement_holds_until < {{ kho_period_cut(period_end, newest) }}
    {%- if built_as_of %}
    -- the same bound without the period end, and the last build's as-of time below it (an open row of a period then
    -- running was judged at that cut or holds past it): a range the table's partial index on the open rows' column
    -- reads, where the bound above alone made PostgreSQL scan every row
    and {{ alias }}.judgement_holds_until > {{ built_as_of }}
    and {{ alias }}.judgement_holds_until < {{ kho_period_cut("'infinity'::timestamp", newest) }}
    {%- endif %}
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of fct_dossiers: the rows of a period still open that the run did not judge again
    (onestop_rejudged_dossier_codes) take the new as-of time and the period end it cuts, as the milestones did. #}
{% macro onestop_move_as_of() -%}
    {%- if is_incremental() -%}
    update {{ this }} as t set
        period_end_at = {{ kho_period_cut("(t.period_month + interval '1 month')::timestamp", 'm.as_of_at') }},
        as_of_at = m.as_of_at
    from (select max(as_of_at) as as_of_at from {{ ref('int_onestop__dossier_milestones') }}) as m
    where t.period_end_at < (t.period_month + interval '1 month')::timestamp
        and t.as_of_at < m.as_of_at
    {%- endif -%}
{%- endmacro %}

{#- the dossier codes an incremental run of the calling model rewrites (every dossier in a full build) #}
{% macro onestop_changed_dossier_codes() -%}
    select dossier_code, validated_at from {{ ref('stg_onestop__dossiers') }}
    {% if is_incremental() %}where {{ onestop_validated_since_build() }}{% endif %}
{%- endmacro %}

{#
  Pre-hook of every incremental model: when the dbt project changed since the model was last built (the
  fingerprint kho.dbt computes over models, macros, seeds and dbt_project.yml, passed as KHO_PROJECT_FINGERPRINT),
  empty it and reset its cursor first, inside the build's transaction, so this run rebuilds it in full: a changed
  rule, calendar or unit register reaches every row, not only the rows that changed since. Without the variable
  (dbt run by hand) the model stays incremental; `kho transform --full-refresh` rebuilds everything.
  A model whose rows depend on where dossiers land (meta rebuild_on_register_change) also compares the province's
  department register as it attributes dossiers (kho_build_fingerprint): a department registered, or an identifier
  moved to another unit, reaches every dossier received under it, not only those extracted since.
#}
{% macro rebuild_if_project_changed() -%}
    {%- if kho_project_changed() -%}
        {{ log("project or unit register changed since " ~ this ~ " was built: rebuilt in full", info=True) }}
        truncate {{ this }}; delete from kho.model_builds where model = '{{ this.schema ~ "." ~ this.identifier }}'
    {%- endif -%}
{%- endmacro %}

{#- true when an incremental model built by difference (service_index_766_counts, int_dq__record_versions) must
    read everything: no table yet, --full-refresh, or a changed project or unit register (rebuild_if_project_changed
    empties it in the same run) -#}
{% macro kho_full_build() -%}
    {{ return(not is_incremental() or kho_project_changed()) }}
{%- endmacro %}

{#- true when the incremental model exists and was built from another project or unit register than this run's
    (kho_build_fingerprint; never without Kho's environment) -#}
{% macro kho_project_changed() -%}
    {%- set fingerprint = kho_build_fingerprint() -%}
    {%- if execute and is_incremental() and fingerprint -%}
        {%- set built = run_query("select project_fingerprint from kho.model_builds where model = '"
                                  ~ this.schema ~ "." ~ this.identifier ~ "'") -%}
        {{ return(built.rows | length == 0 or built.rows[0][0] != fingerprint) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- What an incremental model was built from: the project's fingerprint and, for a model with meta
    rebuild_on_register_change, an MD5 of the department register's attribution (which unit holds which agency
    identifier in which province: a renamed department changes no dossier and rebuilds nothing) and of the
    procedure catalogue's statutory times, fees and online levels; for a model with rebuild_on_catalogue_change, an
    MD5 of the catalogue's versions (any procedure changed). '' without Kho's environment. #}
{% macro kho_build_fingerprint() -%}
    {%- set fingerprint = env_var('KHO_PROJECT_FINGERPRINT', '') -%}
    {%- if execute and fingerprint and (model.config.get('meta') or {}).get('rebuild_on_register_change') -%}
        {%- set register = run_query(
            "select md5(coalesce(string_agg(agency_code || '>' || unit_code || '@' || province_code, ',' "
            ~ "order by agency_code, unit_code), '')) from " ~ ref('int_units__departments')
            ~ " where receives_under_agency") -%}
        {%- set fingerprint = fingerprint ~ ':' ~ register.rows[0][0] -%}
        {#- the catalogue's attributes dossiers are judged by: a statutory time, fee or online level changed -#}
        {%- set catalogue = run_query(
            "select md5(coalesce(string_agg(procedure_code || '>' || coalesce(statutory_working_days::text, '') "
            ~ "|| '/' || has_fee::text || '/' || coalesce(online_level, ''), ',' order by procedure_code), '')) "
            ~ "from " ~ ref('stg_catalogue__procedures')) -%}
        {%- set fingerprint = fingerprint ~ ':' ~ catalogue.rows[0][0] -%}
    {%- endif -%}
    {%- if execute and fingerprint and (model.config.get('meta') or {}).get('rebuild_on_catalogue_change') -%}
        {%- set versions = run_query(
            "select md5(coalesce(string_agg(batch_id || '#' || row_num, ',' order by procedure_code), '')) from "
            ~ ref('stg_catalogue__procedures')) -%}
        {%- set fingerprint = fingerprint ~ ':' ~ versions.rows[0][0] -%}
    {%- endif -%}
    {{- return(fingerprint) -}}
{%- endmacro %}

{#- Post-hook of every incremental model: its cursor (the newest validated dossier version it has read: the latest
    dossiers are built before it in the same run) and the project it was built from. #}
{% macro record_model_build() -%}
    insert into kho.model_builds (model, project_fingerprint, validated_through, built_at)
    select '{{ this.schema }}.{{ this.identifier }}', '{{ kho_build_fingerprint() }}',
        max(d._validated_at), now()
    from {{ ref('base_onestop__latest_dossiers') if this.identifier != 'base_onestop__latest_dossiers' else this }} as d
    on conflict (model) do update set project_fingerprint = excluded.project_fingerprint,
        validated_through = excluded.validated_through, built_at = excluded.built_at
{%- endmacro %}

{#- Post-hook: an index under a fixed name, created if this table lacks it. dbt's `indexes` config creates indexes
    only when it creates the table, so a table that became incremental in place (or a column indexed later) would
    never get one; this creates it on the first run after the change and is a no-op after.
    - It asks the catalog for an index of that name on this table: `create index if not exists` would take a SHARE
      lock on the table first, which waits for a running autovacuum (and cancels it, after deadlock_timeout: a
      second per model in an incremental run), and it judges by the name alone.
    - On a --full-refresh of an existing model, the hooks run while dbt's backup of the old table (renamed, dropped
      after the commit) still holds the name: the old index is dropped with it, and the new table gets its own.
      Judged by the name alone, the new table was left without the index until the next build. -#}
{% macro ensure_index(columns, unique=false, where=none, label=none) -%}
    {#- a partial index (`where`) is named with its label: `<table>__<columns>__<label>` -#}
    {%- set name = this.identifier ~ '__' ~ (columns | join('__')) ~ ('__' ~ label if label else '') -%}
    {%- if where and not label -%}
        {{ exceptions.raise_compiler_error("a partial index needs a label for its name: " ~ name) }}
    {%- endif -%}
    {%- if name | length > 63 -%}
        {{ exceptions.raise_compiler_error("index name " ~ name ~ " is longer than PostgreSQL's 63 characters") }}
    {%- endif -%}
    do $ensure_index$ declare holder regclass; holder_name name; begin
        -- the table holding an index of that name (an index lives in its table's schema)
        select t.oid, t.relname into holder, holder_name
        from pg_index as i join pg_class as c on c.oid = i.indexrelid join pg_class as t on t.oid = i.indrelid
        where c.relname = '{{ name }}' and c.relnamespace = '{{ adapter.quote(this.schema) }}'::regnamespace;
        if holder is distinct from '{{ this }}'::regclass then
            -- held by dbt's backup of the replaced table (postgres__make_backup_relation): taken over; held by any
            -- other table, the create below fails naming the index
            if holder_name = left('{{ this.identifier }}', 51) || '__dbt_backup' then
                drop index {{ adapter.quote(this.schema) }}.{{ adapter.quote(name) }};
            end if;
            create {{ 'unique ' if unique }}index {{ adapter.quote(name) }} on {{ this }} ({{ columns | join(', ') }})
                {%- if where %} where {{ where }}{% endif %};
        end if;
    end $ensure_index$
{%- endmacro %}

{#- Restrict a staged list (or the staged dossiers) to what an incremental run of the calling model reads: the
    dossiers validated since its cursor. It is a condition on the dossier row alone, which PostgreSQL applies
    before a list is unnested (through the index on the latest dossiers' validation time); do not add an `or` with a
    subquery on a CTE to it: that cannot be pushed below the unnesting (int_onestop__dossier_milestones' comment).
    A full build reads everything, with no filter to pay for. #}
{% macro onestop_in_scope() -%}
    {% if is_incremental() %}where {{ onestop_validated_since_build('validated_at') }}{% endif %}
{%- endmacro %}

