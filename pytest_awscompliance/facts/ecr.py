"""ECR facts: repository policies, scanning configuration, lifecycle, images and findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_awscompliance.analysis.iam.matching import like_matches
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import Repository

SEVERITIES = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
"""Finding severities from least to most severe (UNDEFINED / UNTRIAGED are not ranked)."""
AUTOMATIC_SCANS = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})
IMAGE_CONFIG_TYPES = frozenset({
    "application/vnd.docker.container.image.v1+json",
    "application/vnd.oci.image.config.v1+json",
})
"""``artifactMediaType`` of container images; anything else (signatures, SBOMs...) is not."""
SCANNED_STATUSES = frozenset({"COMPLETE", "ACTIVE"})


def repository_policy(aws: AwsContext, repository: Repository) -> str | None:
    """The repository policy (a JSON string), or ``None`` when there is none."""
    answer = aws.read("ecr", "get_repository_policy", repositoryName=repository.name,
                      missing_ok=("RepositoryPolicyNotFoundException",))
    return None if answer is None else answer["policyText"]


def lifecycle_policy(aws: AwsContext, repository: Repository) -> str | None:
    """The lifecycle policy (a JSON string), or ``None`` when there is none."""
    answer = aws.read("ecr", "get_lifecycle_policy", repositoryName=repository.name,
                      missing_ok=("LifecyclePolicyNotFoundException",))
    return None if answer is None else answer["lifecyclePolicyText"]


def registry_scanning(aws: AwsContext) -> dict[str, Any]:
    """The registry's scanning configuration: ``scanType`` and ``rules``."""
    return aws.read("ecr", "get_registry_scanning_configuration")\
        .get("scanningConfiguration") or {}


def automatic_scan_rule(name: str, configuration: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first registry rule that scans ``name`` automatically (on push or continuously).

    A rule counts when its ``scanFrequency`` is SCAN_ON_PUSH or CONTINUOUS_SCAN (MANUAL
    does not) and one of its WILDCARD filters matches the repository name.
    """
    for rule in configuration.get("rules") or []:
        if rule.get("scanFrequency") not in AUTOMATIC_SCANS:
            continue
        for item in rule.get("repositoryFilters") or []:
            if item.get("filterType") == "WILDCARD" and like_matches(
                    item.get("filter", ""), name, variables=False):
                return dict(rule)
    return None


def latest_image(aws: AwsContext, repository: Repository) -> dict[str, Any] | None:
    """The most recently pushed tagged container image, or ``None`` if there is none."""
    images = aws.paginate("ecr", "describe_images", repositoryName=repository.name,
                          filter={"tagStatus": "TAGGED"}).get("imageDetails", [])
    images = [i for i in images
              if i.get("artifactMediaType") in (None, *IMAGE_CONFIG_TYPES)]
    return max(images, key=lambda i: i["imagePushedAt"], default=None)


def image_scan(aws: AwsContext, repository: Repository, digest: str) -> dict[str, Any] | None:
    """The image's scan status and findings summary, or ``None`` if it was never scanned."""
    return aws.read("ecr", "describe_image_scan_findings", repositoryName=repository.name,
                    imageId={"imageDigest": digest}, missing_ok=("ScanNotFoundException",))


def counts_at_or_above(counts: Mapping[str, int], threshold: str) -> dict[str, int]:
    """The non-zero finding counts whose severity is ``threshold`` or worse."""
    floor = SEVERITIES.index(threshold.upper())
    return {sev: int(counts[sev]) for sev in SEVERITIES[floor:] if counts.get(sev)}


def scan_problem(scan: Mapping[str, Any] | None, threshold: str) -> str | None:
    """What is wrong with an image's scan (``None``: scanned, nothing at/above threshold).

    Never scanned, a scan that did not complete (FAILED, UNSUPPORTED_IMAGE, IN_PROGRESS...)
    and findings at or above ``threshold`` are all problems.
    """
    if scan is None:
        return "was not scanned"
    status = (scan.get("imageScanStatus") or {}).get("status")
    if status not in SCANNED_STATUSES:
        return f"has no completed scan (status {status or 'unknown'})"
    counts = (scan.get("imageScanFindings") or {}).get("findingSeverityCounts") or {}
    serious = counts_at_or_above(counts, threshold)
    if serious:
        listed = ", ".join(f"{severity}={count}" for severity, count in serious.items())
        return f"has findings at or above {threshold.upper()}: {listed}"
    return None

