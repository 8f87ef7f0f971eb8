"""Reports people and dashboards use: pytest-html columns and summary, OCSF findings JSON,
Security Hub (ASFF) findings, the terminal summary and the ``--fail-on-severity`` exit-code
policy.

``results`` (the ``ControlResult`` record, from report data only), ``summary`` (counts and
terminal lines), ``gate`` (exit status), ``ocsf`` (findings JSON), ``asff`` (Security Hub
batches), ``html`` (pytest-html hooks), ``options`` and ``plugin`` (``ReportingPlugin``).
Kept import-light: ``pytest_awscompliance.settings.options`` imports ``reporting.options``.
"""
