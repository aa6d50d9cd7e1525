-- Who applies and who publishes each procedure of stg_catalogue__procedures (the same latest validated versions):
-- one row per procedure, unit code and relation - applies (appliedDepartmentIds: communes, wards, departments) or
-- publishes (publishingDepartmentIds: the province, or a ministry).
with latest as (
    {{ latest_validated(source('catalogue', 'procedures'), 'code', changed='updatedat') }}
)

select distinct l.code as procedure_code, u.unit_code, u.relation
from latest as l
cross join lateral (
    select json_array_elements_text(l.applieddepartmentids) as unit_code, 'applies' as relation
    union all
    select json_array_elements_text(coalesce(l.publishingdepartmentids, '[]'::json)), 'publishes'
) as u
