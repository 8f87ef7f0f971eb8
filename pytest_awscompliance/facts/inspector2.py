"""Amazon Inspector facts."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.errors import AwsApiError


def resource_scan_status(aws: AwsContext, resource_type: str) -> str | None:
    """Inspector's status for ``resource_type`` (``ecr``, ``ec2``...) in this region.

    ``None`` when Inspector does not report the account (it was never enabled). An
    account the batch call could not read is an error, never a pass or a fail.
    """
    answer = aws.read("inspector2", "batch_get_account_status", accountIds=[aws.account_id])
    for failed in answer.get("failedAccounts", []):
        if failed.get("accountId") == aws.account_id:
            code = str(failed.get("errorCode", "Unknown"))
            raise AwsApiError("inspector2", "BatchGetAccountStatus",
                              "AccessDeniedException" if code == "ACCESS_DENIED" else code,
                              str(failed.get("errorMessage", "")), aws.label)
    for account in answer.get("accounts", []):
        if account.get("accountId") == aws.account_id:
            state = (account.get("resourceState") or {}).get(resource_type) or {}
            return state.get("status")
    return None
