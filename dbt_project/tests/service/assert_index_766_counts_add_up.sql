-- service_index_766_counts, kept by difference, still adds up: every cell has dossiers, no numerator exceeds its
-- denominator, every dossier counts in dossier_sync's denominator, and the cells hold one dossier per row of
-- fct_dossier_periods (a drift between the ledger and the facts fails here, not in a ranking)
-- fct_dossier_periods (in the same schema) is named, not ref'd: a ref would make this test run, and fail, in any
-- build that selects the facts without the counts (dbt selects a test with any of its parents)
{% set columns = index_766_count_columns() | map(attribute=0) | list %}
{% set periods = ref('service_index_766_counts').incorporate(path={"identifier": "fct_dossier_periods"}) %}
select cell_key, 'cell' as failure
from {{ ref('service_index_766_counts') }}
where not (dossiers > 0 and dossier_sync_den = dossiers
    {%- for column in columns if column.endswith('_num') and column[:-4] ~ '_den' in columns
                                  and column != 'avg_processing_days_num' %}
    and {{ column }} <= {{ column[:-4] }}_den
    {%- endfor %}
    {%- for column in columns if column != 'avg_processing_days_num' %}
    and {{ column }} >= 0
    {%- endfor %})
union all
select null, 'total: ' || c.dossiers || ' counted, ' || p.dossiers || ' dossier periods'
from (select coalesce(sum(dossiers), 0) as dossiers from {{ ref('service_index_766_counts') }}) as c
cross join (select count(*) as dossiers from {{ periods }}) as p
where c.dossiers <> p.dossiers
