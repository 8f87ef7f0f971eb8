"""public_policy: which resource-policy statements let everyone in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_awscompliance.analysis.iam.policy import PolicyError
from pytest_awscompliance.analysis.public_policy import is_public, public_grants


def doc(**statement: Any) -> str:
    """A one-statement policy; a ``None`` value drops that element."""
    base = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    merged = {k: v for k, v in {**base, **statement}.items() if v is not None}
    return json.dumps({"Version": "2012-10-17", "Statement": [merged]})


@pytest.mark.parametrize("principal", [
    "*",
    {"AWS": "*"},
    {"AWS": ["arn:aws:iam::111122223333:root", "*"]},
    {"AWS": "arn:aws:iam::*:root"},
    {"CanonicalUser": "*"},
    {"Service": "*"},
], ids=str)
def test_everyone_principals_are_public(principal: Any) -> None:
    assert is_public(doc(Principal=principal))


@pytest.mark.parametrize("principal", [
    {"AWS": "arn:aws:iam::111122223333:root"},
    {"AWS": "111122223333"},
    {"Service": "cloudtrail.amazonaws.com"},
], ids=str)
def test_named_principals_are_not_public(principal: Any) -> None:
    assert not is_public(doc(Principal=principal))


def test_not_principal_on_allow_is_public_and_deny_never_is() -> None:
    assert is_public(doc(NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"}))
    assert not is_public(doc(Effect="Deny", Principal="*"))
    assert not is_public(None)


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    {"StringEquals": {"AWS:SourceAccount": ["111122223333", "444455556666"]}},
    {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}},
    {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c"}},
    {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}},
    {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
    {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci"}},
    {"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}},
    {"StringLike": {"aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-ab12-11111111/*"}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}},
    {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    # one pinned key confines the statement even next to an unrelated condition
    {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:UserAgent": "curl"}},
], ids=str)
def test_pinning_conditions_make_a_statement_private(condition: dict[str, Any]) -> None:
    assert not is_public(doc(Principal="*", Condition=condition))


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:UserAgent": "curl"}},
    {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
    {"StringLike": {"aws:SourceAccount": "1111*"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}},
    {"StringLike": {"aws:SourceVpce": "vpce-*"}},
    {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    {"StringNotEquals": {"aws:SourceAccount": "111122223333"}},
    {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "8.0.0.0/7"]}},
    {"IpAddress": {"aws:SourceIp": "2001:db8::/16"}},
    {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
], ids=str)
def test_loose_conditions_leave_a_statement_public(condition: dict[str, Any]) -> None:
    assert is_public(doc(Principal="*", Condition=condition))


def test_grants_describe_the_statement() -> None:
    grants = public_grants(doc(Sid="Open", Principal={"AWS": "*"}, Action=["s3:Get*", "s3:List*"]))
    assert [g.describe() for g in grants] == ["statement 'Open' allows s3:Get*, s3:List* to "
                                              '{"AWS": "*"}']
    grants = public_grants(doc(Principal="*", Action=None, NotAction="s3:Delete*"))
    assert grants[0].describe() == "a statement allows all but s3:Delete* to *"


def test_ecr_policy_without_resource_is_judged() -> None:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}
    assert is_public(policy)


def test_invalid_document_raises_policy_error() -> None:
    with pytest.raises(PolicyError):
        public_grants("{not json")


def test_invalid_document_fails_closed_naming_policy_statement_and_construct() -> None:
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "*", "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}}]}
    with pytest.raises(PolicyError) as caught:
        public_grants(document, name="bucket policy of arn:aws:s3:::b")
    assert str(caught.value) == (
        "bucket policy of arn:aws:s3:::b cannot be read: statement 1 (Sid 'Open'): "
        "unknown condition operator 'StringEqualz'")
    with pytest.raises(PolicyError, match=r"^resource policy cannot be read: statement 1"):
        is_public(document)


def test_forallvalues_null_is_read_not_dropped() -> None:
    """A statement AWS accepts is analysed: an open Allow next to ForAllValues:Null stays open."""
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"ForAllValues:Null": {"aws:TagKeys": "true"}}}]}
    assert is_public(document)
