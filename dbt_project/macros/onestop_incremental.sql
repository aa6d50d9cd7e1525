{#
  Incremental filter of fct_dossiers: a run takes the dossiers whose version was validated since
  the model was last built (validation time, not extraction time: a batch extracted earlier can be validated
  later), plus those whose reporting period was still open at the last build (they are judged again at the new
  period end). A rerun over the same data selects the same rows and rewrites them unchanged.
#}
{% macro onestop_changed_dossiers() -%}
    {#- a table built by an older Kho version without the cursor columns is rewritten whole (and gains them) #}
    {% set built = adapter.get_columns_in_relation(this) | map(attribute='name') | list if is_incremental() else [] %}
    {% if is_incremental() and 'validated_at' in built and 'as_of_at' in built %}
    where validated_at > (select coalesce(max(t.validated_at), '-infinity'::timestamptz) from {{ this }} as t)
        or period_end_at > (select coalesce(max(t.as_of_at), '-infinity'::timestamp) from {{ this }} as t)
    {% endif %}
{%- endmacro %}
