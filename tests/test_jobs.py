"""The bounded wait for AWS report jobs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pytest_awscompliance.engine import jobs
from pytest_awscompliance.model.errors import AwsApiError


def test_wait_for_polls_until_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "POLL_INTERVAL", 0.001)
    answers = iter([None, None, "done"])
    aws = SimpleNamespace(label="111111111111/global")
    assert jobs.wait_for(lambda: next(answers), aws=aws, service="iam",
                         operation="GenerateCredentialReport", what="report") == "done"


def test_wait_for_gives_up_as_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "POLL_INTERVAL", 0.001)
    monkeypatch.setattr(jobs, "POLL_TIMEOUT", 0.01)
    aws = SimpleNamespace(label="111111111111/global")
    with pytest.raises(AwsApiError) as caught:
        jobs.wait_for(lambda: None, aws=aws, service="iam",
                      operation="GetServiceLastAccessedDetails", what="Access Advisor")
    assert caught.value.code == "JobTimeout"
    assert "iam:GetServiceLastAccessedDetails" in str(caught.value)
