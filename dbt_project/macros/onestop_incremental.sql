{#
  Incremental filter of the per-dossier one-stop models: a run takes the dossiers extracted since the model was
  last built, plus those whose reporting period was still open at the last build (they are judged again at the new
  period end). A rerun over the same data selects the same rows and rewrites them unchanged.
#}
{% macro onestop_changed_dossiers() -%}
    {% if is_incremental() %}
    where extracted_at > (select coalesce(max(t.extracted_at), '-infinity'::timestamptz) from {{ this }} as t)
        or period_end_at > (select coalesce(max(t.as_of_at), '-infinity'::timestamp) from {{ this }} as t)
    {% endif %}
{%- endmacro %}
