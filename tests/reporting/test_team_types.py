"""A resource type a team declares in ``conftest.py`` (the RDS example of
docs/writing-controls.md) names its resources in the OCSF and ASFF findings, with and
without xdist, also when the conftest sits below the directory pytest starts in (the xdist
controller, which collects nothing, never loads it: the workers hand it their types)."""

from __future__ import annotations

import json

import pytest

from tests.test_rds_example import example, make_instances, scan
from tests.test_waivers_xdist import moto_server  # noqa: F401 - the fixture

CONTROL = "rds-instance-encrypted-private"


@pytest.mark.parametrize("where", [".", "teams"])
@pytest.mark.parametrize("workers", ["0", "2"])
def test_team_type_reaches_ocsf_and_asff(pytester: pytest.Pytester, moto_server: str,  # noqa: F811
                                         where: str, workers: str) -> None:
    folder = pytester.path / where
    folder.mkdir(exist_ok=True)
    (folder / "conftest.py").write_text(example("conftest.py"))
    (folder / "test_rds.py").write_text(example("test_rds.py"))
    make_instances()
    result = scan(pytester, "-n", workers, "--compliance-json=findings.json",
                  "--compliance-asff=findings.asff.jsonl")
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()  # open-db fails

    findings = json.loads((pytester.path / "findings.json").read_text())
    ocsf = {f["resources"][0]["name"]: f["resources"][0]["type"] for f in findings
            if f["unmapped"]["compliance"]["control"] == CONTROL}
    assert ocsf == {"good-db": "AwsRdsDbInstance", "open-db": "AwsRdsDbInstance"}

    lines = (pytester.path / "findings.asff.jsonl").read_text().splitlines()
    asff = [f for line in lines for f in json.loads(line)
            if f["GeneratorId"].endswith("/" + CONTROL)]
    assert len(asff) == 2
    assert {f["Resources"][0]["Type"] for f in asff} == {"AwsRdsDbInstance"}
    assert {f["Resources"][0]["Id"].rsplit(":", 1)[-1] for f in asff} == {"good-db", "open-db"}


def test_report_types_cross_as_json_and_own_types_win() -> None:
    from pytest_awscompliance.inventory.bundled import BUNDLED
    from pytest_awscompliance.inventory.registry import Registry
    from pytest_awscompliance.reporting import ocsf

    worker = Registry()
    for rtype in BUNDLED:
        worker.add(rtype, "bundled")
    worker._learned[("rds", "db")] = "AwsRdsDbInstance"  # as a worker's conftest declared it
    rows = json.loads(json.dumps(worker.shared_report_types()))
    controller = Registry()
    bucket = next(t for t in BUNDLED if t.fixture == "s3_bucket")
    controller.add(bucket, "bundled")
    controller.learn([["s3", "", "NotThis"], *rows, ["rds"], [1, 2, 3], ["sqs", "", ""],
                      ["sqs", "", "AwsSqsQueue"]])
    types = ocsf.resource_types(controller.report_types())
    assert types[("rds", "db")] == "AwsRdsDbInstance"
    assert types[("s3", "")] == bucket.report_type == "AwsS3Bucket"  # its own type wins
    assert types.pop(("sqs", "")) == "AwsSqsQueue"  # an ARN without a kind
    assert types == ocsf.resource_types(worker.report_types())
    assert ocsf.resource_type("rds", "db:open-db", types) == "AwsRdsDbInstance"
    assert ocsf.resource_type("rds", "db:open-db") == "AwsRdsDb"  # bundled names only
    assert types[("iam", "group")] == "AwsIamGroup"
