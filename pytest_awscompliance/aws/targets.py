"""Targets: which accounts and regions a run scans, resolved once on the controller.

A target is (account, region). Resolution turns options into ``AccountAccess`` records
(how to reach each account) and the regions of each account, as plain data that xdist
workers receive instead of resolving again.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
)
from botocore.regions import EndpointResolver

from pytest_awscompliance.aws.models import shared_loader
from pytest_awscompliance.aws.sessions import AccountAccess, base_session, session_for
from pytest_awscompliance.model.errors import TargetError
from pytest_awscompliance.settings.options import Settings
from pytest_awscompliance.settings.sharding import in_shard

DEFAULT_REGION = "us-east-1"
ENABLED_REGION_STATES = ("opt-in-not-required", "opted-in")


@dataclass(frozen=True)
class Target:
    """One scan target. ``region`` is a region name or ``"global"``."""

    account_id: str
    region: str

    @property
    def id(self) -> str:
        return f"{self.account_id}/{self.region}"


@dataclass
class Plan:
    """The resolved scan: accounts, how to reach them, and their regions."""

    accounts: list[AccountAccess]
    regions: dict[str, list[str]]
    partition: str = "aws"
    labels: dict[str, str] = field(default_factory=dict)
    all_accounts: list[str] = field(default_factory=list)  # before --aws-shard (manifest)

    def regional_targets(self) -> list[Target]:
        return [Target(a.account_id, r) for a in self.accounts for r in self.regions[a.account_id]]

    def account_targets(self) -> list[Target]:
        return [Target(a.account_id, "global") for a in self.accounts]

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": [a.to_dict() for a in self.accounts],
            "regions": self.regions,
            "partition": self.partition,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            accounts=[AccountAccess.from_dict(a) for a in data["accounts"]],
            regions={k: list(v) for k, v in data["regions"].items()},
            partition=data["partition"],
        )


def resolve(settings: Settings) -> Plan:
    """Resolve the settings into a plan; raise ``TargetError`` with one readable line."""
    plan = _resolve(settings)
    return select_shard(plan, settings.shard) if settings.shard else plan


def resolve_given(settings: Settings, accounts: list[AccountAccess],
                  available_regions: list[str]) -> Plan:
    """The plan for accounts a plugin hands over (``pytest_awscompliance_plan``): the
    requested regions (all ``available_regions`` if none or ``all``), each account's home
    region the first of them, as for resolved accounts; then the shard."""
    regions = list(settings.regions) if settings.regions else list(available_regions)
    if regions == ["all"]:
        regions = list(available_regions)
    _check_region_names(regions)
    accounts = [dataclasses.replace(a, home_region=regions[0]) for a in accounts]
    plan = Plan(accounts=accounts, regions={a.account_id: regions for a in accounts})
    return select_shard(plan, settings.shard) if settings.shard else plan


def select_shard(plan: Plan, shard: tuple[int, int]) -> Plan:
    """Keep the accounts of shard K of N (see sharding.py)."""
    index, count = shard
    accounts = [a for a in plan.accounts if in_shard(a.account_id, index, count)]
    return Plan(accounts=accounts, regions={a.account_id: plan.regions[a.account_id]
                                            for a in accounts},
                partition=plan.partition,
                all_accounts=[a.account_id for a in plan.accounts])


def _resolve(settings: Settings) -> Plan:
    try:
        _check_region_names([r for r in settings.regions if r != "all"])
        accounts, partition = _resolve_accounts(settings)
        regions = {a.account_id: _regions_for(a, settings.regions) for a in accounts}
        return Plan(accounts=accounts, regions=regions, partition=partition)
    except (BotoCoreError, ClientError, RuntimeError, ValueError) as exc:
        raise TargetError(describe_failure(exc, _default_source())) from None


def _default_source() -> str:
    """Where the default credential chain's credentials come from, for messages."""
    profile = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    return f"AWS_PROFILE {profile!r}" if profile else "the default credential chain"


