{#
  Working-day arithmetic on dim_dates (Vietnamese calendar). Both take timestamps or dates; time of day is ignored.
  working_days_between(a, b): working days after a's date up to and including b's date (negative if b < a).
  add_working_days(ts, n): the date n working days after ts's date (n >= 1), as a date.
#}
{% macro working_days_between(start_expr, end_expr) -%}
    ((select e.working_day_seq from {{ ref('int_dates__calendar') }} as e where e.date_day = ({{ end_expr }})::date)
     - (select s.working_day_seq from {{ ref('int_dates__calendar') }} as s where s.date_day = ({{ start_expr }})::date))
{%- endmacro %}

{% macro add_working_days(start_expr, days_expr) -%}
    (select t.date_day from {{ ref('int_dates__calendar') }} as t
     where t.is_working_day
        and t.working_day_seq = (select s.working_day_seq from {{ ref('int_dates__calendar') }} as s
                                 where s.date_day = ({{ start_expr }})::date) + ({{ days_expr }}))
{%- endmacro %}

{% macro procedure_base_code(code_expr) -%}
    substring({{ code_expr }} from '^[0-9]\.[0-9]{6}')
{%- endmacro %}
