"""The shard index from an engine variable, and bad fleet input as one line, exit 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_awscompliance.fleet import cli, manifest
from pytest_awscompliance.settings.fleet_options import read_options, shard_from_env


@pytest.mark.parametrize(("value", "count", "shard"), [("0", "8", (1, 8)), ("7", "8", (8, 8)),
                                                       (" 3 ", "4", (4, 4))])
def test_the_variable_holds_a_zero_based_index(value: str, count: str,
                                               shard: tuple[int, int]) -> None:
    assert shard_from_env("JOB_COMPLETION_INDEX", count, {"JOB_COMPLETION_INDEX": value}) \
        == shard


@pytest.mark.parametrize(("env", "count", "message"), [
    ({}, "4", "environment variable IDX is not set"),
    ({"IDX": "4"}, "4", "IDX='4' is not a 0-based index below --aws-shard-count 4"),
    ({"IDX": "-1"}, "4", "is not a 0-based index"),
    ({"IDX": "a"}, "4", "is not a 0-based index"),
    ({"IDX": "0"}, "0", "--aws-shard-count: '0' is not a whole number >= 1"),
])
def test_bad_index_or_count_is_refused(env: dict[str, str], count: str, message: str) -> None:
    with pytest.raises(ValueError, match="--aws-shard") as info:
        shard_from_env("IDX", count, env)
    assert message in str(info.value)


@pytest.mark.parametrize(("args", "line"), [
    (["--aws-shard-index-from", "IDX"], "--aws-shard-index-from and --aws-shard-count go "
     "together"),
    (["--aws-shard-index-from", "IDX", "--aws-shard-count", "2", "--aws-shard", "1/2"],
     "--aws-shard and --aws-shard-index-from are exclusive"),
    (["--aws-shard-index-from", "NOPE_UNSET", "--aws-shard-count", "2"],
     "environment variable NOPE_UNSET is not set"),
    (["--compliance-resume"], "need --compliance-output-dir"),
    (["--compliance-output-dir", "out", "--compliance-json", "x.json"],
     "--compliance-json: not with --compliance-output-dir"),
    (["--compliance-baseline", "missing.json"], "--compliance-baseline: "),
])
def test_bad_fleet_options_are_usage_errors(pytester: pytest.Pytester, offline_env: None,
                                            args: list[str], line: str) -> None:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert line in result.stderr.str()
    assert "Traceback" not in result.stderr.str()


@pytest.mark.parametrize(("ini", "line"), [
    ("aws_shard_index_from = IDX\naws_shard_count = x", "ini aws_shard_count: 'x' is not a "
     "whole number >= 1"),
    ("aws_shard_index_from = 1DX\naws_shard_count = 2", "ini aws_shard_index_from: '1DX' is "
     "not an environment variable name"),
    ("aws_shard_count = 2", "--aws-shard-index-from and --aws-shard-count go together"),
    ("aws_shard = 1/2\naws_shard_index_from = IDX\naws_shard_count = 2",
     "--aws-shard and --aws-shard-index-from are exclusive"),
    ("compliance_resume = maybe", "ini compliance_resume: invalid truth value 'maybe'"),
    ("compliance_output_snapshot = true", "need --compliance-output-dir"),
    ("compliance_baseline = missing.json", "--compliance-baseline: "),
])
def test_bad_fleet_ini_values_are_usage_errors(pytester: pytest.Pytester, offline_env: None,
                                               ini: str, line: str) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert line in result.stderr.str()
    assert "Traceback" not in result.stderr.str()


def test_the_command_line_wins_over_the_fleet_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\naws_shard_index_from = A\naws_shard_count = 4\n"
                     "compliance_output_dir = from-ini\ncompliance_baseline = old.json\n")
    config = pytester.parseconfig("--aws-shard-index-from", "B", "--aws-shard-count", "2",
                                  "--compliance-output-dir", "cli")
    options = read_options(config, {"A": "3", "B": "1"})
    assert options.shard == (2, 2)
    assert options.output_dir == (config.invocation_params.dir / "cli").absolute()
    assert options.baseline == (pytester.path / "old.json").absolute()
    assert not options.snapshot and not options.resume


def test_commands_refuse_bad_input_with_exit_4(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["merge", str(tmp_path / "nothing")]) == 4
    assert "no shard manifest found" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert cli.main(["diff", str(bad), str(bad)]) == 4
    assert "not readable OCSF JSON" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        cli.main(["diff", str(bad), str(bad), "--fail-on", "urgent"])
    assert info.value.code == 4
    assert cli.main(["merge", str(tmp_path), "--html", str(tmp_path / "no" / "r.html")]) == 4
    assert "does not exist" in capsys.readouterr().err


def test_a_failed_shard_is_named_not_merged(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    shard = tmp_path / "s1"
    shard.mkdir()
    data = manifest.build(shard=(1, 1), accounts=["111111111111"], regions={},
                          organization_accounts=["111111111111"], partition="aws", closed={},
                          versions={}, started="", finished="", counts={}, exit_status=3,
                          files={})
    (shard / manifest.NAME).write_text(json.dumps(data))
    assert cli.main(["merge", str(shard)]) == 2
    assert "NOT SCANNED 111111111111: " in capsys.readouterr().out
    assert "shard 1/1 failed (exit status 3)" in str(cli.merge.collect([shard]).not_scanned)


def test_the_console_script_and_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["awscompliance"] == "pytest_awscompliance.fleet.cli:main"
    for command, words in ((["merge"], ["--output-dir DIR", "2  an account NOT SCANNED"]),
                           (["diff"], ["OLD", "1  a new failure at or above --fail-on"]),
                           ([], ["merge", "diff", "python -m pytest_awscompliance"])):
        with pytest.raises(SystemExit) as info:
            cli.main([*command, "--help"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert all(word in out for word in words), out
