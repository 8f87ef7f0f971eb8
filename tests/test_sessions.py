"""Sessions: one botocore loader per process, and each role assumed once per run."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.aws import sessions
from pytest_awscompliance.aws.sessions import AccountAccess, base_session
from tests.harness import CALLER, FAILING, PASSING, MotoWorld
from tests.test_bad_input import _refuse_assume_role


def test_sessions_share_service_models(moto_env: None) -> None:
    first, second = base_session(None), base_session(None, placeholder_keys=True)
    loader = first._session.get_component("data_loader")
    assert loader is second._session.get_component("data_loader")
    first.client("s3", region_name="us-east-1")
    second.client("s3", region_name="eu-west-1")
    assert any("s3" in str(key) for key in loader._cache)  # parsed once, shared


def test_roles_are_assumed_once_and_handed_to_sessions(
        world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """The xdist controller assumes each role once; a worker's session starts from those
    credentials and does not assume the role again until they near expiry."""
    member = AccountAccess(PASSING, "member", role_arn=f"arn:aws:iam::{PASSING}:role/audit")
    missing = AccountAccess(FAILING, "other", role_arn=f"arn:aws:iam::{FAILING}:role/audit")
    _refuse_assume_role(monkeypatch, FAILING)
    sent: list[str] = []
    assumed = sessions.assume_roles([member, missing, AccountAccess(CALLER, "caller")],
                                    on_request=lambda event_name, **_: sent.append(event_name))
    assert set(assumed) == {PASSING}  # the unassumable one is left to its worker's error
    assert sent == ["before-send.sts.AssumeRole"] * 2  # two roles, the caller has none
    assert set(assumed[PASSING]) == {"access_key", "secret_key", "token", "expiry_time"}

    def no_more(*_: Any, **__: Any) -> Any:
        raise AssertionError("assumed the role again")

    monkeypatch.setattr(sessions, "assume", no_more)
    session = sessions.session_for(member, assumed[PASSING])
    identity = session.client("sts", region_name="us-east-1").get_caller_identity()
    assert identity["Account"] == PASSING
