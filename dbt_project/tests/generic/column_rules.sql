{#
  A model's column rules as one test: one scan of the model for its per-row rules and one grouping per uniqueness
  rule, where dbt's built-in tests (not_null, unique, accepted_values, …) make a node per column and rule. Each node
  costs a build ~0.065 s of dbt's own work (compiling its arguments, a connection, logging) on top of its query:
  with ~270 column rules that was a third of an hourly run's transform on a small warehouse.

  Rules (each optional; nulls pass every rule but not_null, as in dbt's built-in tests):
    not_null:          [column, …]
    unique:            [column, …]           a value on two rows
    unique_together:   [[column, …], …]      a combination on two rows (the composite keys)
    accepted_values:   {column: [value, …]}  (compared as text literals, as dbt's accepted_values quotes them)
    in_range:          {column: [min, max]}  inclusive bounds

  Each rule breaks exactly where dbt's built-in test of the same name fails. It returns one row per broken rule:
  the rule, the column(s) and how many rows break it (for a uniqueness rule how many values are repeated, as dbt's
  unique counts; dbt's accepted_values counted distinct values, this counts rows); the test fails (or warns, by its
  severity) on their sum.
  `kho.dbt.run_dbt` names the broken rules in its error. A `where` config scopes every rule of the test, so a test
  scoped to the changed dossiers must not carry a uniqueness rule (tests/test_dbt_project.py holds that).
#}
{% test column_rules(model, not_null=[], unique=[], unique_together=[], accepted_values={}, in_range={}) %}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
{%- set row_rules = [] -%}
{%- for c in not_null -%}
    {%- do row_rules.append(('not_null', c, c ~ ' is null')) -%}
{%- endfor -%}
{%- for c, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for v in values -%}{%- do listed.append("'" ~ (v | string | replace("'", "''")) ~ "'") -%}{%- endfor -%}
    {%- do row_rules.append(('accepted_values', c, c ~ ' not in (' ~ listed | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- for c, bounds in in_range.items() -%}
    {%- do row_rules.append(('in_range', c, c ~ ' < ' ~ bounds[0] ~ ' or ' ~ c ~ ' > ' ~ bounds[1])) -%}
{%- endfor -%}
{%- set groups = [] -%}
{%- for c in unique -%}{%- do groups.append(('unique', [c])) -%}{%- endfor -%}
{%- for cs in unique_together -%}{%- do groups.append(('unique_together', cs)) -%}{%- endfor -%}
{%- set branches = [] -%}
{%- if row_rules -%}
    {%- set counted -%}
select r.rule, r.column_name, r.failing_rows
from (
    select
    {%- for rule, column, broken in row_rules %}
        count(*) filter (where {{ broken }}) as c{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ model }}
) as counts
cross join lateral (values
    {%- for rule, column, broken in row_rules %}
    ('{{ rule }}', '{{ column }}', c{{ loop.index }}){{ ',' if not loop.last }}
    {%- endfor %}
) as r (rule, column_name, failing_rows)
where r.failing_rows > 0
    {%- endset -%}
    {%- do branches.append(counted) -%}
{%- endif -%}
{%- for rule, columns in groups -%}
    {%- set repeated -%}
select '{{ rule }}' as rule, '{{ columns | join(", ") }}' as column_name, count(*) as failing_rows
from (
    select 1 from {{ model }}
    {%- if rule == 'unique' %}
    where {{ columns[0] }} is not null
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
) as repeated
having count(*) > 0
    {%- endset -%}
    {%- do branches.append(repeated) -%}
{%- endfor -%}
{%- if not branches -%}
    {{ exceptions.raise_compiler_error('column_rules on ' ~ model ~ ': no rule given') }}
{%- endif -%}
{{ branches | join('\nunion all\n') }}
{% endtest %}
