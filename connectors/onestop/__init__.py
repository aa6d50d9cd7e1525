"""Connector for a provincial electronic one-stop system (dossiers in the DVCQG sync shape). No Airflow needed."""
