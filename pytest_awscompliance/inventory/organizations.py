"""Member accounts of an organization, listed from its management account."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import MemberAccount

NOT_IN_USE = "AWSOrganizationsNotInUseException"


def organization(aws: AwsContext) -> dict[str, Any] | None:
    """The organization the account belongs to, or ``None`` when it belongs to none."""
    answer = aws.read("organizations", "describe_organization", missing_ok=(NOT_IN_USE,))
    return None if answer is None else answer["Organization"]


def member_accounts(aws: AwsContext) -> list[MemberAccount]:
    """The ACTIVE member accounts, discovered in the management account only.

    An account outside any organization, and a member (which cannot be sure to see the
    whole organization), list none; in the management account an unreadable organization
    (``DescribeOrganization`` or ``ListAccounts`` denied) is a discovery failure, so the
    control ERRORs there instead of giving no test.
    """
    org = organization(aws)
    if org is None or org.get("MasterAccountId") != aws.account_id:
        return []
    listed = aws.paginate("organizations", "list_accounts").get("Accounts", [])
    return [
        MemberAccount(
            account_id=aws.account_id,
            region=aws.region,
            name=item["Id"],
            arn=item["Arn"],
            raw=item,
            account_name=item.get("Name", ""),
            organization_id=org.get("Id", ""),
            status=item.get("Status", ""),
        )
        for item in listed
        if item.get("Status") == "ACTIVE" and item["Id"] != aws.account_id
    ]
