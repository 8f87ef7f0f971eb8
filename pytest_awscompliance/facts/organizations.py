"""AWS Organizations facts: membership, the account tree, SCPs, and the management account."""

from __future__ import annotations

import json
from typing import Any

from pytest_awscompliance.analysis.org_layout import FULL_AWS_ACCESS, is_guardrail, path_targets
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.inventory.ec2 import instances
from pytest_awscompliance.inventory.organizations import NOT_IN_USE, organization
from pytest_awscompliance.model.errors import AwsApiError

SCP = "SERVICE_CONTROL_POLICY"
WORKLOAD_TYPES = ("lambda:function", "ecs:service", "ecs:task", "eks:cluster", "rds:db",
                  "rds:cluster")
"""Workloads besides EC2 instances, looked up through the Resource Groups Tagging API."""


def is_management_account(aws: AwsContext) -> bool:
    org = organization(aws)
    return org is not None and org.get("MasterAccountId") == aws.account_id


def cannot_see_organization(aws: AwsContext) -> str | None:
    """Why this account cannot judge the whole organization, or ``None`` when it can.

    The management account always can. A member can only as a delegated administrator:
    for any other member, AccessDenied on ListAccounts is the expected answer, so it
    means "not applicable here", not an error.
    """
    org = organization(aws)
    if org is None:
        return f"account {aws.account_id} is not in an AWS Organization"
    management = org.get("MasterAccountId")
    if management == aws.account_id:
        return None
    reason = (f"account {aws.account_id} is a member of {org.get('Id')}: run from the "
              f"management account {management} (or a delegated administrator)")
    try:
        listed = aws.paginate("organizations", "list_accounts").get("Accounts", [])
    except AwsApiError as exc:
        if exc.access_denied or exc.code == NOT_IN_USE:
            return reason
        raise
    return None if any(a.get("Id") == management for a in listed) else reason


def roots(aws: AwsContext) -> list[dict[str, Any]]:
    return aws.paginate("organizations", "list_roots").get("Roots", [])


def scp_enabled(root: dict[str, Any]) -> bool:
    return any(t.get("Type") == SCP and t.get("Status") == "ENABLED"
               for t in root.get("PolicyTypes", []))


def organization_accounts(aws: AwsContext) -> list[dict[str, Any]]:
    """Every account with ``Path`` (root, then OUs, down to its parent), sorted by id."""
    found: list[dict[str, Any]] = []

    def walk(parent: dict[str, Any], path: list[dict[str, Any]]) -> None:
        here = [*path, parent]
        for account in aws.paginate("organizations", "list_accounts_for_parent",
                                    ParentId=parent["Id"]).get("Accounts", []):
            found.append({**account, "Path": here})
        for unit in aws.paginate("organizations", "list_organizational_units_for_parent",
                                 ParentId=parent["Id"]).get("OrganizationalUnits", []):
            walk({"Id": unit["Id"], "Type": "ORGANIZATIONAL_UNIT", "Name": unit.get("Name")},
                 here)

    for root in roots(aws):
        walk({"Id": root["Id"], "Type": "ROOT", "Name": root.get("Name")}, [])
    return sorted(found, key=lambda a: a["Id"])


def account_tags(aws: AwsContext, account_id: str) -> dict[str, str]:
    answer = aws.paginate("organizations", "list_tags_for_resource", ResourceId=account_id)
    return {t["Key"]: t["Value"] for t in answer.get("Tags", [])}


def attached_scps(aws: AwsContext, target_id: str) -> list[dict[str, Any]]:
    """SCP summaries attached directly to a root, OU or account."""
    return aws.paginate("organizations", "list_policies_for_target", TargetId=target_id,
                        Filter=SCP).get("Policies", [])


def guardrail_scps(aws: AwsContext, account: dict[str, Any]) -> list[str]:
    """Names of the SCPs (other than FullAWSAccess) that restrict the account."""
    names = []
    for target in path_targets(account):
        for summary in attached_scps(aws, target):
            if summary["Id"] == FULL_AWS_ACCESS:
                continue
            content = aws.read("organizations", "describe_policy",
                               PolicyId=summary["Id"])["Policy"]["Content"]
            if is_guardrail(content):
                names.append(summary.get("Name") or summary["Id"])
    return names


def workloads(aws: AwsContext) -> list[str]:
    """Workloads running in this region: EC2 instances, plus tagged Lambda/ECS/EKS/RDS.

    The Tagging API only knows resources that have (or had) tags, so untagged
    non-EC2 workloads are missed.
    """
    found = [f"ec2 instance {i.name}" for i in instances(aws)]
    answer = aws.paginate("resourcegroupstaggingapi", "get_resources",
                          ResourceTypeFilters=list(WORKLOAD_TYPES))
    found += [m["ResourceARN"] for m in answer.get("ResourceTagMappingList", [])
              if ":ec2:" not in m["ResourceARN"]]
    return found


def scp_levels(aws: AwsContext) -> tuple[list[list[Any]], str | None]:
    """The SCPs governing the account, per level, and why they could not be read (if so).

    The management account and accounts outside an organization have none. A member's
    SCPs are read through the management account when it is scanned too, else through
    the member itself, where AccessDenied is the usual answer: the control then judges
    without SCPs (stricter) and says so.
    """
    org = organization(aws)
    if org is None or org.get("MasterAccountId") == aws.account_id:
        return [], None
    management = org.get("MasterAccountId", "")
    scanned = {a.account_id for a in aws.runtime.plan.accounts}
    reader = aws.runtime.context(management, GLOBAL) if management in scanned else aws
    try:
        member = next((a for a in organization_accounts(reader)
                       if a["Id"] == aws.account_id), None)
        if member is None:
            return [], f"SCPs not evaluated: {aws.account_id} not found in the organization"
        return [[json.loads(reader.read("organizations", "describe_policy",
                                        PolicyId=summary["Id"])["Policy"]["Content"])
                 for summary in attached_scps(reader, target)]
                for target in path_targets(member)], None
    except AwsApiError as exc:
        if exc.access_denied:
            return [], f"SCPs not evaluated: {exc.action} denied"
        raise
