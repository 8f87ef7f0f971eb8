"""boto3 sessions for one account: from a profile, the default chain, or an assumed role.

Assumed-role credentials refresh themselves before they expire, so long scans keep going.
Every session carries the read-only guard.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass
from typing import Any

import boto3
import botocore.session
from botocore.credentials import DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
from botocore.loaders import create_loader

from pytest_awscompliance import readonly
from pytest_awscompliance.errors import TargetError

SESSION_NAME = "pytest-awscompliance"
DEMO_CREDENTIALS = {"aws_access_key_id": "demo", "aws_secret_access_key": "demo"}


@dataclass(frozen=True)
class AccountAccess:
    """How to reach one account: plain strings only, so it can travel to xdist workers."""

    account_id: str
    label: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    endpoint_url: str | None = None
    home_region: str = "us-east-1"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountAccess:
        return cls(**data)


@functools.cache
def shared_loader() -> Any:
    """One botocore data loader for every session: service models are parsed once per
    process, not once per account (for 10 accounts, about 470 MB less)."""
    return create_loader()


def core_session() -> botocore.session.Session:
    """A fresh botocore session that shares the process's service models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", shared_loader())
    return core


def base_session(profile: str | None = None, *, demo: bool = False,
                 region: str | None = None) -> boto3.Session:
    """A guarded session from a profile, the default credential chain, or demo keys."""
    try:
        if demo:
            session = boto3.Session(botocore_session=core_session(),
                                    region_name=region or "us-east-1", **DEMO_CREDENTIALS)
        else:
            core = core_session()
            if profile is not None and profile not in core.available_profiles:
                raise ProfileNotFound(profile=profile)
            session = boto3.Session(botocore_session=core, profile_name=profile,
                                    region_name=region)
    except ProfileNotFound:
        known = ", ".join(sorted(boto3.Session().available_profiles)) or "none configured"
        raise TargetError(f"unknown AWS profile {profile!r} (known profiles: {known})") from None
    readonly.install(session.events)
    return session


def assumed_session(base: boto3.Session, role_arn: str, *, external_id: str | None,
                    region: str, endpoint_url: str | None = None) -> boto3.Session:
    """A guarded session whose credentials come from ``sts:AssumeRole`` and refresh."""
    sts = base.client("sts", region_name=region, endpoint_url=endpoint_url)

    def refresh() -> dict[str, str]:
        params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
        if external_id:
            params["ExternalId"] = external_id
        try:
            creds = sts.assume_role(**params)["Credentials"]
        except (ClientError, BotoCoreError) as exc:
            raise TargetError(f"cannot assume {role_arn}: {_reason(exc)}") from None
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    core = core_session()
    core._credentials = DeferredRefreshableCredentials(
        refresh_using=refresh, method="assume-role"
    )
    session = boto3.Session(botocore_session=core, region_name=region)
    readonly.install(session.events)
    return session


def session_for(access: AccountAccess) -> boto3.Session:
    """Build the guarded session that reaches ``access.account_id``."""
    demo = access.endpoint_url is not None and access.profile is None
    base = base_session(access.profile, demo=demo, region=access.home_region)
    if access.role_arn:
        return assumed_session(base, access.role_arn, external_id=access.external_id,
                               region=access.home_region, endpoint_url=access.endpoint_url)
    return base


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
    return str(exc)


class _ReportedRefreshFailure(logging.Filter):
    """botocore logs a failed role refresh with a traceback; the plugin already reports it as
    that account's ERROR (``sts:AssumeRole failed ...``), so the duplicate is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], TargetError))


logging.getLogger("botocore.credentials").addFilter(_ReportedRefreshFailure())
