"""The JUnit properties of a control's test: one table of their names.

A control's test carries them as ``user_properties`` (JUnit XML ``<property>``), written by
``collect/items.py`` while the test runs and read back from the report, on the xdist
controller too, by ``model/results.py``, the reports, the waivers and the fleet feature.
"""

from __future__ import annotations

CONTROL_ID = "control_id"
SEVERITY = "severity"
ACCOUNT = "account"
REGION = "region"
RESOURCE = "resource"
TITLE = "title"
FRAMEWORKS = "frameworks"
"""``"aws-fsbp:IAM.4 cis-aws-3.0:1.4"``: framework:requirement pairs, space separated."""
REMEDIATION = "remediation"
BASELINE = "baseline"
"""Added by the fleet feature to a failed result's teardown report: ``new`` or ``known``."""

NAMES: tuple[str, ...] = (CONTROL_ID, SEVERITY, ACCOUNT, REGION, RESOURCE, TITLE, FRAMEWORKS,
                          REMEDIATION)
"""The control's properties, in the order every report of its test carries them."""

SHARED: frozenset[str] = frozenset(NAMES) - {RESOURCE}
"""The properties whose values many tests of a run repeat (one copy kept of each value)."""
