"""The credential report: how it is fetched, its parser and the rules built on it (no AWS)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_awscompliance.engine import jobs
from pytest_awscompliance.engine.cache import ReadCache
from pytest_awscompliance.facts.credential_report import ROOT, fetch, parse
from pytest_awscompliance.facts.iam import (
    age_days,
    old_access_keys,
    recent_root_use,
    unused_credentials,
)
from pytest_awscompliance.model.errors import AwsApiError

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ROOT_ROW = (
    "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2026-11-27T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,"
    "N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)
ALICE = (
    "alice,arn:aws:iam::111111111111:user/alice,2026-01-01T00:00:00+00:00,true,no_information,"
    "2026-06-01T00:00:00+00:00,N/A,false,true,2026-01-02T00:00:00+00:00,"
    "2026-11-01T00:00:00+00:00,us-east-1,s3,true,2026-10-01T00:00:00+00:00,N/A,N/A,N/A,"
    "false,N/A,false,N/A"
)
BOB = (
    "bob,arn:aws:iam::111111111111:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,"
    "false,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def rows() -> dict:
    return {r.user: r for r in parse("\ufeff" + "\n".join([HEADER, ROOT_ROW, ALICE, BOB]) + "\n")}


def test_sentinels_become_none_and_flags_bools() -> None:
    report = rows()
    root, alice, bob = report[ROOT], report["alice"], report["bob"]
    assert root.is_root and root.password_enabled is None and root.mfa_active
    assert root.has_credentials  # not_supported password counts as "may have one"
    assert alice.password_enabled is True and alice.password_last_used is None
    assert alice.raw["password_last_used"] == "no_information"
    assert [k.active for k in alice.access_keys] == [True, True]
    assert alice.access_keys[1].last_used is None
    assert bob.password_enabled is False and not bob.active_keys and not bob.has_credentials
    assert bob.access_keys[0].last_rotated == datetime(2020, 1, 1, tzinfo=UTC)


def test_unused_credentials_include_never_used_ones() -> None:
    alice = rows()["alice"]
    assert unused_credentials(alice, NOW, 45) == [
        "console password never used, set 180 days ago",
        "access key 2 never used, created 58 days ago",
    ]
    assert unused_credentials(alice, NOW, 200) == []
    assert unused_credentials(rows()["bob"], NOW, 1) == []  # nothing enabled or active


def test_old_access_keys_only_active_ones() -> None:
    assert old_access_keys(rows()["alice"], NOW, 90) == ["access key 1 last rotated 330 days ago"]
    assert old_access_keys(rows()["bob"], NOW, 90) == []


def test_recent_root_use() -> None:
    root = rows()[ROOT]
    assert recent_root_use(root, NOW, 1) == [
        "root password used 2026-11-27 10:00 UTC (0 days ago)"]
    assert recent_root_use(root, datetime(2026, 12, 5, tzinfo=UTC), 1) == []


def test_age_days_handles_naive_and_unknown() -> None:
    assert age_days(None, NOW) is None
    assert age_days(datetime(2026, 11, 18), NOW) == 10


def test_empty_and_garbage_dates() -> None:
    text = HEADER + "\n" + ALICE.replace("2026-01-02T00:00:00+00:00", "not-a-date") + "\n"
    (alice,) = parse(text)
    assert alice.access_keys[0].last_rotated is None
    assert old_access_keys(alice, NOW, 90)[0] == "access key 1 last rotated at an unknown date"
    assert parse(HEADER + "\n") == ()


def test_fields_constant_matches_aws_header() -> None:
    from pytest_awscompliance.facts.credential_report import FIELDS

    assert ",".join(FIELDS) == HEADER


class ScriptedIam:
    """Just enough of an ``AwsContext`` for ``credential_report.fetch``: scripted answers."""

    account_id = "111111111111"
    label = "111111111111/global"

    def __init__(self, **answers: list[Any]):
        self.answers = answers
        self.calls: list[str] = []
        self.runtime = SimpleNamespace(cache=ReadCache())

    def call(self, service: str, operation: str, **params: Any) -> Any:
        self.calls.append(operation)
        answer = self.answers[operation].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _not_ready(code: str) -> AwsApiError:
    return AwsApiError("iam", "GetCredentialReport", code, "not yet", "111111111111/global")


def test_report_is_generated_once_then_read_until_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "POLL_INTERVAL", 0.001)
    aws = ScriptedIam(generate_credential_report=[{"State": "STARTED"}],
                      get_credential_report=[_not_ready("ReportInProgress"),
                                             {"Content": b"user,arn\nalice,arn:x\n"}])
    assert fetch(aws) == "user,arn\nalice,arn:x\n"  # type: ignore[arg-type]
    # No repeated GenerateCredentialReport: only the read is asked again, while in progress.
    assert aws.calls == ["generate_credential_report", "get_credential_report",
                         "get_credential_report"]
    assert fetch(aws) == "user,arn\nalice,arn:x\n"  # type: ignore[arg-type]
    assert len(aws.calls) == 3  # once per run


def test_a_report_error_other_than_in_progress_is_an_error() -> None:
    aws = ScriptedIam(generate_credential_report=[{"State": "COMPLETE"}],
                      get_credential_report=[_not_ready("ReportExpired")])
    with pytest.raises(AwsApiError) as caught:
        fetch(aws)  # type: ignore[arg-type]
    assert caught.value.code == "ReportExpired"
    assert aws.calls == ["generate_credential_report", "get_credential_report"]
