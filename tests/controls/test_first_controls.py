"""The first three controls, each against a passing and a failing account."""

from __future__ import annotations

import pytest

from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def test_password_policy_length(pytester: pytest.Pytester, world: MotoWorld) -> None:
    world.client(PASSING, "iam").update_account_password_policy(MinimumPasswordLength=14)
    world.client(FAILING, "iam").update_account_password_policy(MinimumPasswordLength=13)
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  args=["-k", "min_length"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert "MinimumPasswordLength=13" in result.message(FAILING)


def test_password_policy_missing_fails(pytester: pytest.Pytester, world: MotoWorld) -> None:
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  accounts=[FAILING], args=["-k", "min_length"])
    assert result.only(FAILING) == "failed"
    assert "no policy set" in result.message(FAILING)


def test_account_public_access_block(pytester: pytest.Pytester, world: MotoWorld) -> None:
    world.client(PASSING, "s3control").put_public_access_block(
        AccountId=PASSING, PublicAccessBlockConfiguration=ALL_ON)
    world.client(FAILING, "s3control").put_public_access_block(
        AccountId=FAILING,
        PublicAccessBlockConfiguration={**ALL_ON, "BlockPublicPolicy": False})
    result = scan(pytester, control_file("storage/test_s3_public_access.py"),
                  args=["-k", "account_blocks"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert "BlockPublicPolicy" in result.message(FAILING)
    assert "IgnorePublicAcls" not in result.message(FAILING)


def test_instances_imdsv2(pytester: pytest.Pytester, world: MotoWorld) -> None:
    for account, tokens in ((PASSING, "required"), (FAILING, "optional")):
        world.client(account, "ec2").run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
            MetadataOptions={"HttpTokens": tokens})
    result = scan(pytester, control_file("compute/test_imds.py"), args=["-k", "instance"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert "HttpTokens=optional" in result.message(FAILING)
