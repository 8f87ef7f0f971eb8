"""Member accounts of an organization, listed from its management account."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import MemberAccount

NOT_IN_USE = "AWSOrganizationsNotInUseException"


def member_accounts(aws: AwsContext) -> list[MemberAccount]:
    """The ACTIVE member accounts, discovered in the management account only.

    An account outside any organization, and a member (which cannot be sure to see the
    whole organization), list none; in the management account an unreadable organization
    (``DescribeOrganization`` or ``ListAccounts`` denied) is a discovery failure, so the
    control ERRORs there instead of giving no test.
    """
    answer = aws.read("organizations", "describe_organization", missing_ok=(NOT_IN_USE,))
    if answer is None:
        return []
    org = answer["Organization"]
    if org.get("MasterAccountId") != aws.account_id:
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
