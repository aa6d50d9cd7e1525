{# The current version of every register entry of one raw civil-status table, with its version history.
   Rows come from validated, unquarantined batches. An entry is keyed commune/type/book/number; the same content
   sent again (a re-exported file) is one version; a changed content is a new version (a correction), ordered by
   the export month, then arrival. `content` lists the SQL expressions that make up the content (dates parsed, so
   a different date style is not a correction). #}
{% macro civil_status_current(raw, kind, content) -%}
    with validated as (
        select r.*,
            {{ registration_key('r', kind) }} as registration_key,
            md5(concat_ws('|', {{ content | join(', ') }})) as content_hash
        from {{ raw }} as r
        where exists (select 1 from {{ source('dq', 'validation_runs') }} as v where v.batch_id = r._batch_id)
            and not exists (
                select 1 from {{ source('dq', 'quarantine') }} as q
                where q.batch_id = r._batch_id and q.row_num = r._row_num
            )
    ),

    distinct_versions as (
        select distinct on (registration_key, content_hash) *
        from validated
        order by registration_key, content_hash, _file_period, _extracted_at, _batch_id, _row_num
    ),

    numbered as (
        select *,
            row_number() over w as version_no,
            count(*) over (partition by registration_key) as version_count,
            min(_file_period) over (partition by registration_key) as first_export_period
        from distinct_versions
        window w as (partition by registration_key order by _file_period, _extracted_at, _batch_id, _row_num)
    )

    select * from numbered where version_no = version_count
{%- endmacro %}

{# The columns every civil-status staging model starts with: the entry's key, where its current version lies in
   raw (for the population checks), commune, book, number, registration date. #}
{% macro civil_status_entry_key(kind, stream) -%}
    registration_key,
    '{{ kind }}' as record_type,
    '{{ stream }}' as source_table,
    _batch_id as batch_id,
    _row_num as row_num,
    _file_unit_code as unit_code,
    quyenso as book,
    so as registration_number,
    kho.parse_vn_date(ngaydangky) as registered_on
{%- endmacro %}

{# ... and ends with: the requester as keyed pseudonyms (to match one-stop dossiers), and the version history. #}
{% macro civil_status_entry_tail() -%}
    {{ pseudonymize('nycsogiaytotuythan') }} as requester_id_pseudonym,
    {{ pseudonymize(person_name_key('nychoten')) }} as requester_name_pseudonym,
    version_count,
    first_export_period,
    _file_period as current_export_period
{%- endmacro %}

{# Sex as the registers write it ("Nam"/"Nữ") to 'male'/'female'. #}
{% macro civil_sex(column) -%}
    case {{ column }} when 'Nam' then 'male' when 'Nữ' then 'female' end
{%- endmacro %}
