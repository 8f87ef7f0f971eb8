"""The waiver options (``--compliance-waivers`` and friends) and their ini twins.

Declared from ``pytest_awscompliance.settings.options.add_options`` in the "aws-compliance" group,
because a plugin object registered in ``pytest_configure`` is too late to add options.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

DEFAULT_WARN_DAYS = 30
STALE_MODES = ("fail", "warn")
DEFAULT_STALE = "fail"


@dataclass(frozen=True)
class WaiverOptions:
    """What the user asked of waivers."""

    path: Path | None = None
    warn_days: int = DEFAULT_WARN_DAYS
    disabled: bool = False
    stale: str = DEFAULT_STALE  # "fail": a stale waiver fails the run; "warn": it is listed
    today: date | None = None  # the hidden --compliance-waivers-today, for tests


def add_options(parser: pytest.Parser, group: pytest.OptionGroup) -> None:
    group.addoption("--compliance-waivers", metavar="PATH",
                    help="YAML file of waivers (accepted risks with a justification, an owner "
                         "and an expiry date); see docs/waivers.md. ini: compliance_waivers")
    group.addoption("--compliance-waivers-warn-days", metavar="N",
                    help="list waivers that expire within N days (default "
                         f"{DEFAULT_WARN_DAYS}). ini: compliance_waivers_warn_days")
    group.addoption("--compliance-waivers-stale", metavar="fail|warn",
                    help="a waiver that covered no failing result in a run that scanned its "
                         "scope: fail the run (default) or only warn. ini: "
                         "compliance_waivers_stale")
    group.addoption("--no-waivers", action="store_true", default=False,
                    help="audit mode: ignore the waiver file, show every failure")
    group.addoption("--compliance-waivers-today", metavar="YYYY-MM-DD",
                    help=argparse.SUPPRESS)  # pins "today" for expiry tests
    parser.addini("compliance_waivers", "default for --compliance-waivers (relative to the "
                  "ini file)", default="")
    parser.addini("compliance_waivers_warn_days", "default for --compliance-waivers-warn-days",
                  default=str(DEFAULT_WARN_DAYS))
    parser.addini("compliance_waivers_stale", "default for --compliance-waivers-stale "
                  "(fail or warn)", default=DEFAULT_STALE)


def _ini_base(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def read_options(config: pytest.Config) -> WaiverOptions:
    """Validated waiver options; ``pytest.UsageError`` names a bad value."""
    cli_path = config.getoption("compliance_waivers", None)
    ini_path = str(config.getini("compliance_waivers") or "").strip()
    path = None
    if cli_path:
        path = config.invocation_params.dir / cli_path
    elif ini_path:
        path = _ini_base(config) / ini_path
    raw_days = config.getoption("compliance_waivers_warn_days", None)
    if raw_days is None:
        raw_days = config.getini("compliance_waivers_warn_days")
    text = str(raw_days).strip()
    if not (text.isascii() and text.isdigit()):
        raise pytest.UsageError(f"--compliance-waivers-warn-days: {raw_days!r} is not a whole "
                                "number of days (0 or more)")
    raw_stale = config.getoption("compliance_waivers_stale", None)
    source = "--compliance-waivers-stale"
    if raw_stale is None:
        raw_stale, source = config.getini("compliance_waivers_stale"), "compliance_waivers_stale"
    stale = str(raw_stale).strip()
    if stale not in STALE_MODES:
        raise pytest.UsageError(f"{source}: {raw_stale!r} is not one of "
                                f"{', '.join(STALE_MODES)}")
    raw_today = config.getoption("compliance_waivers_today", None)
    today = None
    if raw_today:
        try:
            today = date.fromisoformat(raw_today)
        except ValueError:
            raise pytest.UsageError(f"--compliance-waivers-today: {raw_today!r} is not an ISO "
                                    "date (YYYY-MM-DD)") from None
    return WaiverOptions(path=path.resolve() if path else None, warn_days=int(text),
                         disabled=bool(config.getoption("no_waivers", False)), stale=stale,
                         today=today)
