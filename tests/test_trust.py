"""Public role trust policies (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.analysis.trust import public_trust
from pytest_awscompliance.model.errors import UnreadablePolicy

GH = "token.actions.githubusercontent.com"
OIDC = f"arn:aws:iam::111111111111:oidc-provider/{GH}"


def trust(principal: Any, condition: dict | None = None, action: Any = "sts:AssumeRole",
          effect: str = "Allow", key: str = "Principal") -> dict[str, Any]:
    statement = {"Effect": effect, key: principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.mark.parametrize("document", [
    trust("*"),
    trust({"AWS": "*"}),
    trust({"AWS": "*"}, action="sts:*"),
    trust({"AWS": "111111111111"}, key="NotPrincipal"),
    trust("*", {"StringLike": {"aws:PrincipalOrgID": "o-*"}}),
    trust("*", {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}),
    trust("*", {"StringEquals": {"aws:UserAgent": "me"}}),
    trust("*", {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}),
    trust("*", {"StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}}),
    trust({"Federated": OIDC}, {"StringEquals": {f"{GH}:aud": "sts.amazonaws.com"}},
          "sts:AssumeRoleWithWebIdentity"),
    trust({"Federated": OIDC}, {"StringLike": {f"{GH}:sub": "repo:*"}},
          "sts:AssumeRoleWithWebIdentity"),
    trust({"Federated": "cognito-identity.amazonaws.com"}, None, "sts:AssumeRoleWithWebIdentity"),
    trust({"Federated": "accounts.google.com"}, None, "sts:AssumeRoleWithWebIdentity"),
], ids=["star", "aws-star", "sts-star", "not-principal", "org-wildcard", "forallvalues",
        "irrelevant-key", "if-exists", "policy-variable", "github-aud-only", "github-any-repo",
        "cognito", "google"])
def test_public(document: dict) -> None:
    assert public_trust(document)


@pytest.mark.parametrize("document", [
    trust({"Service": "ec2.amazonaws.com"}),
    trust({"AWS": "arn:aws:iam::999999999999:root"}),
    trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
    trust("*", {"StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-ab12/ou-ab12-11111111/*"}}),
    trust("*", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}),
    trust("*", {"StringEquals": {"aws:PrincipalAccount": ["111111111111", "222222222222"]}}),
    trust("*", action="s3:GetObject"),
    trust("*", effect="Deny"),
    trust({"Federated": OIDC}, {"StringLike": {f"{GH}:sub": "repo:acme/*"}},
          "sts:AssumeRoleWithWebIdentity"),
    trust({"Federated": "cognito-identity.amazonaws.com"},
          {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}},
          "sts:AssumeRoleWithWebIdentity"),
    trust({"Federated": "arn:aws:iam::111111111111:saml-provider/okta"}, None,
          "sts:AssumeRoleWithSAML"),
], ids=["service", "account", "org", "org-path", "arn-like-account", "accounts", "not-assume",
        "deny", "github-org", "cognito-aud", "saml"])
def test_not_public(document: dict) -> None:
    assert public_trust(document) == []


def test_deny_outside_the_org_neutralises_a_star() -> None:
    document = trust("*")
    document["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                                  "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}})
    assert public_trust(document) == []


def test_deny_for_any_value_outside_the_org_does_not_neutralise_a_star() -> None:
    """``ForAnyValue`` is false when the caller has no organization: the Deny lets it in."""
    document = trust("*")
    document["Statement"].append({
        "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}})
    assert public_trust(document)


def test_unreadable_trust_policy_fails_closed() -> None:
    with pytest.raises(UnreadablePolicy, match="trust policy of role/x cannot be evaluated"):
        public_trust({"Statement": [{"Effect": "Maybe"}]}, "trust policy of role/x")
