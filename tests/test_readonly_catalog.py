"""Read-only, proved: the whole bundled catalog against the demo organization sends no write.

The demo scan runs in a child process with a recorder plugin implementing the
``pytest_awscompliance_client_created`` hook: on every client the scan creates it records
each operation called (``before-call``, which includes the few the demo answers itself) and
each request actually sent (``before-send``). The record is made once per test run and
shared, through a file lock, with ``tests/test_permissions.py`` (and with every xdist worker).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.aws.readonly import is_read_only
from tests.shared_run import STARTUP_ENVIRON, shared_run

REPO = Path(__file__).resolve().parents[1]

RECORDER = """
import json, sys
import pytest

called, sent = set(), set()

class Recorder:
    def pytest_awscompliance_client_created(self, client, service):
        def on_call(model, **_):
            called.add((service, model.name))

        def on_send(request, event_name, **_):
            sent.add((service, event_name.rsplit(".", 1)[-1]))

        client.meta.events.register_first("before-call", on_call)
        client.meta.events.register_first("before-send", on_send)

code = pytest.main(sys.argv[2:], plugins=[Recorder()])
with open(sys.argv[1], "w") as out:
    json.dump({"exit": int(code), "called": sorted(called), "sent": sorted(sent)}, out)
"""

MUTATING_PREFIXES = (
    "Create", "Put", "Delete", "Update", "Attach", "Detach", "Modify", "Start", "Stop", "Tag",
    "Untag", "Enable", "Disable", "Set", "Remove", "Add", "Run", "Terminate", "Associate",
    "Disassociate", "Register", "Deregister", "Import", "Upload", "Send", "Invoke", "Reset",
    "Reboot", "Revoke", "Authorize", "Cancel", "Accept", "Reject", "Restore", "Copy", "Change",
    "Replace",
)
"""An independent check of the guard: no operation named like a write may be sent."""


def offline_environ() -> dict[str, str]:
    """No real credentials and every AWS endpoint on a dead loopback port."""
    env = {k: v for k, v in STARTUP_ENVIRON.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="never-used", AWS_SECRET_ACCESS_KEY="never-used",
               AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_CONFIG_FILE="/nonexistent",
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))
    return env


def _record_demo_scan(work: Path) -> None:
    junit = work / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-c", RECORDER, str(work / "raw.json"),
         "--pyargs", "compliance_tests", "--aws-demo", "-p", "no:cacheprovider",
         "-p", "no:randomly", f"--junitxml={junit}", "-o", "junit_family=xunit2",
         "-rfE"],
        cwd=work, env=offline_environ(), capture_output=True, text=True, timeout=900,
    )
    data = json.loads((work / "raw.json").read_text())
    data.update(junit=str(junit), output=proc.stdout + proc.stderr)
    (work / "record.json").write_text(json.dumps(data))


RECORDED = shared_run("awscompliance-recorded-demo", _record_demo_scan, "recorded")
"""Read through this module's and ``tests/test_permissions.py``'s ``recorded`` fixture."""


def recorded_demo_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run ``--pyargs compliance_tests --aws-demo`` once per test run, with the recorder.

    Returns ``{"exit", "called", "sent", "junit", "output"}``; ``called`` and ``sent`` are
    ``[service, OperationName]`` pairs (boto3 service names).
    """
    work = RECORDED.directory(tmp_path_factory)
    return json.loads((work / "record.json").read_text())


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = recorded_demo_scan(tmp_path_factory)
    assert data["exit"] in (0, 1), data["output"][-3000:]
    return data


def test_the_scan_sent_requests(recorded: dict[str, Any]) -> None:
    assert len(recorded["sent"]) > 0
    assert len(recorded["called"]) >= len(recorded["sent"])
    services = {service for service, _ in recorded["sent"]}
    assert {"iam", "s3", "ec2"} <= services, services


def test_no_mutating_operation_was_sent(recorded: dict[str, Any]) -> None:
    for service, operation in recorded["sent"]:
        assert is_read_only(service, operation), f"{service}:{operation} was sent"
        assert not operation.startswith(MUTATING_PREFIXES), f"{service}:{operation} was sent"


def test_no_mutating_operation_was_even_called(recorded: dict[str, Any]) -> None:
    """Not even attempted: the guard would refuse it, but the catalog never asks."""
    for service, operation in recorded["called"]:
        assert is_read_only(service, operation), f"{service}:{operation} was called"
        assert not operation.startswith(MUTATING_PREFIXES), f"{service}:{operation} was called"


def test_the_guard_refused_nothing(recorded: dict[str, Any]) -> None:
    root = ET.parse(recorded["junit"]).getroot()
    assert len(list(root.iter("testcase"))) > 0
    for element in root.iter():
        if element.tag in ("error", "failure"):
            text = (element.get("message") or "") + (element.text or "")
            assert "pytest-awscompliance only reads" not in text, text


def test_the_independent_check_catches_writes() -> None:
    """The prefix list is no weaker than the guard on real write names."""
    for operation in ("CreateBucket", "PutBucketPolicy", "DeleteUser", "UpdateTrail",
                      "AttachRolePolicy", "ModifyInstanceAttribute", "StopLogging",
                      "TagResource", "RunInstances", "AuthorizeSecurityGroupIngress",
                      "RestoreDBInstanceFromDBSnapshot"):
        assert operation.startswith(MUTATING_PREFIXES)
        assert not is_read_only("any", operation)
