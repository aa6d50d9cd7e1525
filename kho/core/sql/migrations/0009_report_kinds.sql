-- 0009: which report an e-mail carried: 'dq' (the data-quality report) or 'plan02' (the Plan 02 readiness report).
-- A unit gets each kind once per period and language, so the kinds are told apart when a rerun skips what was sent.
alter table kho.report_deliveries add column if not exists report text not null default 'dq';
create index if not exists report_deliveries_report_idx on kho.report_deliveries (report, period, lang);
