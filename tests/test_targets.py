"""Targets: default chain, profiles, assumed roles, the organization and --aws-region all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import MotoWorld

REPORT_TARGET = """
import pytest

@pytest.mark.severity("info")
@pytest.mark.control("report-target", title="who am I")
def test_target(aws):
    identity = aws.read("sts", "get_caller_identity")
    assert identity["Account"] == aws.account_id
"""


def _ids(result: pytest.RunResult) -> set[str]:
    return {line.split("[")[1].split("]")[0] for line in result.stdout.lines
            if "::test_target[" in line and "PASSED" in line}


def test_default_chain_is_one_account(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    assert _ids(result) == {"123456789012/us-east-1"}
    result.stdout.fnmatch_lines(["aws targets: 1 account(s)*",
                                 "  123456789012 via default credentials: us-east-1"])


def test_assume_role_into_two_accounts(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--aws-role-name", "audit",
                                "--aws-account", "111111111111", "--aws-account", "222222222222",
                                "--aws-region", "eu-west-1")
    assert _ids(result) == {"111111111111/eu-west-1", "222222222222/eu-west-1"}
    result.stdout.fnmatch_lines(["*111111111111 via role audit: eu-west-1*"])


def test_organization_discovers_active_members(pytester: pytest.Pytester,
                                               world: MotoWorld) -> None:
    org = world.client("123456789012", "organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="a@example.com", AccountName="a")
    member_id = member["CreateAccountStatus"]["AccountId"]
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--aws-organization",
                                "--aws-role-name", "OrganizationAccountAccessRole")
    assert _ids(result) == {"123456789012/us-east-1", f"{member_id}/us-east-1"}
    # Accounts are listed by id, and moto draws the member's id at random: check each line
    # on its own rather than their order.
    result.stdout.fnmatch_lines(["*123456789012 via caller*"])
    result.stdout.fnmatch_lines([f"*{member_id} via role OrganizationAccountAccessRole*"])


def test_region_all_means_every_enabled_region(pytester: pytest.Pytester,
                                               world: MotoWorld) -> None:
    listed = world.client("123456789012", "ec2").describe_regions(AllRegions=False)["Regions"]
    regions = {r["RegionName"] for r in listed if r["OptInStatus"] != "not-opted-in"}
    assert any(r["OptInStatus"] == "not-opted-in" for r in listed)  # skipped below
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--aws-region", "all")
    assert _ids(result) == {f"123456789012/{r}" for r in regions}
    assert len(regions) > 10


def test_profiles_are_one_target_each(pytester: pytest.Pytester, moto_env: None,
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile audit-a]\nregion = eu-west-1\n"
                      "aws_access_key_id = a\naws_secret_access_key = a\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--aws-profile", "audit-a")
    assert _ids(result) == {"123456789012/eu-west-1"}
    result.stdout.fnmatch_lines(["*123456789012 via profile audit-a: eu-west-1*"])


def test_report_header_never_shows_secrets(pytester: pytest.Pytester, moto_env: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-VALUE-never-printed")
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    assert "s3cr3t-VALUE-never-printed" not in result.stdout.str()


def test_no_credentials_under_xdist_errors_every_control(pytester: pytest.Pytester,
                                                         offline_env: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no AWS credentials found*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_two_profiles_for_one_account_are_a_usage_error(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """Not merged: the second profile's region would silently go unscanned, and which
    profile's credentials (and permissions) the account is read with would be a guess."""
    config = tmp_path / "config"
    config.write_text("[profile prod-us]\nregion = us-east-1\n"
                      "aws_access_key_id = a\naws_secret_access_key = a\n"
                      "[profile prod-eu]\nregion = eu-west-1\n"
                      "aws_access_key_id = b\naws_secret_access_key = b\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-profile", "prod-us",
                                "--aws-profile", "prod-eu")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert errors == ["ERROR: --aws-profile prod-eu reaches account 123456789012, like "
                      "--aws-profile prod-us: give one profile per account (and --aws-region "
                      "for the regions to scan)"]


def test_the_same_profile_twice_is_one_target(pytester: pytest.Pytester, moto_env: None,
                                              monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile audit-a]\naws_access_key_id = a\naws_secret_access_key = a\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    pytester.makepyfile(REPORT_TARGET)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--aws-profile", "audit-a",
                                "--aws-profile", "audit-a")
    assert _ids(result) == {"123456789012/us-east-1"}
