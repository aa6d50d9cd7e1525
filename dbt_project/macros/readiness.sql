{# The colour of a Plan 02 criterion's value against its thresholds (plan02_criteria): green from green_at, yellow
   from yellow_at (when the criterion has a yellow band), red below; null when there is no value. #}
{% macro plan02_colour(value, criteria='c') -%}
    case
        when {{ value }} is null then null
        when {{ value }} >= {{ criteria }}.green_at then 'green'
        when {{ criteria }}.yellow_at is not null and {{ value }} >= {{ criteria }}.yellow_at then 'yellow'
        else 'red'
    end
{%- endmacro %}
