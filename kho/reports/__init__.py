"""Data-quality reports for units: read from the DQ marts, rendered with Jinja (HTML, optionally PDF), delivered
by e-mail. ``kho report`` and the ``publish_dq_reports`` DAG both call :func:`kho.reports.render.publish`."""
