{% test unique_combination(model, columns) %}
-- Rows whose combination of `columns` is not unique (a composite key check without extra packages).
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
