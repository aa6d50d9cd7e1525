"""The core: settings, the warehouse and its schema, landing, loading, batches, windows and state. Imports nothing
above it (no domain rule, no source, no Airflow)."""
