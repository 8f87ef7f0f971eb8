"""Inline "controls" for reporting tests: plain tests carrying the properties a real
control item gets, so the reports can be exercised without AWS (fast, deterministic).

Scanner errors go through the real plugin (``AwsApiError``); waived results follow the
waivers contract (an xfail whose reason starts with ``waived:`` plus ``report.waiver``,
shaped as ``Waiver.to_dict()``).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

CONFTEST = '''
import pytest


def pytest_itemcollected(item):
    props = getattr(getattr(item, "obj", None), "compliance_properties", None)
    if props:
        item.user_properties.extend(props)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    reason = str(getattr(report, "wasxfail", ""))
    if report.skipped and reason.startswith("waived:"):
        report.waiver = {"control": dict(item.user_properties)["control_id"],
                         "justification": reason[len("waived:"):].strip(),
                         "owner": "alice", "expires": "2099-01-31", "ticket": "SEC-42",
                         "permanent": False, "account": None, "region": None,
                         "resource": None, "index": 1, "source": "waivers.yaml"}
    return report
'''

HEADER = '''
import pytest
from pytest_awscompliance.model.errors import AwsApiError


def control(control_id, severity, *, resource="arn:aws:s3:::bucket-a",
            account="111111111111", region="us-east-1", title=None,
            frameworks="aws-fsbp:S3.1 cis-aws-3.0:2.1.4",
            remediation="aws s3api put-public-access-block --bucket <name>"):
    props = [("control_id", control_id), ("severity", severity), ("account", account),
             ("region", region), ("resource", resource),
             ("title", title or f"{control_id} title"), ("frameworks", frameworks),
             ("remediation", remediation)]

    def deco(fn):
        fn.compliance_properties = props
        return fn
    return deco
'''

HOSTILE = "<script>alert(1)</script>"

MIXED = HEADER + '''

@control("ctl-critical-fail", "critical")
def test_critical_fails():
    assert False, "bucket-a BlockPublicAcls=False"


@control("ctl-high-pass", "high", resource="arn:aws:ec2:us-east-1:111111111111:instance/i-1")
def test_high_passes():
    pass


@control("ctl-low-fail", "low", resource="<script>alert(1)</script>",
         title="<b>title</b>", remediation="<i>fix</i> & go")
@pytest.mark.parametrize("name", ["<img src=x onerror=alert(2)>"])
def test_low_fails_hostile(name):
    assert False, "<b>evidence</b> & more"


@control("ctl-medium-error", "medium", account="222222222222", region="global",
         resource="222222222222/global")
def test_medium_errors():
    raise AwsApiError("s3", "GetBucketPolicy", "AccessDenied", "User is not authorized",
                      "222222222222/us-east-1")


@control("ctl-high-waived", "high")
@pytest.mark.xfail(reason="waived: accepted until the migration (owner alice)", strict=True,
                   raises=AssertionError)
def test_high_waived():
    assert False, "bucket-a still public"


@control("ctl-info-skip", "info", frameworks="")
def test_info_skipped():
    pytest.skip("does not apply: member account")


def test_not_a_control():
    pass
'''
"""One result of each outcome (plus a hostile resource, and a plain test)."""

MIXED_COUNTS = {
    "critical": {"failed": 1},
    "high": {"passed": 1, "waived": 1},
    "medium": {"error": 1},
    "low": {"failed": 1},
    "info": {"skipped": 1},
}


def write_controls(pytester: pytest.Pytester, body: str = MIXED, name: str = "test_fake") -> Path:
    pytester.makeconftest(CONFTEST)
    return pytester.makepyfile(**{name: body})


def html_data(path: Path) -> dict[str, Any]:
    """The test data pytest-html embeds in its report (``data-jsonblob``)."""
    text = path.read_text(encoding="utf-8")
    blob = re.search(r'data-jsonblob="([^"]*)"', text)
    assert blob, "no data-jsonblob in the report"
    return json.loads(html.unescape(blob.group(1)))


def rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The first row of each test, by node id."""
    return {nodeid: entries[0] for nodeid, entries in data["tests"].items()}
