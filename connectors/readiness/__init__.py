"""The provincial monitoring of Plan 02-KH/BCĐTW: the communes' monthly readiness returns, from the monitoring
system's API and from the province's template dropped as XLSX/CSV."""
