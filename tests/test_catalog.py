"""The bundled catalog: the reference ids, complete markers, and docs/controls.md in sync."""

from __future__ import annotations

from pathlib import Path

from pytest_awscompliance.collect.catalog import bundled_controls, render_markdown

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
