"""Outcomes: an AWS read that failed is an ERROR naming the operation, never a FAIL or PASS."""

from __future__ import annotations

import pytest

from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.errors import AwsApiError, ReadOnlyViolation, api_name
from pytest_awscompliance.model.results import first_line, properties_of

SCANNER_ERRORS = (AwsApiError, ReadOnlyViolation)


def classify(report: pytest.TestReport,
             excinfo: pytest.ExceptionInfo[BaseException] | None, *,
             control: bool = False) -> None:
    """Rewrite a call report in place: scanner errors become errors, messages are kept short.

    ``report.when`` becomes ``"setup"`` for a scanner error so that the terminal, JUnit
    (``<error>``) and pytest-html all count an ERROR, which is what happened: the control
    could not look at the account.
    """
    if excinfo is None:
        return
    if isinstance(excinfo.value, AwsApiError) and excinfo.value.scp_denied \
            and scp_closed(report, excinfo.value):
        return
    if isinstance(excinfo.value, SCANNER_ERRORS):
        message = str(excinfo.value)
        if report.when == "call":
            report.when = "setup"  # type: ignore[assignment]
        report.outcome = "failed"
        report.longrepr = message
        report.compliance_error = message  # type: ignore[attr-defined]
        if isinstance(excinfo.value, AwsApiError) and excinfo.value.access_denied:
            report.missing_permission = excinfo.value.action  # type: ignore[attr-defined]
    elif isinstance(excinfo.value, AssertionError):
        report.compliance_message = first_line(str(excinfo.value))  # type: ignore[attr-defined]
    elif control and report.failed and report.when == "call":
        # Not a finding: the control broke (a bug, an API the environment lacks...). It did
        # not decide, so it is an ERROR; the traceback stays for whoever fixes it.
        report.when = "setup"  # type: ignore[assignment]
        error = excinfo.value
        report.compliance_error = (  # type: ignore[attr-defined]
            f"control could not decide: {type(error).__name__}: {first_line(str(error))}")


def scp_closed(report: pytest.TestReport, error: AwsApiError) -> bool:
    """A regional read denied by an SCP: the organization closed that region, so the
    control is out of scope there (SKIPPED, ``report.scp_closed = "account/region"``),
    not an ERROR. An account-wide read denied by an SCP stays an ERROR."""
    props = properties_of(report)
    account, region = props.get(prop.ACCOUNT, ""), props.get(prop.REGION, "")
    if not account or not region or region == "global":
        return False
    report.outcome = "skipped"
    report.scp_closed = f"{account}/{region}"  # type: ignore[attr-defined]
    path, lineno = str(report.location[0]), (report.location[1] or 0) + 1
    report.longrepr = (path, lineno, f"Skipped: region {region} of {account} closed by a "
                       f"service control policy ({api_name(error.service, error.operation)}"
                       f" denied): out of scope")
    return True
