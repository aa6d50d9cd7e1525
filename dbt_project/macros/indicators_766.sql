{#
  The Decision 766 indicators Kho computes from dossiers, in seed order. Each has <id>_num and <id>_den in
  service_index_766_dossiers. kind = dossiers: counts of flagged dossiers; procedures: distinct procedures of
  flagged dossiers; publications: the publishing decisions signed that month for the procedures the unit applies
  (int_catalogue__decisions); in_force: the procedures the unit applies in force at the period end (the procedure
  catalogue); catalogue: those of them with a fee, the numerator the ones among the procedures of the dossiers
  flagged <id>_num; average: the numerator
  is a sum (working days) over the flagged dossiers; feedback: counted over feedback items
  (int_feedback__unit_months), not dossiers. The seed indicators_766 carries names and scoring; a dbt test
  (tests/service/assert_indicator_lists_match_seed.sql) keeps the two lists in step.
#}
{% macro computed_indicators_766() -%}
    {{ return([
        {"id": "procedures_published_on_time", "kind": "publications"},
        {"id": "procedures_updated_on_time", "kind": "publications"},
        {"id": "procedures_full_content", "kind": "in_force"},
        {"id": "dossier_sync", "kind": "dossiers"},
        {"id": "on_time", "kind": "dossiers"},
        {"id": "avg_processing_days", "kind": "average"},
        {"id": "online_dossiers", "kind": "dossiers"},
        {"id": "full_online_dossiers", "kind": "dossiers"},
        {"id": "procedures_online", "kind": "in_force"},
        {"id": "procedures_payment_integrated", "kind": "catalogue"},
        {"id": "electronic_results", "kind": "dossiers"},
        {"id": "digitized_dossiers", "kind": "dossiers"},
        {"id": "reused_data", "kind": "dossiers"},
        {"id": "dvcqg_store", "kind": "dossiers"},
        {"id": "population_data_dossiers", "kind": "dossiers"},
        {"id": "population_data_procedures", "kind": "procedures"},
        {"id": "feedback_on_time", "kind": "feedback"},
        {"id": "feedback_satisfaction", "kind": "feedback"},
        {"id": "dossier_satisfaction", "kind": "dossiers"},
        {"id": "online_payment_dossiers", "kind": "dossiers"},
        {"id": "online_payment_procedures", "kind": "procedures"},
        {"id": "fee_procedures_with_dossiers", "kind": "catalogue"},
    ]) }}
{%- endmacro %}

{# Every indicator id of the seed, in seed order (computed or not): the columns of the wide mart. #}
{% macro all_indicators_766() -%}
    {{ return([
        "procedures_published_on_time", "procedures_updated_on_time", "procedures_full_content", "dossier_sync",
        "on_time", "avg_processing_days", "online_dossiers", "full_online_dossiers", "procedures_online",
        "procedures_payment_integrated", "electronic_results",
        "digitized_dossiers", "certified_copies", "reused_data", "dvcqg_store", "population_data_dossiers",
        "population_data_procedures", "feedback_on_time", "feedback_satisfaction", "dossier_satisfaction",
        "online_payment_dossiers", "online_payment_procedures", "fee_procedures_with_dossiers",
    ]) }}
{%- endmacro %}

{# A unit's tier from its unit_level: 'province' for the province and its departments (and the units under them),
   else 'commune' (communes, wards, special zones). #}
{% macro unit_tier(unit_level) -%}
    case when {{ unit_level }} in ('province', 'department', 'department_unit') then 'province' else 'commune' end
{%- endmacro %}
