"""Options: one --help group, ini twins, and one readable line for every bad value."""

from __future__ import annotations

import pytest

CONTROL = """
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("demo-control", title="t")
def test_it(aws_account):
    pass
"""


def test_help_lists_every_option_in_one_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    out = result.stdout.str()
    group = out.split("AWS compliance (pytest-awscompliance):")[1]
    for option in ("--aws-profile", "--aws-account", "--aws-role-name", "--aws-external-id",
                   "--aws-organization", "--aws-region", "--aws-demo", "--severity-min",
                   "--aws-framework"):
        assert option in group, option
    for ini in ("aws_profiles", "aws_regions", "severity_min", "aws_log_retention_days"):
        assert ini in out, ini


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severity-min", "urgent"], "--severity-min: unknown severity 'urgent'"),
        (["--aws-account", "1234", "--aws-role-name", "r"], "is not a 12-digit AWS account id"),
        (["--aws-region", "Mars-1"], "is not a region name"),
        (["--aws-region", "xx-nowhere-9"], "unknown AWS region 'xx-nowhere-9'"),
        (["--aws-region", "all", "--aws-region", "eu-west-1"], "'all' cannot be combined"),
        (["--aws-account", "111111111111"], "need --aws-role-name"),
        (["--aws-organization", "--aws-account", "111111111111", "--aws-role-name", "r"],
         "exclusive"),
        (["--aws-demo", "--aws-profile", "prod"], "cannot be combined"),
        (["--aws-profile", "no-such-profile"], "unknown AWS profile 'no-such-profile'"),
        (["--aws-role-name", "bad role!", "--aws-account", "111111111111"],
         "is not a valid IAM role name"),
        (["-o", "aws_log_retention_days=forever"], "aws_log_retention_days: 'forever'"),
        (["-o", "aws_ecr_vulnerability_threshold=SEVERE"], "aws_ecr_vulnerability_threshold"),
    ],
)
def test_bad_input_is_one_line_and_usage_exit(pytester: pytest.Pytester, offline_env: None,
                                              args: list[str], message: str) -> None:
    pytester.makepyfile(CONTROL)
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert len(errors) == 1, result.stderr.lines
    assert message in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_ini_twins_are_read(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makeini("[pytest]\naws_regions =\n    eu-west-1\n    eu-central-1\n")
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("low")
def test_region(aws):
    assert aws.region in {"eu-west-1", "eu-central-1"}
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_region?123456789012/eu-west-1?*PASSED*",
                                 "*test_region?123456789012/eu-central-1?*PASSED*"])


def test_command_line_wins_over_ini(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makeini("[pytest]\naws_regions = eu-west-1\nseverity_min = critical\n")
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("low")
def test_region(aws):
    assert aws.region == "ap-south-1"
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "ap-south-1",
                                "--severity-min", "low")
    result.assert_outcomes(passed=1)


def test_validate_names_where_a_value_came_from() -> None:
    from pytest_awscompliance.settings.options import Settings, validate

    with pytest.raises(pytest.UsageError, match=r"^ini aws_accounts: 'abc' is not a 12-digit"):
        validate(Settings(accounts=("abc",), role_name="r"), {"accounts": "ini aws_accounts"})
    with pytest.raises(pytest.UsageError, match=r"^--aws-account: 'abc'"):
        validate(Settings(accounts=("abc",), role_name="r"))


@pytest.mark.parametrize(("settings", "message"), [
    ({"role_name": "audit"}, "--aws-role-name would be ignored"),
    ({"external_id": "x", "profiles": ("p",)}, "--aws-external-id would be ignored"),
    ({"frameworks": (" ",)}, "--aws-framework: an empty framework name"),
])
def test_ignored_or_empty_values_are_refused(settings: dict[str, object], message: str) -> None:
    from pytest_awscompliance.settings.options import TUNABLES, Settings, validate

    tunables = {t.name: t.default for t in TUNABLES}
    with pytest.raises(pytest.UsageError, match=message):
        validate(Settings(**settings, tunables=tunables))  # type: ignore[arg-type]
    validate(Settings(accounts=("111111111111",), role_name="audit", external_id="x",
                      tunables=tunables))


def test_framework_problem_names_the_known_frameworks() -> None:
    from pytest_awscompliance.settings.options import framework_problem

    known = {"cis-aws-3.0", "aws-fsbp"}
    assert framework_problem(("CIS-AWS-3.0",), known) is None  # case-insensitive, as selection
    assert framework_problem(("pci",), known, "ini aws_frameworks") == (
        "ini aws_frameworks: unknown framework 'pci'; the collected controls map to aws-fsbp, "
        "cis-aws-3.0")
