"""Reports people and dashboards use: pytest-html columns and summary, OCSF findings JSON,
Security Hub (ASFF) findings, the terminal summary and the ``--fail-on-severity`` exit-code
policy.

``summary`` (counts and terminal lines), ``gate`` (exit status), ``ocsf`` (findings JSON),
``asff`` (Security Hub batches), ``html`` (pytest-html hooks) and ``plugin``
(``ReportingPlugin``), all on the ``ControlResult`` record of ``model/results.py``; the
options are ``settings/report_options.py``.
"""
