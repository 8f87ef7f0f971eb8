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


VARIANTS = """
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("c-regional", title="regional one", frameworks={"cis-aws-3.0": "2.1"})
def test_regional(aws):
    pass

@pytest.mark.severity("low")
@pytest.mark.parametrize("kind", [
    pytest.param("a", marks=pytest.mark.control("c-variant-a", title="variant a")),
    pytest.param("b", marks=pytest.mark.control("c-variant-b", title="variant b")),
    pytest.param("c"),
])
def test_variant(aws, kind):
    pass
"""


def test_markers_are_read_once_per_function_and_variant(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two regions give two tests per parameter, but each function's markers are read once,
    and once more per parameter that carries its own control marker."""
    from pytest_awscompliance.model import markers

    reads: list[str] = []
    read = markers.read_control

    def counting(node: object) -> markers.ControlMeta:
        own = getattr(getattr(node, "callspec", None), "marks", [])
        reads.append(" ".join([getattr(node, "originalname", ""),
                               *(m.args[0] for m in own if m.name == "control")]))
        return read(node)

    monkeypatch.setattr(markers, "read_control", counting)
    pytester.makepyfile(VARIANTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "us-east-1",
                                "--aws-region", "eu-west-1", "-v")
    result.assert_outcomes(passed=8)
    assert sorted(reads) == ["test_regional", "test_variant", "test_variant c-variant-a",
                             "test_variant c-variant-b"], reads
    # each test still carries its own control: ids as keywords, one per variant
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "us-east-1",
                                "--aws-region", "eu-west-1", "-k", "c-variant-b", "-v")
    result.assert_outcomes(passed=2, deselected=5)  # test_regional: one placeholder
    result.stdout.fnmatch_lines(["*test_variant*-b] PASSED*"])
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "us-east-1",
                                "--aws-region", "eu-west-1", "-k", "not c-variant-b")
    result.assert_outcomes(passed=6, deselected=2)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "us-east-1",
                                "--aws-region", "eu-west-1", "-k", "variant", "-m",
                                "severity(level='low')")
    result.assert_outcomes(passed=6, deselected=1)


def test_framework_of_a_marked_parameter_selects_it(pytester: pytest.Pytester,
                                                    moto_env: None) -> None:
    """A parameter's own control marker carries its frameworks: ``--aws-framework`` keeps
    its tests (and only those), decided before any AWS call."""
    pytester.makepyfile(VARIANTS.replace('title="variant a"',
                                         'title="variant a", frameworks={"aws-fsbp": "X.1"}'))
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-framework", "aws-fsbp", "-v")
    result.assert_outcomes(passed=1, deselected=3)
    result.stdout.fnmatch_lines(["*test_variant*-a] PASSED*"])
