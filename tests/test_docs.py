"""Every option and ini setting of the plugin is documented in docs/options.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_option_and_ini_is_documented(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest("--help").stdout.str()
    group = out.split("AWS compliance (pytest-awscompliance):")[1].split("\n\n")[0]
    options = set(re.findall(r"^\s+(--[a-z][a-z0-9-]+)", group, flags=re.M))
    assert len(options) >= 15
    docs = (ROOT / "docs" / "options.md").read_text()
    for option in sorted(options):
        assert f"`{option}" in docs, option
    from pytest_awscompliance.settings.options import TUNABLES

    for tunable in TUNABLES:
        assert f"`{tunable.name}`" in docs, tunable.name
