"""The report options (``--compliance-json``, ``--compliance-asff``, ``--fail-on-severity``)
and their ini twins.

Declared from ``pytest_awscompliance.settings.options.add_options`` in the "aws-compliance" group,
because a plugin object registered in ``pytest_configure`` is too late to add options.
Kept import-light: ``pytest_awscompliance.settings.options`` imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_awscompliance.model.severity import LEVELS, parse_level


@dataclass(frozen=True)
class ReportOptions:
    """What the user asked of the reports, validated."""

    json_path: Path | None = None
    fail_on: str | None = None
    asff_path: Path | None = None


def add_options(parser: pytest.Parser, group: pytest.OptionGroup) -> None:
    group.addoption("--compliance-json", metavar="PATH",
                    help="write every control result as an OCSF 1.1 Detection Finding into "
                         "PATH (a JSON array; see docs/reports.md). ini: compliance_json")
    group.addoption("--compliance-asff", metavar="PATH", dest="compliance_asff",
                    help="write every control result as an AWS Security Hub finding (ASFF) "
                         "into PATH: JSON lines, one BatchImportFindings batch of at most 100 "
                         "per line (see docs/reports.md). ini: compliance_asff")
    group.addoption("--fail-on-severity", metavar="LEVEL",
                    help="failures below LEVEL are reported but do not fail the run; failures "
                         f"at or above it and every ERROR do ({', '.join(LEVELS)}). "
                         "Default: any failure fails. ini: fail_on_severity")
    parser.addini("compliance_json", "default for --compliance-json (relative to the ini "
                  "file)", default="")
    parser.addini("compliance_asff", "default for --compliance-asff (relative to the ini "
                  "file)", default="")
    parser.addini("fail_on_severity", "default for --fail-on-severity", default="")


def report_path(config: pytest.Config, name: str) -> Path | None:
    """The absolute path of report option ``name``: the command line's relative to the
    invocation directory, the ini file's relative to the ini file."""
    cli_path = config.getoption(name, None)
    ini_path = str(config.getini(name) or "").strip()
    path = None
    if cli_path:
        path = config.invocation_params.dir / Path(cli_path).expanduser()
    elif ini_path:
        base = config.inipath.parent if config.inipath else config.rootpath
        path = base / Path(ini_path).expanduser()
    return path.absolute() if path else None


def read_options(config: pytest.Config) -> ReportOptions:
    """Validated report options; ``pytest.UsageError`` names a bad value."""
    raw_level = config.getoption("fail_on_severity", None) or \
        str(config.getini("fail_on_severity") or "").strip() or None
    fail_on = None
    if raw_level is not None:
        try:
            fail_on = parse_level(raw_level)
        except ValueError as exc:
            raise pytest.UsageError(f"--fail-on-severity: {exc}") from None
    return ReportOptions(json_path=report_path(config, "compliance_json"), fail_on=fail_on,
                         asff_path=report_path(config, "compliance_asff"))
