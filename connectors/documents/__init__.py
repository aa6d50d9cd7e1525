"""Connector for document management systems (edXML over the document axis, or a drop folder). No Airflow needed."""
