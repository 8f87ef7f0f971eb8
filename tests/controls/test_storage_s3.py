"""S3 controls per account and per bucket: Block Public Access, public buckets, ACLs, TLS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.harness import FAILING, PASSING, REGION, MotoWorld, ScanResult, control_file, scan
from tests.stubs import deny

PUBLIC_ACCESS = control_file("storage/test_s3_public_access.py")
HARDENING = control_file("storage/test_s3_bucket_hardening.py")
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}
OFF = dict.fromkeys(ALL_ON, False)


def policy(name: str, *statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}).replace(
        "BUCKET", name)


PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKET/*"}
DENY_PLAIN_HTTP = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                   "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def bucket(world: MotoWorld, account: str, name: str, *, region: str = REGION,
           statements: tuple[dict[str, Any], ...] = (), acl: str | None = None,
           ownership: str | None = None, block: dict[str, bool] | None = None) -> None:
    s3 = world.client(account, "s3", region)
    extra = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **extra)
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=policy(name, *statements))
    if acl:
        s3.put_bucket_acl(Bucket=name, ACL=acl)
    if ownership:
        s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})
    if block is not None:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)


def account_block(world: MotoWorld, account: str, flags: dict[str, bool]) -> None:
    world.client(account, "s3control").put_public_access_block(
        AccountId=account, PublicAccessBlockConfiguration=flags)


def outcome(result: ScanResult, test: str, account: str, name: str,
            region: str = REGION) -> str:
    return result.outcomes[f"{test}[{account}/{region}/{name}]"]


def message(result: ScanResult, test: str, account: str, name: str,
            region: str = REGION) -> str:
    return result.messages[f"{test}[{account}/{region}/{name}]"]


def test_bucket_block_public_access_is_account_or_bucket_per_flag(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    account_block(world, PASSING, ALL_ON)
    bucket(world, PASSING, "pass-inherited")
    account_block(world, FAILING, {**OFF, "IgnorePublicAcls": True,
                                   "RestrictPublicBuckets": True})
    bucket(world, FAILING, "fail-lenient")
    bucket(world, FAILING, "fail-partial", block={**OFF, "BlockPublicAcls": True})
    bucket(world, FAILING, "pass-combined", region="eu-west-1",
           block={**OFF, "BlockPublicAcls": True, "BlockPublicPolicy": True})
    result = scan(pytester, PUBLIC_ACCESS, args=["-k", "bucket_blocks"])
    test = "test_bucket_blocks_public_access"
    assert outcome(result, test, PASSING, "pass-inherited") == "passed"
    assert outcome(result, test, FAILING, "pass-combined", "eu-west-1") == "passed"
    assert outcome(result, test, FAILING, "fail-lenient") == "failed"
    assert message(result, test, FAILING, "fail-lenient").endswith(
        "(bucket and account): BlockPublicAcls, BlockPublicPolicy")
    assert outcome(result, test, FAILING, "fail-partial") == "failed"
    assert message(result, test, FAILING, "fail-partial").endswith(": BlockPublicPolicy")


def test_public_buckets(pytester: pytest.Pytester, world: MotoWorld) -> None:
    bucket(world, PASSING, "private-bucket")
    bucket(world, FAILING, "pub-policy", statements=(PUBLIC_READ, DENY_PLAIN_HTTP))
    bucket(world, FAILING, "pub-acl", region="eu-west-1", acl="public-read")
    bucket(world, FAILING, "pub-user-agent", statements=(
        {**PUBLIC_READ, "Condition": {"StringEquals": {"aws:UserAgent": "curl"}}},))
    bucket(world, FAILING, "pub-write", statements=(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject", "s3:List*"],
         "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"]},))
    bucket(world, FAILING, "org-only", statements=(
        {**PUBLIC_READ, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},))
    bucket(world, FAILING, "acl-ignored", acl="public-read",
           block={**OFF, "IgnorePublicAcls": True})
    bucket(world, FAILING, "acl-disabled", acl="public-read", ownership="BucketOwnerEnforced")
    bucket(world, FAILING, "policy-restricted", statements=(PUBLIC_READ,),
           block={**OFF, "RestrictPublicBuckets": True})
    bucket(world, FAILING, "site-allowlisted", statements=(PUBLIC_READ,))
    ini = pytester.makeini("[pytest]\naws_public_bucket_allowlist =\n    other-*\n    site-*\n")
    result = scan(pytester, PUBLIC_ACCESS, args=["-k", "publicly_accessible", "-c", str(ini)])
    test = "test_bucket_not_publicly_accessible"
    assert outcome(result, test, PASSING, "private-bucket") == "passed"
    for name in ("org-only", "acl-ignored", "acl-disabled", "policy-restricted"):
        assert outcome(result, test, FAILING, name) == "passed", name
    for name in ("pub-policy", "pub-user-agent", "pub-write"):
        assert outcome(result, test, FAILING, name) == "failed", name
    assert outcome(result, test, FAILING, "pub-acl", "eu-west-1") == "failed"
    assert "policy grants public READ (statement 'PublicRead' allows s3:GetObject to *)" \
        in message(result, test, FAILING, "pub-policy")
    assert "policy grants public LIST, WRITE" in message(result, test, FAILING, "pub-write")
    assert "ACL grants public LIST (AllUsers READ)" in message(
        result, test, FAILING, "pub-acl", "eu-west-1")
    assert outcome(result, test, FAILING, "site-allowlisted") == "skipped"
    assert "allow-listed as public" in message(result, test, FAILING, "site-allowlisted")


def test_acls_disabled_and_tls_only(pytester: pytest.Pytester, world: MotoWorld) -> None:
    bucket(world, PASSING, "hardened", ownership="BucketOwnerEnforced",
           statements=(DENY_PLAIN_HTTP,))
    bucket(world, FAILING, "legacy")
    bucket(world, FAILING, "objects-only", ownership="ObjectWriter", statements=(
        {**DENY_PLAIN_HTTP, "Resource": "arn:aws:s3:::BUCKET/*"},))
    result = scan(pytester, HARDENING)
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    acls, tls = "test_bucket_acls_disabled", "test_bucket_denies_insecure_transport"
    assert "(ObjectOwnership=not set)" in message(result, acls, FAILING, "legacy")
    assert "(ObjectOwnership=ObjectWriter)" in message(result, acls, FAILING, "objects-only")
    assert "it has no bucket policy" in message(result, tls, FAILING, "legacy")
    assert "no Deny for everyone" in message(result, tls, FAILING, "objects-only")


def test_s3_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bucket(world, FAILING, "denied-bucket")
    deny(monkeypatch, "s3control", "GetPublicAccessBlock", account=FAILING)
    deny(monkeypatch, "s3", "GetBucketOwnershipControls")
    result = scan(pytester, PUBLIC_ACCESS, HARDENING, accounts=[FAILING],
                  args=["-k", "account_blocks or acls_disabled"])
    assert result.only(FAILING) == "error"
    assert "missing permission s3:GetAccountPublicAccessBlock" in result.message(FAILING)
    assert "missing permission s3:GetBucketOwnershipControls" in result.message(FAILING)
