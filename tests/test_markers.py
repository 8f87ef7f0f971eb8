"""Markers: validation at collection, --severity-min, -m by level, --aws-framework."""

from __future__ import annotations

import pytest

CONTROLS = """
import pytest

@pytest.mark.severity("critical")
@pytest.mark.control("c-critical", title="critical one", frameworks={"cis-aws-3.0": "1.4"})
def test_critical(aws_account):
    pass

@pytest.mark.severity(level="medium")
@pytest.mark.control("c-medium", title="medium one", frameworks={"aws-fsbp": "S3.1"})
def test_medium(aws_account):
    pass

@pytest.mark.severity("info")
@pytest.mark.control("c-info", title="info one")
def test_info(aws_account):
    pass

def test_not_a_control():
    pass
"""


@pytest.mark.parametrize(
    ("decorators", "message"),
    [
        ("", "has no @pytest.mark.severity(level) marker"),
        ('@pytest.mark.severity("urgent")', "unknown severity 'urgent'"),
        ('@pytest.mark.severity("high", "low")', "takes exactly one level"),
        ('@pytest.mark.severity("high")\n@pytest.mark.control("Bad_ID")',
         "must be lower-case words"),
        ('@pytest.mark.severity("high")\n@pytest.mark.control("ok-id", frameworks=["x"])',
         "frameworks must map"),
        ('@pytest.mark.severity("high")\n@pytest.mark.control("ok-id", severity="x")',
         "unknown argument(s) severity"),
    ],
)
def test_bad_markers_are_collection_errors(pytester: pytest.Pytester, moto_env: None,
                                           decorators: str, message: str) -> None:
    pytester.makepyfile(f"import pytest\n\n{decorators}\ndef test_it(aws_account):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([f"*test_it: *{message}*"])
    assert "Traceback" not in result.stdout.str()


def test_tests_without_aws_fixtures_need_no_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_severity_min_deselects_lower_levels(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile(CONTROLS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--severity-min", "medium")
    result.assert_outcomes(passed=3, deselected=1)


def test_minus_m_selects_by_level_in_either_form(pytester: pytest.Pytester,
                                                 moto_env: None) -> None:
    pytester.makepyfile(CONTROLS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-m", "severity(level='critical')",
                                "-v")
    result.assert_outcomes(passed=1, deselected=3)
    result.stdout.fnmatch_lines(["*test_critical*PASSED*"])
    result = pytester.runpytest("-p", "no:cacheprovider", "-m", "severity(level='medium')")
    result.assert_outcomes(passed=1, deselected=3)


def test_framework_selects_mapped_controls(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile(CONTROLS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-framework", "cis-aws-3.0", "-v")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*test_critical*PASSED*", "*test_not_a_control*PASSED*"])


def test_k_keeps_working_on_target_ids(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile(CONTROLS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "medium and 123456789012")
    result.assert_outcomes(passed=1, deselected=3)
