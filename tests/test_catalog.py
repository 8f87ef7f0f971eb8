"""The bundled catalog: the reference ids, complete markers, and docs/controls.md in sync."""

from __future__ import annotations

from pathlib import Path

from pytest_awscompliance.collect.catalog import (
    _variants,
    bundled_controls,
    control_functions,
    granularity,
    render_markdown,
)
from pytest_awscompliance.inventory.bundled import BUNDLED

RESOURCE_TYPES = {t.fixture for t in BUNDLED}

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_IDS = (Path(__file__).parent / "data" / "catalog_ids.txt").read_text().split()


def test_bundled_controls_are_exactly_the_reference_catalog() -> None:
    bundled = {entry.meta.id for entry in bundled_controls()}
    assert sorted(bundled) == sorted(REFERENCE_IDS)


def test_every_bundled_control_is_fully_described() -> None:
    for entry in bundled_controls():
        meta = entry.meta
        assert meta.title and meta.title != meta.id, meta.id
        assert meta.remediation, meta.id


def test_docs_controls_md_is_generated_from_the_markers() -> None:
    expected = render_markdown(bundled_controls())
    actual = (ROOT / "docs" / "controls.md").read_text()
    assert actual == expected, (
        "docs/controls.md is out of date: run "
        "`python -m pytest_awscompliance.collect.catalog > docs/controls.md`")


def test_every_control_id_has_one_title() -> None:
    """A control's functions (users and roles, managed and inline policies) share one title,
    so a marker, docs/controls.md and a report's "top failing controls" say the same."""
    titles: dict[str, set[str]] = {}
    for _, _, function in control_functions():
        for meta in _variants(function):  # parameters may carry their own control marker
            titles.setdefault(meta.id, set()).add(meta.title)
    assert {cid: t for cid, t in titles.items() if len(t) > 1} == {}


def test_catalog_shows_what_one_test_of_each_control_judges() -> None:
    entries = {entry.meta.id: entry for entry in bundled_controls()}
    assert entries["iam-root-mfa-enabled"].granularity == "account"
    assert entries["guardduty-enabled"].granularity == "region"
    assert entries["iam-inline-policy-no-full-admin"].granularity == "iam_inline_policy"
    assert entries["autoscaling-launch-config-imdsv2"].granularity == "launch_configuration"
    assert entries["iam-policy-no-privilege-escalation"].granularity == \
        "iam_inline_policy, iam_policy"
    assert entries["org-scp-guardrails-attached"].granularity == "member_account, account"
    assert entries["ecr-no-public-gallery-repositories"].granularity == "ecr_public_repository"
    assert entries["iam-cloudshell-full-access-not-attached"].granularity == \
        "iam_group, iam_principal"
    for entry in entries.values():
        for kind in entry.granularity.split(", "):
            assert kind in {"account", "region", *RESOURCE_TYPES}, (entry.meta.id, kind)
    row = next(line for line in render_markdown(list(entries.values())).splitlines()
               if line.startswith("| `logging-admin-least-privilege`"))
    assert "| `iam_principal` |" in row


def test_granularity_reads_the_fixture_a_control_takes() -> None:
    def per_region(aws): ...
    def per_account(aws_account, aws_settings): ...
    def per_bucket(s3_bucket, aws): ...
    assert [granularity(f) for f in (per_region, per_account, per_bucket)] == \
        ["region", "account", "s3_bucket"]
