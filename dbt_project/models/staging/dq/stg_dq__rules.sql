-- The validation rules as coded (kept in step by every validation run), with their wording for reports.
select suite, rule, severity, expectation, message_vi, message_en from {{ source('dq', 'rules') }}
