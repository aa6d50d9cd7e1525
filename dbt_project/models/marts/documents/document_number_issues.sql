-- Breaks in document numbering. Decree 30/2020 numbers an agency's documents in one running sequence per calendar
-- year, restarting at 1 on 1 January. Per issuing agency and year: a number used by more than one document
-- (duplicate), and a number missing between the lowest and highest seen (gap). A gap can be legitimate (a document
-- not sent over the axis, or one still in quarantine); a duplicate is a keying error.
with numbered as (
    select sender_agency_code, sender_unit_code, extract(year from promulgation_date)::int as year, code_number,
        document_id
    from {{ ref('int_documents__documents') }}
    where code_number is not null and promulgation_date is not null
),

duplicates as (
    select
        sender_agency_code,
        min(sender_unit_code) as sender_unit_code,
        year,
        code_number,
        'duplicate' as issue,
        count(*) as documents,
        string_agg(document_id, ' | ' order by document_id) as document_ids
    from numbered
    group by sender_agency_code, year, code_number
    having count(*) > 1
),

bounds as (
    select sender_agency_code, min(sender_unit_code) as sender_unit_code, year, min(code_number) as lowest,
        max(code_number) as highest, array_agg(distinct code_number) as seen
    from numbered
    group by sender_agency_code, year
),

gaps as (
    select b.sender_agency_code, b.sender_unit_code, b.year, n.code_number, 'gap' as issue, 0 as documents,
        null::text as document_ids
    from bounds as b
    cross join lateral generate_series(b.lowest + 1, b.highest - 1) as n (code_number)
    where not n.code_number = any(b.seen)
)

select * from duplicates
union all
select * from gaps
