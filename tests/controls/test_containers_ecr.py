"""ECR controls: repository policies, ECR Public, scanning, latest-image findings, tags,
lifecycle policies and Amazon Inspector.

moto has no ECR Public (answered through the client hook of ``tests/stubs.py``), never scans
on push and returns a static HIGH finding after ``start_image_scan`` unless findings are
injected through its moto-api endpoint.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests

from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import FAILING, PASSING, REGION, MotoWorld, ScanResult, control_file, scan
from tests.stubs import answer, deny

ECR = control_file("containers/test_ecr.py")
THIRD = "333333333333"
FINDINGS_API = "http://motoapi.amazonaws.com/moto-api/static/ecr/scan-finding-results"
LIFECYCLE = json.dumps({"rules": [{"rulePriority": 1, "selection": {
    "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
    "countNumber": 14}, "action": {"type": "expire"}}]})


def repo_policy(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement = {"Sid": "Pull", "Effect": "Allow", "Principal": principal,
                 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def repository(world: MotoWorld, account: str, name: str, *, mutability: str = "MUTABLE",
               scan_on_push: bool = False, policy: str | None = None,
               lifecycle: bool = False) -> Any:
    ecr = world.client(account, "ecr")
    extra: dict[str, Any] = {}
    if mutability.endswith("_WITH_EXCLUSION"):
        extra["imageTagMutabilityExclusionFilters"] = [{"filterType": "WILDCARD",
                                                        "filter": "latest"}]
    ecr.create_repository(repositoryName=name, imageTagMutability=mutability,
                          imageScanningConfiguration={"scanOnPush": scan_on_push}, **extra)
    if policy:
        ecr.set_repository_policy(repositoryName=name, policyText=policy)
    if lifecycle:
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=LIFECYCLE)
    return ecr


def push(ecr: Any, name: str, tag: str) -> str:
    digest = "sha256:" + hashlib.sha256(f"{name}:{tag}".encode()).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1,
                   "digest": digest}, "layers": []})
    return ecr.put_image(repositoryName=name, imageManifest=manifest,
                         imageTag=tag)["image"]["imageId"]["imageDigest"]


def inject_findings(account: str, name: str, digest: str, counts: dict[str, int]) -> None:
    result = {"registryId": account, "repositoryName": name,
              "imageId": {"imageDigest": digest},
              "imageScanStatus": {"status": "COMPLETE", "description": "done"},
              "imageScanFindings": {"findingSeverityCounts": counts, "findings": []}}
    response = requests.post(FINDINGS_API, json={"results": [result], "region": REGION,
                                                 "account_id": account}, timeout=5)
    assert response.status_code == 201


def public_gallery(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    names = {PASSING: ["tools-cli"], FAILING: ["tools-cli", "leaky-app"]}.get(account, [])
    return {"repositories": [{"repositoryName": n, "registryId": account,
                              "repositoryArn": f"arn:aws:ecr-public::{account}:repository/{n}",
                              "repositoryUri": f"public.ecr.aws/x/{n}"} for n in names]}


def outcome(result: ScanResult, test: str, key: str) -> str:
    return result.outcomes[f"{test}[{key}]"]


@pytest.fixture
def registries(world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two registries: a well-kept one (PASSING) and a neglected one (FAILING)."""
    answer(monkeypatch, "ecr-public", "DescribeRepositories", public_gallery)
    good = repository(world, PASSING, "app-good", mutability="IMMUTABLE", scan_on_push=True,
                      lifecycle=True,
                      policy=repo_policy({"AWS": f"arn:aws:iam::{PASSING}:root"}))
    digest = push(good, "app-good", "v1")
    good.start_image_scan(repositoryName="app-good", imageId={"imageDigest": digest})
    inject_findings(PASSING, "app-good", digest, {"LOW": 3, "MEDIUM": 1})
    repository(world, PASSING, "app-excl", mutability="IMMUTABLE_WITH_EXCLUSION",
               lifecycle=True,
               policy=repo_policy("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))
    good.put_registry_scanning_configuration(scanType="BASIC", rules=[
        {"scanFrequency": "SCAN_ON_PUSH",
         "repositoryFilters": [{"filter": "app-*", "filterType": "WILDCARD"}]}])
    world.client(PASSING, "inspector2").enable(resourceTypes=["ECR"], accountIds=[PASSING])

    bad = repository(world, FAILING, "web-public", policy=repo_policy("*"))
    digest = push(bad, "web-public", "v1")
    bad.start_image_scan(repositoryName="web-public", imageId={"imageDigest": digest})
    repository(world, FAILING, "worker", mutability="MUTABLE_WITH_EXCLUSION",
               policy=repo_policy({"AWS": ["arn:aws:iam::*:root"]}))
    push(bad, "worker", "v7")
    bad.put_registry_scanning_configuration(scanType="BASIC", rules=[
        {"scanFrequency": "MANUAL",
         "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    world.client(FAILING, "inspector2").enable(resourceTypes=["EC2"], accountIds=[FAILING])


@pytest.mark.usefixtures("registries")
def test_ecr_controls(pytester: pytest.Pytester) -> None:
    ini = pytester.makeini("[pytest]\naws_public_ecr_allowlist =\n    tools-*\n")
    result = scan(pytester, ECR, accounts=[PASSING, FAILING, THIRD], args=["-c", str(ini)])
    good, excl = f"{PASSING}/{REGION}/app-good", f"{PASSING}/{REGION}/app-excl"
    public, worker = f"{FAILING}/{REGION}/web-public", f"{FAILING}/{REGION}/worker"
    for test in ("test_repository_policy_not_public", "test_repository_images_scanned",
                 "test_repository_tags_immutable", "test_repository_has_lifecycle_policy"):
        assert outcome(result, test, good) == "passed", test
        assert outcome(result, test, excl) == "passed", test
        assert outcome(result, test, public) == "failed", test
        assert outcome(result, test, worker) == "failed", test
    messages = result.messages
    assert "statement 'Pull' allows ecr:BatchGetImage, ecr:GetDownloadUrlForLayer to *" in \
        messages[f"test_repository_policy_not_public[{public}]"]
    assert "to arn:aws:iam::*:root" in messages[f"test_repository_policy_not_public[{worker}]"]
    assert "(imageTagMutability=MUTABLE_WITH_EXCLUSION)" in \
        messages[f"test_repository_tags_immutable[{worker}]"]
    assert "registry scanType=BASIC" in messages[f"test_repository_images_scanned[{worker}]"]

    latest = "test_latest_image_has_no_serious_findings"
    assert outcome(result, latest, good) == "passed"
    assert outcome(result, latest, excl) == "skipped"
    assert outcome(result, latest, public) == "failed"
    assert "has findings at or above HIGH: HIGH=1" in messages[f"{latest}[{public}]"]
    assert messages[f"{latest}[{worker}]"].startswith("latest image worker:v7 (sha256:")
    assert messages[f"{latest}[{worker}]"].endswith(") was not scanned")

    gallery = "test_public_repository_is_allow_listed"
    assert {k: v for k, v in result.outcomes.items() if k.startswith(gallery)} == {
        f"{gallery}[{PASSING}/{REGION}/tools-cli]": "passed",
        f"{gallery}[{FAILING}/{REGION}/tools-cli]": "passed",
        f"{gallery}[{FAILING}/{REGION}/leaky-app]": "failed",
    }  # THIRD has no ECR Public repository: no test
    assert messages[f"{gallery}[{FAILING}/{REGION}/leaky-app]"] == (
        "ECR Public repository leaky-app (public.ecr.aws/x/leaky-app) is published to the "
        "gallery and not in aws_public_ecr_allowlist")

    inspector = "test_inspector_scans_ecr"
    assert outcome(result, inspector, f"{PASSING}/{REGION}") == "passed"
    assert "scanning in 222222222222/us-east-1 is DISABLED" in \
        messages[f"{inspector}[{FAILING}/{REGION}]"]
    assert "is not enabled" in messages[f"{inspector}[{THIRD}/{REGION}]"]


@pytest.mark.usefixtures("registries")
def test_vulnerability_threshold_option(pytester: pytest.Pytester) -> None:
    result = scan(pytester, ECR, accounts=[PASSING, FAILING],
                  args=["-k", "latest_image", "-o", "aws_ecr_vulnerability_threshold=medium"])
    latest = "test_latest_image_has_no_serious_findings"
    assert outcome(result, latest, f"{PASSING}/{REGION}/app-good") == "failed"
    assert "at or above MEDIUM: MEDIUM=1" in \
        result.messages[f"{latest}[{PASSING}/{REGION}/app-good]"]


@pytest.mark.usefixtures("world")
def test_one_waiver_waives_one_public_repository(pytester: pytest.Pytester,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    answer(monkeypatch, "ecr-public", "DescribeRepositories", public_gallery)
    gallery = "test_public_repository_is_allow_listed"
    tests = [f"{gallery}[{FAILING}/{REGION}/{n}]" for n in ("leaky-app", "tools-cli")]
    result = scan_waiving(pytester, ECR, "ecr-no-public-gallery-repositories",
                          f"arn:aws:ecr-public::{FAILING}:repository/leaky-app",
                          args=["-k", gallery])
    assert_waives_only(result, tests[0], tests)


@pytest.mark.usefixtures("world")
def test_ecr_public_is_read_in_us_east_1_only(pytester: pytest.Pytester,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanning eu-west-1 only, the repositories are still read (once) in us-east-1."""
    asked: list[str] = []

    def gallery(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        asked.append(region)
        return public_gallery(account, region, params)

    answer(monkeypatch, "ecr-public", "DescribeRepositories", gallery)
    result = scan(pytester, ECR, accounts=[FAILING], regions=["eu-west-1"],
                  args=["-k", "public_repository"])
    assert result.outcomes[f"test_public_repository_is_allow_listed[{FAILING}/{REGION}/"
                           "leaky-app]"] == "failed"
    assert asked == [REGION]


@pytest.mark.usefixtures("world")
def test_ecr_public_denied_is_an_error(pytester: pytest.Pytester,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "ecr-public", "DescribeRepositories", "AccessDeniedException")
    result = scan(pytester, ECR, accounts=[FAILING], args=["-k", "public_repository"])
    key = f"test_public_repository_is_allow_listed[{FAILING}/global/<discovery failed>]"
    assert result.outcomes == {key: "error"}
    assert "missing permission ecr-public:DescribeRepositories" in result.messages[key]


def test_ecr_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repository(world, FAILING, "denied-repo")
    deny(monkeypatch, "ecr", "GetLifecyclePolicy", "AccessDeniedException")
    result = scan(pytester, ECR, accounts=[FAILING], args=["-k", "lifecycle"])
    assert result.only(FAILING) == "error"
    assert "missing permission ecr:GetLifecyclePolicy" in result.message(FAILING)
