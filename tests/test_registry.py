"""The registry of resource types: docs/fixtures.md and the report types come from it, and a
bad registration is named."""

from __future__ import annotations

from pathlib import Path

from pytest_awscompliance.inventory.bundled import BUNDLED
from pytest_awscompliance.inventory.registry import Registry, ResourceType, with_fixtures_table
from pytest_awscompliance.reporting import ocsf

DOC = Path(__file__).parent.parent / "docs" / "fixtures.md"


def test_fixtures_doc_is_generated_from_the_registry() -> None:
    doc = DOC.read_text()
    assert doc == with_fixtures_table(doc, list(BUNDLED)), (
        "docs/fixtures.md is out of date: regenerate its table with "
        "registry.with_fixtures_table(doc, list(bundled.BUNDLED))")


# Types whose resources carry other types' ARNs: a principal is a user or a role, an inline
# policy its owner's ARN plus "#inline-policy/<name>"; reports use those ARNs' types.
BORROWED_ARNS = {"iam_principal": [("iam", "user"), ("iam", "role")],
                 "iam_inline_policy": [("iam", "user"), ("iam", "group"), ("iam", "role")]}


def test_every_bundled_type_has_a_report_type_in_ocsf() -> None:
    for rtype in BUNDLED:
        if rtype.fixture in BORROWED_ARNS:
            assert rtype.arn_kind is None
            assert all(kind in ocsf.RESOURCE_TYPES for kind in BORROWED_ARNS[rtype.fixture])
            continue
        assert rtype.arn_kind is not None and rtype.report_type
        assert ocsf.RESOURCE_TYPES[rtype.arn_kind] == rtype.report_type


def test_bad_and_duplicate_registrations_are_problems() -> None:
    registry = Registry()
    assert all(registry.add(t, "bundled") for t in BUNDLED)
    assert not registry.add(BUNDLED[0], "conftest.py")
    assert not registry.add(ResourceType("aws", "account", list, "x"), "conftest.py")
    assert not registry.add(ResourceType("rds", "zonal", list, "x"), "conftest.py")
    assert not registry.add(ResourceType("rds", "regional", list, "x",
                                         name=lambda i: "n"), "conftest.py")
    assert not registry.add("rds_instance", "conftest.py")
    assert len(registry) == len(BUNDLED)
    assert registry.problems[0] == "conftest.py: resource type 's3_bucket' is declared twice"
    assert "scope 'zonal'" in registry.problems[2]
    assert "both name and arn" in registry.problems[3]
