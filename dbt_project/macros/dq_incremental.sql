{#
  int_dq__record_versions is incremental by validation run: a run of the model reads the records of the validation
  runs it has not read yet (kho.model_validation_runs, migration 0011), recomputes the latest version of every record
  they touch, and records those runs as read in the same transaction. The runs to read are pinned in a temporary
  table by the pre-hook, so a validation committed while the model builds is left for the next build rather than
  recorded unread. A full build (first, --full-refresh, a changed project or unit register) reads every run and
  replaces the set.
#}

{#- pre-hook: the validation runs this build reads -#}
{% macro dq_runs_to_read() -%}
    create temp table dq_runs_to_read on commit drop as
    select v.run_id from {{ source('dq', 'validation_runs') }} as v
    {% if not kho_full_build() -%}
    where not exists (select 1 from kho.model_validation_runs as m
                      where m.model = '{{ this.schema }}.{{ this.identifier }}' and m.run_id = v.run_id)
    {%- endif %};
    analyze dq_runs_to_read
{%- endmacro %}

{#- post-hook: those runs are read; runs replaced since (a re-validation) are forgotten -#}
{% macro dq_runs_read() -%}
    {%- set model_name = this.schema ~ "." ~ this.identifier -%}
    {% if kho_full_build() %}delete from kho.model_validation_runs where model = '{{ model_name }}';{% endif %}
    insert into kho.model_validation_runs (model, run_id)
    select '{{ model_name }}', r.run_id from dq_runs_to_read as r
    on conflict do nothing;
    delete from kho.model_validation_runs as m
    where m.model = '{{ model_name }}'
        and not exists (select 1 from {{ source('dq', 'validation_runs') }} as v where v.run_id = m.run_id)
{%- endmacro %}
