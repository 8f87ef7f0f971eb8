"""Never fail open: a policy the evaluator cannot read makes the control ERROR, naming it.

Unit level for each caller of the parser in the facts (log tamper, public and S3 policies)
and end to end with moto: a malformed bucket policy makes ``s3-bucket-ssl-only`` ERROR with a
message naming the bucket policy, the statement and the construct; an ``Allow *:*`` policy
with one ``ForAllValues:Null`` Deny (valid for AWS) is still found to be full admin.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_awscompliance.analysis.iam import PolicyError
from pytest_awscompliance.analysis.principals import GrantedPolicy, Principal
from pytest_awscompliance.facts.log_tamper import Probe, grants
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan

ADMIN_WITH_NULL_DENY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Sid": "RequireTags",
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "*",
            "Condition": {"ForAllValues:Null": {"aws:TagKeys": "true"}},
        },
    ],
}
MALFORMED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Ops", "Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
         "Condition": {"StringEqualz": {"aws:RequestedRegion": "eu-west-1"}}},
    ],
}
PROBES = [Probe("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:1:trail/main")]


def role(*policies: GrantedPolicy, boundary: dict[str, Any] | None = None) -> Principal:
    return Principal("role", "ops", "arn:aws:iam::111111111111:role/ops", policies=policies,
                     boundary_arn="arn:aws:iam::111111111111:policy/b" if boundary else None,
                     boundary=boundary)


def test_log_tamper_unreadable_identity_policy_raises_naming_it() -> None:
    principal = role(GrantedPolicy("ops", MALFORMED, owner="role/ops"))
    with pytest.raises(PolicyError) as caught:
        grants(principal, PROBES)
    assert str(caught.value) == (
        "inline policy 'ops' of role/ops cannot be read: statement 1 (Sid 'Ops'): "
        "unknown condition operator 'StringEqualz'")


def test_log_tamper_unreadable_boundary_and_scp_raise_naming_them() -> None:
    admin = GrantedPolicy("admin", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, owner="role/ops")
    with pytest.raises(PolicyError, match=r"^permissions boundary arn:aws:iam::111111111111:"
                       r"policy/b of role/ops cannot be read: statement 1 \(Sid 'Ops'\)"):
        grants(role(admin, boundary=MALFORMED), PROBES)
    with pytest.raises(PolicyError, match=r"^SCP 2 at organization level 1 cannot be read"):
        grants(role(admin), PROBES, scp_levels=[[{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, MALFORMED]])


def test_log_tamper_reads_forallvalues_null() -> None:
    principal = role(GrantedPolicy("admin", ADMIN_WITH_NULL_DENY, owner="role/ops"))
    found = grants(principal, PROBES)
    assert [(g.action, g.conditional) for g in found] == [("cloudtrail:StopLogging", False)]


def test_malformed_bucket_policy_makes_the_control_error(
    pytester: pytest.Pytester, world: MotoWorld
) -> None:
    good = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::tls-ok", "arn:aws:s3:::tls-ok/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    bad = {"Version": "2012-10-17", "Statement": [
        {**good["Statement"][0], "Sid": "DenyPlain",
         "Resource": ["arn:aws:s3:::tls-bad", "arn:aws:s3:::tls-bad/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"},
                       "NumericLessThanz": {"s3:TlsVersion": "1.2"}}}]}
    for account, name, document in ((PASSING, "tls-ok", good), (FAILING, "tls-bad", bad)):
        s3 = world.client(account, "s3")
        s3.create_bucket(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(document))
    result = scan(pytester, control_file("storage/test_s3_bucket_hardening.py"),
                  args=["-k", "insecure_transport"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "error"
    message = result.message(FAILING)
    assert "bucket policy of arn:aws:s3:::tls-bad cannot be read" in message, message
    assert "statement 1 (Sid 'DenyPlain')" in message, message
    assert "unknown condition operator 'NumericLessThanz'" in message, message


def test_admin_with_forallvalues_null_deny_is_still_full_admin(
    pytester: pytest.Pytester, world: MotoWorld
) -> None:
    scoped = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    for account, document in ((PASSING, scoped), (FAILING, ADMIN_WITH_NULL_DENY)):
        iam = world.client(account, "iam")
        arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(document))[
            "Policy"]["Arn"]
        iam.create_user(UserName="u")
        iam.attach_user_policy(UserName="u", PolicyArn=arn)
    result = scan(pytester, control_file("identity/test_admin_access.py"),
                  args=["-k", "customer_policy_not_full_admin"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert "allows every action on every resource" in result.message(FAILING)


def test_log_tamper_leaves_unknown_account_conditions_unknown() -> None:
    """The principal context is partial: a condition on a key it lacks stays conditional."""
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}]}
    principal = role(GrantedPolicy("p", document, owner="role/ops"))
    assert [g.conditional for g in grants(principal, PROBES)] == [True]
    assert [g.conditional for g in grants(principal, PROBES, account="111111111111")] == [False]
    assert grants(principal, PROBES, account="222222222222") == []
