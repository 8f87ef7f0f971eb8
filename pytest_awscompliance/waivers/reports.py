"""What waivers put on reports: the waiver of a waived result, the explanation of one that
could not be applied, and the one report of a stale waiver."""

from __future__ import annotations

import pytest

from pytest_awscompliance.waivers.model import Waiver
from pytest_awscompliance.waivers.stale import Stale

CLASSNAME = "awscompliance.waivers"  # JUnit classname of the stale-waiver testcases
SECTION = "compliance waiver"  # the report section explaining a waiver not applied


def stale_report(stale: Stale, mode: str) -> pytest.TestReport:
    """The one report of a stale waiver: a JUnit testcase of its own classname."""
    waiver = stale.waiver
    name = f"{waiver.where} {waiver.label}"
    location = (waiver.source, (waiver.line or 1) - 1, name)
    if mode == "fail":
        outcome, longrepr = "failed", stale.reason
    else:
        outcome, longrepr = "skipped", (waiver.source, waiver.line or 1, stale.reason)
    report = pytest.TestReport(nodeid=f"{CLASSNAME}::{name}", location=location,
                               keywords={}, outcome=outcome, longrepr=longrepr, when="call")
    report.stale_waiver = waiver.to_dict()  # type: ignore[attr-defined]
    return report


def annotate(report: pytest.TestReport, call: pytest.CallInfo[None], waiver: Waiver) -> None:
    """Attach the waiver to a waived report; explain an unwaivable one."""
    if report.skipped and str(getattr(report, "wasxfail", "")).startswith("waived:"):
        report.waiver = waiver.to_dict()  # type: ignore[attr-defined]
    elif report.failed and call.excinfo is not None \
            and not isinstance(call.excinfo.value, AssertionError):
        report.sections.append((SECTION, f"{waiver.label} of {waiver.source} not applied: only "
                                         "a control failure (AssertionError) can be waived, "
                                         f"this is {call.excinfo.typename}"))
