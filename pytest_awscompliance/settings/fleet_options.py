"""The fleet options (shard index from an engine variable, output directory, resume,
baseline). Declared from ``pytest_awscompliance.settings.options.add_options``; import-light."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_awscompliance.settings.report_options import report_path

VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class FleetOptions:
    """What the user asked of a shard run."""

    shard: tuple[int, int] | None = None  # 1-based index, count (as --aws-shard)
    output_dir: Path | None = None
    snapshot: bool = False
    resume: bool = False
    baseline: Path | None = None


def add_options(parser: pytest.Parser, group: pytest.OptionGroup) -> None:
    group.addoption("--aws-shard-index-from", metavar="VAR",
                    help="take this shard's 0-based index from environment variable VAR "
                         "(JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, a matrix "
                         "value); needs --aws-shard-count. See docs/organizations.md. "
                         "ini: aws_shard_index_from")
    group.addoption("--aws-shard-count", metavar="N",
                    help="number of shards the accounts are split into (with "
                         "--aws-shard-index-from). ini: aws_shard_count")
    group.addoption("--compliance-output-dir", metavar="DIR",
                    help="write this run's OCSF findings, JUnit XML and manifest.json (last, "
                         "atomically) into DIR, for 'awscompliance merge'. "
                         "ini: compliance_output_dir")
    group.addoption("--compliance-output-snapshot", action="store_true", default=False,
                    help="also record a snapshot (snapshot.json) into --compliance-output-dir. "
                         "ini: compliance_output_snapshot")
    group.addoption("--compliance-resume", action="store_true", default=False,
                    help="do not scan again when --compliance-output-dir already holds a "
                         "complete scan of the same shard (exit 0). ini: compliance_resume")
    group.addoption("--compliance-baseline", metavar="PATH",
                    help="OCSF findings of a previous scan (a file, or a directory holding "
                         "findings.json): mark each failure new or known. "
                         "ini: compliance_baseline")
    parser.addini("aws_shard_index_from", "default for --aws-shard-index-from", default="")
    parser.addini("aws_shard_count", "default for --aws-shard-count", default="")
    parser.addini("compliance_output_dir", "default for --compliance-output-dir (relative to "
                  "the ini file)", default="")
    parser.addini("compliance_output_snapshot", "default for --compliance-output-snapshot",
                  type="bool", default=False)
    parser.addini("compliance_resume", "default for --compliance-resume", type="bool",
                  default=False)
    parser.addini("compliance_baseline", "default for --compliance-baseline (relative to the "
                  "ini file)", default="")


def ini_bool(config: pytest.Config, name: str) -> bool:
    """An ini boolean; a value that is not one is a usage error naming the ini key."""
    try:
        return bool(config.getini(name))
    except (ValueError, pytest.UsageError) as exc:  # pytest raises UsageError("invalid ...")
        raise pytest.UsageError(f"ini {name}: {exc} (use true or false)") from None


def _text(config: pytest.Config, name: str) -> tuple[str, str]:
    """The value of option ``name`` (command line first, then its ini twin) and where it came
    from, for messages: ``("2", "--aws-shard-count")`` or ``("2", "ini aws_shard_count")``."""
    cli = config.getoption(name, None)
    if cli:
        return str(cli), "--" + name.replace("_", "-")
    return str(config.getini(name) or "").strip(), f"ini {name}"


def shard_from_env(variable: str, count_text: str, environ: Mapping[str, str]) -> tuple[int, int]:
    """``("JOB_COMPLETION_INDEX", "8")`` with the variable at ``"0"`` -> ``(1, 8)``.

    The variable holds a 0-based index, as Kubernetes and AWS Batch set it; the result is
    1-based like ``--aws-shard K/N``. ``ValueError`` with one readable line otherwise."""
    if not VARIABLE.match(variable):
        raise ValueError(f"--aws-shard-index-from: {variable!r} is not an environment "
                         "variable name")
    text = str(count_text or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"--aws-shard-count: {count_text!r} is not a whole number >= 1")
    count = int(text)
    raw = environ.get(variable)
    if raw is None:
        raise ValueError(f"--aws-shard-index-from: environment variable {variable} is not set")
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) >= count:
        raise ValueError(f"--aws-shard-index-from: {variable}={raw!r} is not a 0-based index "
                         f"below --aws-shard-count {count}")
    return int(value) + 1, count


def read_options(config: pytest.Config, environ: Mapping[str, str] | None = None) -> FleetOptions:
    """Validated fleet options (the command line wins over the ini file); ``pytest.UsageError``
    names a bad value and where it came from."""
    (variable, variable_from), (count, count_from) = \
        _text(config, "aws_shard_index_from"), _text(config, "aws_shard_count")
    shard = None
    if variable or count:
        if not (variable and count):
            raise pytest.UsageError("--aws-shard-index-from and --aws-shard-count go together")
        if config.getoption("aws_shard", None) or str(config.getini("aws_shard") or "").strip():
            raise pytest.UsageError("--aws-shard and --aws-shard-index-from are exclusive")
        try:
            shard = shard_from_env(variable, count, os.environ if environ is None else environ)
        except ValueError as exc:
            message = str(exc).replace("--aws-shard-index-from:", f"{variable_from}:", 1)
            raise pytest.UsageError(message.replace("--aws-shard-count:", f"{count_from}:", 1)) \
                from None
    output_dir = report_path(config, "compliance_output_dir")
    snapshot = bool(config.getoption("compliance_output_snapshot", False)) \
        or ini_bool(config, "compliance_output_snapshot")
    resume = bool(config.getoption("compliance_resume", False)) \
        or ini_bool(config, "compliance_resume")
    if (snapshot or resume) and output_dir is None:
        raise pytest.UsageError("--compliance-output-snapshot and --compliance-resume need "
                                "--compliance-output-dir")
    return FleetOptions(shard=shard, output_dir=output_dir, snapshot=snapshot, resume=resume,
                        baseline=report_path(config, "compliance_baseline"))