def describe_failure(exc: Exception, source: str) -> str:
    """A credential or STS failure as one line naming ``source`` (a profile or the chain)."""
    if isinstance(exc, NoCredentialsError):
        if source.startswith("--aws-profile"):
            return f"{source} has no credentials (no keys, credential_process, SSO or role)"
        return (f"no AWS credentials found in {source}: configure it, pass --aws-profile, "
                "or try --aws-demo")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return (f"{source}: {exc.operation_name} failed: {error.get('Code')}: "
                f"{error.get('Message', '')}").rstrip(": ")
    if isinstance(exc, CredentialRetrievalError):
        detail = str(exc.kwargs.get("error_msg") or "").strip()
        return (f"{source}: the credentials from {exc.kwargs.get('provider', 'a provider')} "
                "cannot be used: " + (detail or "the command failed and printed no reason "
                                     "(run it by hand to see why)"))
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, BotoCoreError):
        return f"{source}: {text}"
    # botocore raises RuntimeError / ValueError for expired or unparsable credentials
    return f"{source}: AWS credentials cannot be used: {text}"


def _identity(session: boto3.Session) -> tuple[str, str]:
    arn = session.client("sts", region_name=session.region_name or DEFAULT_REGION)\
        .get_caller_identity()["Arn"]
    parts = arn.split(":")
    return parts[4], parts[1]


def _home(session: boto3.Session, requested: tuple[str, ...]) -> str:
    named = [r for r in requested if r != "all"]
    return named[0] if named else (session.region_name or DEFAULT_REGION)


def _resolve_accounts(settings: Settings) -> tuple[list[AccountAccess], str]:
    if settings.profiles:
        accounts, partition = [], "aws"
        for profile in dict.fromkeys(settings.profiles):
            source = f"--aws-profile {profile}"
            try:
                session = base_session(profile)
                account, partition = _identity(session)
            except (BotoCoreError, ClientError, RuntimeError, ValueError) as exc:
                raise TargetError(describe_failure(exc, source)) from None
            for other in accounts:
                if other.account_id == account:
                    raise TargetError(
                        f"{source} reaches account {account}, like --aws-profile "
                        f"{other.profile}: give one profile per account (and --aws-region "
                        "for the regions to scan)")
            accounts.append(AccountAccess(account, f"profile {profile}", profile=profile,
                                          home_region=_home(session, settings.regions)))
        return accounts, partition
    base = base_session(None)
    caller, partition = _identity(base)
    home = _home(base, settings.regions)
    if settings.accounts:
        ids = list(dict.fromkeys(settings.accounts))
    elif settings.organization:
        pages = base.client("organizations", region_name=home).get_paginator("list_accounts")
        ids = sorted(a["Id"] for page in pages.paginate() for a in page["Accounts"]
                     if a.get("Status", a.get("State")) == "ACTIVE")
    else:
        return [AccountAccess(caller, "default credentials", home_region=home)], partition
    accounts = []
    for account in ids:
        if account == caller:
            accounts.append(AccountAccess(account, "caller", home_region=home))
        else:
            role = f"arn:{partition}:iam::{account}:role/{settings.role_name}"
            accounts.append(AccountAccess(account, f"role {settings.role_name}", role_arn=role,
                                          external_id=settings.external_id, home_region=home))
    return accounts, partition


def _regions_for(access: AccountAccess, requested: tuple[str, ...]) -> list[str]:
    if not requested:
        regions = [access.home_region]
    elif requested == ("all",):
        ec2 = session_for(access).client("ec2", region_name=access.home_region,
                                         endpoint_url=access.endpoint_url)
        regions = sorted(r["RegionName"] for r in ec2.describe_regions(AllRegions=False)["Regions"]
                         if r.get("OptInStatus", "opt-in-not-required") in ENABLED_REGION_STATES)
    else:
        regions = list(dict.fromkeys(requested))
    return regions


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region botocore knows in the aws, aws-cn and aws-us-gov partitions.

    Read from botocore's endpoint data on the shared loader: a session of its own would
    parse the endpoint data again and EC2's whole model (14 MB) to learn its prefix."""
    resolver = EndpointResolver(shared_loader().load_data("endpoints"))
    return frozenset(
        region
        for partition in ("aws", "aws-cn", "aws-us-gov")
        for region in resolver.get_available_endpoints("ec2", partition)
    )


def _check_region_names(regions: list[str]) -> None:
    for region in regions:
        if region not in known_regions():
            raise TargetError(f"unknown AWS region {region!r}")
