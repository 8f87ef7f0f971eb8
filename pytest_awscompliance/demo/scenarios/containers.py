"""ECR: a well-kept registry (prod), a neglected one, ECR Public and Amazon Inspector.

moto has no ECR Public (answered through ``GAPS``), never scans on push, and returns a
static HIGH finding after ``start_image_scan`` unless findings are injected through its
moto-api endpoint (done here for prod's web-api). docs/demo.md ("Containers (ECR)") lists
what each repository demonstrates.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from typing import Any

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld

PUBLIC_REPOSITORIES = {PROD: ["acme/web-frontend"], MANAGEMENT: ["acme/docs-site"]}
"""ECR Public (gallery) repositories per account."""
PUBLIC_ALLOWLIST = "acme/docs-*"
"""The ``aws_public_ecr_allowlist`` that publishes acme/docs-site on purpose: part of the demo
organization's own configuration (``TUNABLES``), so acme/docs-site passes and
acme/web-frontend fails; a value the user sets wins."""
TUNABLES = {"aws_public_ecr_allowlist": [PUBLIC_ALLOWLIST]}
LIFECYCLE = json.dumps({"rules": [{
    "rulePriority": 1, "description": "expire untagged images after 14 days",
    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                  "countUnit": "days", "countNumber": 14},
    "action": {"type": "expire"}}]})


def _public_repositories(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"repositories": [
        {"repositoryName": name, "registryId": account,
         "repositoryArn": f"arn:aws:ecr-public::{account}:repository/{name}",
         "repositoryUri": f"public.ecr.aws/acme/{name.split('/')[-1]}"}
        for name in PUBLIC_REPOSITORIES.get(account, [])]}


GAPS = {("ecr-public", "DescribeRepositories"): _public_repositories}


def _pull_policy(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Sid": "AllowPull", "Effect": "Allow", "Principal": principal,
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                   "ecr:BatchCheckLayerAvailability"]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _repository(world: DemoWorld, account: str, name: str, *, mutability: str,
                scan_on_push: bool = False, policy: str | None = None,
                lifecycle: bool = False) -> Any:
    ecr = world.client(account, "ecr")
    extra: dict[str, Any] = {}
    if mutability.endswith("_WITH_EXCLUSION"):
        extra["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": "latest"}]
    ecr.create_repository(repositoryName=name, imageTagMutability=mutability,
                          imageScanningConfiguration={"scanOnPush": scan_on_push}, **extra)
    if policy:
        ecr.set_repository_policy(repositoryName=name, policyText=policy)
    if lifecycle:
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=LIFECYCLE)
    return ecr


def _push(ecr: Any, repository: str, tag: str) -> str:
    """Push a hand-made image manifest; return its digest."""
    config = "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": 1469, "digest": config},
        "layers": []})
    image = ecr.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag)
    return image["image"]["imageId"]["imageDigest"]


def _scan(world: DemoWorld, ecr: Any, account: str, repository: str, digest: str,
          counts: dict[str, int] | None = None) -> None:
    """Scan an image; with ``counts``, make moto report these findings instead of its own."""
    if counts is not None:
        result = {"registryId": account, "repositoryName": repository,
                  "imageId": {"imageDigest": digest},
                  "imageScanStatus": {"status": "COMPLETE",
                                      "description": "The scan was completed successfully."},
                  "imageScanFindings": {"findingSeverityCounts": counts, "findings": []}}
        request = urllib.request.Request(
            f"{world.endpoint}/moto-api/static/ecr/scan-finding-results",
            data=json.dumps({"results": [result], "account_id": account,
                             "region": "us-east-1"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10):  # the demo's loopback moto only
            pass
    ecr.start_image_scan(repositoryName=repository, imageId={"imageDigest": digest})


def seed(world: DemoWorld) -> None:
    org_id = world.client(PROD, "organizations").describe_organization()["Organization"]["Id"]
    # prod: web-api passes everything; legacy-worker fails everything
    ecr = _repository(world, PROD, "web-api", mutability="IMMUTABLE", scan_on_push=True,
                      lifecycle=True, policy=_pull_policy(
                          "*", {"StringEquals": {"aws:PrincipalOrgID": org_id}}))
    _scan(world, ecr, PROD, "web-api", _push(ecr, "web-api", "1.4.2"), {"LOW": 2, "MEDIUM": 1})
    _repository(world, PROD, "legacy-worker", mutability="MUTABLE", policy=_pull_policy("*"))
    _scan(world, ecr, PROD, "legacy-worker", _push(ecr, "legacy-worker", "2019.11"))
    world.client(PROD, "inspector2").enable(resourceTypes=["ECR"], accountIds=[PROD])

    # dev: scanned on push by a registry rule, but its image predates the rule
    ecr = _repository(world, DEV, "sandbox-tools", mutability="MUTABLE_WITH_EXCLUSION")
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": "sandbox-*", "filterType": "WILDCARD"}]}])
    _push(ecr, "sandbox-tools", "latest")

    # management: a MANUAL registry rule scans nothing automatically; no images yet
    ecr = _repository(world, MANAGEMENT, "platform/base-images",
                      mutability="IMMUTABLE_WITH_EXCLUSION", lifecycle=True)
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{
        "scanFrequency": "MANUAL", "repositoryFilters": [{"filter": "*",
                                                          "filterType": "WILDCARD"}]}])
