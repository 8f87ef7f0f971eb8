"""s3_policy: access kinds of public grants, public ACL grants, TLS-only bucket policies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_awscompliance.analysis.iam import PolicyError
from pytest_awscompliance.analysis.public_policy import PublicGrant
from pytest_awscompliance.analysis.s3_policy import (
    access_kinds,
    acl_access_kinds,
    denies_insecure_transport,
    public_acl_grants,
)

BUCKET = "arn:aws:s3:::logs"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.mark.parametrize(("actions", "not_actions", "kinds"), [
    (("s3:GetObject",), False, ["READ"]),
    (("s3:*",), False, ["READ", "LIST", "WRITE"]),
    (("*",), False, ["READ", "LIST", "WRITE"]),
    (("s3:List*", "s3:PutObject"), False, ["LIST", "WRITE"]),
    (("s3:PutBucketPolicy",), False, ["WRITE"]),
    (("s3:GetBucketTagging",), False, []),
    (("s3:Put*", "s3:Delete*"), True, ["READ", "LIST"]),
])
def test_access_kinds(actions: tuple[str, ...], not_actions: bool, kinds: list[str]) -> None:
    assert access_kinds([PublicGrant(None, "*", actions, not_actions)]) == kinds


def test_public_acl_grants_and_kinds() -> None:
    grants = [
        {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
        {"Grantee": {"Type": "Group", "URI": AUTHENTICATED}, "Permission": "WRITE"},
        {"Grantee": {"Type": "Group",
                     "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
         "Permission": "WRITE"},
    ]
    public = public_acl_grants(grants)
    assert public == [("AllUsers", "READ"), ("AuthenticatedUsers", "WRITE")]
    assert acl_access_kinds(public) == ["LIST", "WRITE"]
    assert acl_access_kinds([("AllUsers", "FULL_CONTROL")]) == [
        "LIST", "WRITE", "READ_ACP", "WRITE_ACP"]


def deny(**changes: Any) -> str:
    """A TLS-only policy for BUCKET with ``changes`` applied (``None`` drops a key)."""
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [BUCKET, f"{BUCKET}/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    statement = {k: v for k, v in {**statement, **changes}.items() if v is not None}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


TLS_ONLY = {
    "canonical": deny(),
    "aws-star": deny(Principal={"AWS": "*"}),
    "all-actions": deny(Action="*"),
    "object-and-list-actions": deny(Action=["s3:GetObject", "s3:PutObject", "s3:ListBucket"]),
    "bucket-prefix-glob": deny(Resource=f"{BUCKET}*"),
    "any-resource": deny(Resource="*"),
    "json-boolean": deny(Condition={"Bool": {"aws:SecureTransport": False}}),
    "bool-if-exists": deny(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}}),
    "tls-version": deny(Condition={"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
    "not-action": deny(Action=None, NotAction="s3:GetBucketAcl"),
}
NOT_TLS_ONLY = {
    "no-policy": None,
    "allow": deny(Effect="Allow"),
    "one-principal": deny(Principal={"AWS": "arn:aws:iam::111122223333:root"}),
    "reads-only": deny(Action="s3:GetObject"),
    "objects-only": deny(Resource=f"{BUCKET}/*"),
    "other-bucket": deny(Resource="arn:aws:s3:::other/*"),
    "secure-true": deny(Condition={"Bool": {"aws:SecureTransport": "true"}}),
    "extra-condition": deny(Condition={"Bool": {"aws:SecureTransport": "false"},
                                       "StringEquals": {"aws:SourceVpce": "vpce-1"}}),
    "unconditional": deny(Condition=None),
    "not-action-excludes-put": deny(Action=None, NotAction="s3:PutObject"),
}


@pytest.mark.parametrize("policy", TLS_ONLY.values(), ids=TLS_ONLY.keys())
def test_tls_only_policies(policy: str) -> None:
    assert denies_insecure_transport(policy, BUCKET)


@pytest.mark.parametrize("policy", NOT_TLS_ONLY.values(), ids=NOT_TLS_ONLY.keys())
def test_not_tls_only_policies(policy: str | None) -> None:
    assert not denies_insecure_transport(policy, BUCKET)


def test_unreadable_bucket_policy_fails_closed_naming_the_bucket() -> None:
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": BUCKET,
         "Condition": {"Bool": {"aws:SecureTransport": {"nested": "false"}}}}]}
    with pytest.raises(PolicyError, match=(
            r"^bucket policy of arn:aws:s3:::logs cannot be read: statement 1: "
            r"Condition Bool 'aws:SecureTransport' values must be")):
        denies_insecure_transport(document, BUCKET)
