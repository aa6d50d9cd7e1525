{#
  The reporting periods of the Decision 766 index: month, quarter, half-year and year (the national dashboard's
  timeType, plus the half-year its reports use). A dossier, a feedback item or a publishing decision belongs to the
  period of each type that holds the date it is counted by (a dossier: its reception), and is judged at that
  period's end, or at the data's as-of time while the period is still running.
#}

{#- the period types Kho computes (var kho_period_types, default all four, in this order) with the interval each
    spans; a deployment may compute fewer (a month-only warehouse is a quarter of the 766 work) -#}
{% macro kho_period_types() -%}
    {%- set spans = {"month": "1 month", "quarter": "3 months", "half_year": "6 months", "year": "1 year"} -%}
    {%- set wanted = var("kho_period_types", ["month", "quarter", "half_year", "year"]) -%}
    {%- for type in wanted if type not in spans -%}
        {{ exceptions.raise_compiler_error("var kho_period_types: unknown period type " ~ type
                                           ~ " (month, quarter, half_year, year)") }}
    {%- endfor -%}
    {%- if "month" not in wanted -%}
        {{ exceptions.raise_compiler_error("var kho_period_types must include month (the monthly marts read it)") }}
    {%- endif -%}
    {{ return(spans.items() | selectattr(0, "in", wanted) | list) }}
{%- endmacro %}

{#- the first day of the period of type `period_type` (a literal) holding the timestamp or date `at` -#}
{% macro kho_period_start(period_type, at) -%}
    {%- if period_type == "half_year" -%}
    (date_trunc('year', {{ at }}) + case when extract(month from {{ at }}) > 6 then interval '6 months'
                                         else interval '0 months' end)::date
    {%- else -%}
    date_trunc('{{ period_type }}', {{ at }})::date
    {%- endif -%}
{%- endmacro %}

{#- the exclusive end (a timestamp) of the period of type `period_type_column` starting `period_start_column` -#}
{% macro kho_period_end(period_type_column, period_start_column) -%}
    ({{ period_start_column }} + case {{ period_type_column }} when 'month' then interval '1 month'
        when 'quarter' then interval '3 months' when 'half_year' then interval '6 months' else interval '1 year' end
    )::timestamp
{%- endmacro %}

{#- Where a period's judgement is cut: its exclusive end `period_end`, or, while it still runs, just after the data's
    as-of time `as_of` (events strictly before the cut are visible; timestamps are whole seconds) -#}
{% macro kho_period_cut(period_end, as_of) -%}
    least({{ period_end }}, {{ as_of }} + interval '1 second')
{%- endmacro %}

{#- (period_type, period_start) rows of every period holding the timestamp or date `at` (a lateral values list) -#}
{% macro kho_periods_holding(at) -%}
    (values {% for type, span in kho_period_types() -%}
        ('{{ type }}'::text, {{ kho_period_start(type, at) }}){{ "," if not loop.last }}
    {%- endfor %})
{%- endmacro %}

{#- the judgement columns of int_onestop__dossier_on_time the dossier facts keep (fct_dossiers for the month,
    fct_dossier_periods for every period type) -#}
{% macro dossier_judgement_columns(alias) -%}
    {%- for column in ["status_at_period_end", "terminal_status_766", "judged_from", "end_at_766", "end_source_766",
                       "supplement_requests_in_period", "supplement_seconds", "on_time_766", "on_time_local",
                       "processing_working_days", "judgement_holds_until"] -%}
    {{ alias }}.{{ column }}{{ ",\n        " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
