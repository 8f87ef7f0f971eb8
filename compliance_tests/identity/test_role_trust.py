"""Role trust policies (tip 2): nobody outside can assume a role."""

import pytest

from pytest_awscompliance.analysis.trust import public_trust


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-role-trust-not-public",
    title="Role trust policies do not let anyone assume the role",
    remediation="aws iam update-assume-role-policy --role-name <role> --policy-document "
    "file://trust.json naming the trusted accounts/roles, or adding aws:PrincipalOrgID; for "
    "OIDC providers add a <provider>:sub condition (e.g. repo:<org>/<repo>:ref:refs/heads/main)",
)
def test_role_trust_not_public(iam_role):
    """``Principal "*"`` / ``NotPrincipal`` without a condition pinning accounts,
    organizations or ARNs, and OIDC federation without a ``sub`` condition (no Prowler
    equivalent; cloudsplaining rates it critical)."""
    reasons = public_trust(iam_role.trust_policy, f"trust policy of role/{iam_role.name}")
    assert not reasons, f"role {iam_role.name} can be assumed by anyone: {'; '.join(reasons)}"
