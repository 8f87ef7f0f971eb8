"""Regions an organization closes with a service control policy: recognised during
discovery, listed once per account in the header, the summary, the manifest and the merge."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_awscompliance.engine.runtime import split_target
from pytest_awscompliance.model.errors import AwsApiError

SCP_REASON = "explicit deny in a service control policy"


def closed_at_discovery(failures: Mapping[str, AwsApiError]) -> dict[str, str]:
    """``"account/region"`` -> reason, for each regional discovery an SCP denied (keys as
    ``Inventory.failures``). An account-wide read denied by an SCP is not a closed region."""
    closed = {}
    for key, error in failures.items():
        account, region = split_target(key)
        if error.scp_denied and region != "global":
            closed[f"{account}/{region}"] = SCP_REASON
    return dict(sorted(closed.items()))


def closed_lines(closed: Mapping[str, str]) -> list[str]:
    """One header line per account: ``aws regions closed by SCP: 2222.../ap-south-1 (...)``."""
    by_account: dict[str, list[str]] = {}
    for target in sorted(closed):
        by_account.setdefault(target.split("/")[0], []).append(target)
    return [f"aws regions closed by SCP: {', '.join(targets)} ({closed[targets[0]]}; out of "
            "scope)" for targets in by_account.values()]
