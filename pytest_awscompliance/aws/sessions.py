"""boto3 sessions for one account: from a profile, the default chain, or an assumed role.

Assumed-role credentials refresh themselves before they expire, so long scans keep going.
Every session carries the read-only guard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.credentials import DeferredRefreshableCredentials, RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from pytest_awscompliance.aws import readonly
from pytest_awscompliance.aws.models import shared_loader
from pytest_awscompliance.model.errors import TargetError

SESSION_NAME = "pytest-awscompliance"
ENDPOINT_KEYS = {"aws_access_key_id": "placeholder", "aws_secret_access_key": "placeholder"}
"""The keys of an account reached at its own endpoint (an emulator) without a profile: the
machine's credential chain is never sent to an endpoint that is not AWS."""


@dataclass(frozen=True)
class AccountAccess:
    """How to reach one account: plain strings only, so it can travel to xdist workers."""

    account_id: str
    label: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = field(default=None, repr=False)  # a secret: never printed
    endpoint_url: str | None = None
    home_region: str = "us-east-1"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountAccess:
        return cls(**data)


def core_session() -> botocore.session.Session:
    """A fresh botocore session that shares the process's service models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", shared_loader())
    return core


def base_session(profile: str | None = None, *, placeholder_keys: bool = False,
                 region: str | None = None) -> boto3.Session:
    """A guarded session from a profile, the default credential chain, or placeholder keys."""
    try:
        if placeholder_keys:
            session = boto3.Session(botocore_session=core_session(),
                                    region_name=region or "us-east-1", **ENDPOINT_KEYS)
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


Credentials = dict[str, str]
"""Temporary credentials as botocore's refreshable credentials take them: ``access_key``,
``secret_key``, ``token``, ``expiry_time`` (ISO 8601)."""


def assume(sts: Any, role_arn: str, external_id: str | None) -> Credentials:
    """One ``sts:AssumeRole``; failures raise ``TargetError`` naming the role."""
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


RequestHook = Callable[..., None]
"""A botocore ``before-send`` handler, such as the scan's request counter."""


def _sts(base: boto3.Session, region: str, endpoint_url: str | None,
         on_request: RequestHook | None) -> Any:
    sts = base.client("sts", region_name=region, endpoint_url=endpoint_url)
    readonly.install(sts.meta.events, scanner=True)  # this client may assume roles
    if on_request is not None:
        sts.meta.events.register("before-send", on_request)
    return sts


def assumed_session(base: boto3.Session, role_arn: str, *, external_id: str | None,
                    region: str, endpoint_url: str | None = None,
                    initial: Credentials | None = None,
                    on_request: RequestHook | None = None) -> boto3.Session:
    """A guarded session whose credentials come from ``sts:AssumeRole`` and refresh.

    ``initial``: credentials already assumed for this role (by the xdist controller), used
    until they near expiry; without them the role is assumed on first use.
    """
    sts = _sts(base, region, endpoint_url, on_request)

    def refresh() -> Credentials:
        return assume(sts, role_arn, external_id)

    core = core_session()
    if initial is not None:
        core._credentials = RefreshableCredentials.create_from_metadata(
            metadata=initial, refresh_using=refresh, method="assume-role")
    else:
        core._credentials = DeferredRefreshableCredentials(
            refresh_using=refresh, method="assume-role")
    session = boto3.Session(botocore_session=core, region_name=region)
    readonly.install(session.events)
    return session


def _base_for(access: AccountAccess) -> boto3.Session:
    own_endpoint = access.endpoint_url is not None and access.profile is None
    return base_session(access.profile, placeholder_keys=own_endpoint, region=access.home_region)


def session_for(access: AccountAccess, initial: Credentials | None = None,
                on_request: RequestHook | None = None) -> boto3.Session:
    """Build the guarded session that reaches ``access.account_id``."""
    base = _base_for(access)
    if access.role_arn:
        return assumed_session(base, access.role_arn, external_id=access.external_id,
                               region=access.home_region, endpoint_url=access.endpoint_url,
                               initial=initial, on_request=on_request)
    return base


def assume_roles(accounts: list[AccountAccess], *, threads: int = 16,
                 on_request: RequestHook | None = None) -> dict[str, Credentials]:
    """Assume every account's role once, concurrently: the xdist controller hands the
    credentials to its workers, so a run assumes each role once, not once per worker.

    Returns the credentials by account id; accounts whose role could not be assumed are
    left out (their workers try again and report the error).
    """
    roles = [a for a in accounts if a.role_arn]

    def one(access: AccountAccess) -> Credentials | None:
        sts = _sts(_base_for(access), access.home_region, access.endpoint_url, on_request)
        try:
            return assume(sts, access.role_arn or "", access.external_id)
        except TargetError:
            return None

    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(roles)))) as pool:
        answers = list(pool.map(one, roles))
    return {a.account_id: c for a, c in zip(roles, answers, strict=True) if c is not None}


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
