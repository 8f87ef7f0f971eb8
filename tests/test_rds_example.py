"""The RDS example of docs/writing-controls.md, run as written against moto: a resource type
declared in conftest.py gets one test per DB instance, also under ``-n 2`` and replayed from
a snapshot without any AWS call."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest

from tests.harness import AUDIT_ROLE  # noqa: F401 - keeps the harness import order
from tests.test_waivers_xdist import moto_server  # noqa: F401 - the fixture

DOC = Path(__file__).parent.parent / "docs" / "writing-controls.md"


def example(name: str) -> str:
    """The python block of the doc whose first line is ``# <name>``."""
    for block in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S):
        if block.startswith(f"# {name}\n"):
            return block
    raise AssertionError(f"docs/writing-controls.md has no block '# {name}'")


def make_instances() -> None:
    rds = boto3.client("rds", region_name="us-east-1")
    rds.create_db_instance(DBInstanceIdentifier="good-db", DBInstanceClass="db.t3.micro",
                           Engine="postgres", MasterUsername="admin",
                           MasterUserPassword="secret123", AllocatedStorage=20,
                           StorageEncrypted=True, PubliclyAccessible=False)
    rds.create_db_instance(DBInstanceIdentifier="open-db", DBInstanceClass="db.t3.micro",
                           Engine="postgres", MasterUsername="admin",
                           MasterUserPassword="secret123", AllocatedStorage=20,
                           StorageEncrypted=False, PubliclyAccessible=True)


def scan(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA",
                                         "--aws-region", "us-east-1", *args)


@pytest.fixture
def rds_project(pytester: pytest.Pytester, moto_server: str) -> pytest.Pytester:  # noqa: F811
    pytester.makeconftest(example("conftest.py"))
    pytester.makepyfile(test_rds=example("test_rds.py"))
    make_instances()
    return pytester


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    found = {}
    for line in result.stdout.lines:
        m = re.match(r"^(PASSED|FAILED|ERROR) \S+::test_rds_instance_encrypted_and_private"
                     r"\[(\S+)\]", line)
        if m:
            found[m.group(2).rsplit("/", 1)[-1]] = m.group(1)
    return found


def test_rds_example_one_pass_one_fail(rds_project: pytest.Pytester) -> None:
    result = scan(rds_project)
    assert outcomes(result) == {"good-db": "PASSED", "open-db": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(["*open-db: storage not encrypted*"])


def test_rds_example_under_xdist(rds_project: pytest.Pytester) -> None:
    result = scan(rds_project, "-n", "2")
    assert outcomes(result) == {"good-db": "PASSED", "open-db": "FAILED"}, result.stdout.str()


def test_rds_example_snapshot_replay(rds_project: pytest.Pytester,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    snap = rds_project.path / "snap.json"
    saved = scan(rds_project, f"--aws-snapshot-save={snap}")
    assert outcomes(saved) == {"good-db": "PASSED", "open-db": "FAILED"}
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing answers there
    replayed = rds_project.runpytest_subprocess("-p", "no:cacheprovider", "-rA",
                                                f"--aws-snapshot={snap}")
    assert outcomes(replayed) == outcomes(saved), replayed.stdout.str()
    replayed.stdout.fnmatch_lines(["aws requests: 0 sent*"])


def test_rds_fixture_listed_with_its_description(rds_project: pytest.Pytester) -> None:
    result = scan(rds_project, "--fixtures")
    result.stdout.fnmatch_lines(["rds_instance*", "*Each RDS DB instance of each account*"])


def test_duplicate_resource_type_is_a_usage_error(pytester: pytest.Pytester,
                                                  moto_server: str) -> None:  # noqa: F811
    pytester.makeconftest(example("conftest.py").replace('"rds_instance"', '"s3_bucket"'))
    pytester.makepyfile(test_x="def test_x(s3_bucket):\n    pass\n")
    result = scan(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert "'s3_bucket' is declared twice" in result.stderr.str() + result.stdout.str()
    assert "Traceback" not in result.stderr.str()
