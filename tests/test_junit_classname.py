"""JUnit ``classname`` of a control: its module path, whatever directory pytest starts in."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.harness import CONTROLS_DIR, FAILING, MotoWorld, scan
from tests.reporting.demo_run import DemoScan, demo_scan


def _controls_package(root: Path) -> Path:
    """``root/controls/compute/test_imds.py``: the bundled control in a user's package."""
    compute = root / "controls" / "compute"
    compute.mkdir(parents=True)
    (root / "controls" / "__init__.py").write_text("")
    (compute / "__init__.py").write_text("")
    shutil.copy(CONTROLS_DIR / "compute" / "test_imds.py", compute / "test_imds.py")
    return compute / "test_imds.py"


def _classnames(path: Path) -> dict[str, str]:
    return {case.get("name", ""): case.get("classname", "")
            for case in ET.parse(path).iter("testcase")}


def test_classname_is_the_module_path_from_any_directory(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    world.client(FAILING, "ec2").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
        MetadataOptions={"HttpTokens": "optional"})
    control = _controls_package(pytester.path)
    top, inside = pytester.path / "top.xml", pytester.path / "inside.xml"
    first = scan(pytester, str(control), args=[f"--junitxml={top}"])
    monkeypatch.chdir(control.parent)  # rootdir (and so every nodeid) moves with the cwd
    second = scan(pytester, str(control), args=[f"--junitxml={inside}"])

    nodeids = {r.nodeid.split("::")[0] for r in first.reports}, \
        {r.nodeid.split("::")[0] for r in second.reports}
    assert nodeids == ({"controls/compute/test_imds.py"}, {"test_imds.py"})
    by_top, by_inside = _classnames(top), _classnames(inside)
    assert by_top and by_top == by_inside
    assert set(by_top.values()) == {"controls.compute.test_imds"}
    assert any(name.startswith("test_instance_requires_imdsv2[") for name in by_top)


def test_junit_prefix_still_applies(pytester: pytest.Pytester, world: MotoWorld) -> None:
    control = _controls_package(pytester.path)
    xml = pytester.path / "prefixed.xml"
    scan(pytester, str(control), args=[f"--junitxml={xml}", "--junit-prefix=aws"])
    assert set(_classnames(xml).values()) == {"aws.controls.compute.test_imds"}


def test_non_controls_keep_pytests_classname(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    xml = pytester.path / "plain.xml"
    pytester.inline_run("-p", "no:cacheprovider", f"--junitxml={xml}")
    assert _classnames(xml) == {"test_one": "test_plain"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    return demo_scan(tmp_path_factory)


def test_demo_classnames_under_xdist(demo: DemoScan) -> None:
    """The shared demo scan runs with ``-n 2``: workers' reports reach junitxml on the
    controller with the control's module."""
    modules = {case.get("classname") for case in ET.parse(demo.junit).iter("testcase")}
    bundled = {f"compliance_tests.{path.parent.name}.{path.stem}"
               for area in ("compute", "storage")
               for path in (CONTROLS_DIR / area).glob("test_*.py")}
    assert modules == bundled
