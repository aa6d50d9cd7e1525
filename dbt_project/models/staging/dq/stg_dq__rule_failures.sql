-- Rows failing a rule: error rules (dq.quarantine, the row is held back) and warn rules (dq.warnings, recorded).
select batch_id, row_num, run_id, rule, 'error' as severity from {{ source('dq', 'quarantine') }}
union all
select batch_id, row_num, run_id, rule, 'warn' as severity from {{ source('dq', 'warnings') }}
