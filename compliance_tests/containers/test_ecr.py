"""ECR (tip 5): private and scanned repositories, immutable tags, lifecycle, Inspector."""

from fnmatch import fnmatchcase

import pytest

from pytest_awscompliance.analysis.public_policy import public_grants
from pytest_awscompliance.facts.ecr import (
    automatic_scan_rule,
    image_scan,
    latest_image,
    lifecycle_policy,
    registry_scanning,
    repository_policy,
    scan_problem,
)
from pytest_awscompliance.facts.inspector2 import resource_scan_status

IMMUTABLE = ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")


@pytest.mark.severity("critical")
@pytest.mark.control(
    "ecr-repository-policy-not-public",
    title="Private ECR repository policies do not grant access to everyone",
    remediation="aws ecr set-repository-policy --repository-name <name> --policy-text "
    "file://policy.json with named principals, or a Condition such as aws:PrincipalOrgID; "
    "or aws ecr delete-repository-policy --repository-name <name>",
)
def test_repository_policy_not_public(ecr_repository, aws):
    """Public = an Allow to "*", {"AWS": "*"} or arn:aws:iam::*:root without a condition
    pinning the caller (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount,
    aws:PrincipalArn... with fixed values)."""
    policy = repository_policy(aws, ecr_repository)
    grants = (public_grants(policy, name=f"repository policy of {ecr_repository.arn}")
              if policy is not None else [])
    assert not grants, (
        f"repository {ecr_repository.name} is public: "
        f"{'; '.join(g.describe() for g in grants)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "ecr-no-public-gallery-repositories",
    title="No ECR Public (gallery) repositories unless allow-listed",
    remediation="aws ecr-public delete-repository --region us-east-1 --repository-name "
    "<name>, or add the name to the ini option aws_public_ecr_allowlist if it is meant to "
    "be published",
)
def test_public_repository_is_allow_listed(ecr_public_repository, aws_settings):
    """One test per ECR Public repository (ECR Public lives in us-east-1 of the aws
    partition only): it passes when its name matches a glob of aws_public_ecr_allowlist
    (published on purpose), and fails otherwise."""
    allowlist = aws_settings.tunable("aws_public_ecr_allowlist")
    assert any(fnmatchcase(ecr_public_repository.name, p) for p in allowlist), (
        f"ECR Public repository {ecr_public_repository.name} ({ecr_public_repository.uri}) "
        "is published to the gallery and not in aws_public_ecr_allowlist"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "ecr-image-scanning-configured",
    title="ECR images are scanned on push or continuously",
    frameworks={"aws-fsbp": "ECR.1"},
    remediation="aws ecr put-registry-scanning-configuration --scan-type BASIC --rules "
    "'[{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[{\"filter\":\"*\","
    "\"filterType\":\"WILDCARD\"}]}]'",
)
def test_repository_images_scanned(ecr_repository, aws):
    """Stricter than Prowler (which ignores scanFrequency): a registry rule counts only
    with SCAN_ON_PUSH or CONTINUOUS_SCAN and a WILDCARD filter matching the repository."""
    configuration = registry_scanning(aws)
    rule = automatic_scan_rule(ecr_repository.name, configuration)
    assert ecr_repository.scan_on_push or rule is not None, (
        f"repository {ecr_repository.name} is not scanned automatically (scanOnPush=false, "
        f"no SCAN_ON_PUSH/CONTINUOUS_SCAN registry rule matches; registry scanType="
        f"{configuration.get('scanType', 'not set')})"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "ecr-latest-image-no-high-vulns",
    title="The latest pushed image was scanned and has no findings at or above the threshold",
    remediation="Rebuild the image on patched base images and push it; scan it with "
    "aws ecr start-image-scan --repository-name <name> --image-id imageTag=<tag> "
    "(threshold: ini option aws_ecr_vulnerability_threshold)",
)
def test_latest_image_has_no_serious_findings(ecr_repository, aws, aws_settings):
    threshold = str(aws_settings.tunable("aws_ecr_vulnerability_threshold")).upper()
    image = latest_image(aws, ecr_repository)
    if image is None:
        pytest.skip(f"repository {ecr_repository.name} has no tagged image")
    label = f"{ecr_repository.name}:{','.join(image.get('imageTags', []))} " \
            f"({image['imageDigest'][:19]})"
    problem = scan_problem(image_scan(aws, ecr_repository, image["imageDigest"]), threshold)
    assert problem is None, f"latest image {label} {problem}"


@pytest.mark.severity("medium")
@pytest.mark.control(
    "ecr-tag-immutability",
    title="ECR image tags are immutable",
    frameworks={"aws-fsbp": "ECR.2"},
    remediation="aws ecr put-image-tag-mutability --repository-name <name> "
    "--image-tag-mutability IMMUTABLE",
)
def test_repository_tags_immutable(ecr_repository):
    """IMMUTABLE and IMMUTABLE_WITH_EXCLUSION pass; MUTABLE and MUTABLE_WITH_EXCLUSION fail
    (Prowler fails only the literal MUTABLE)."""
    mutability = ecr_repository.tag_mutability
    assert mutability in IMMUTABLE, (
        f"repository {ecr_repository.name} lets tags be overwritten "
        f"(imageTagMutability={mutability or 'not set'})"
    )


@pytest.mark.severity("low")
@pytest.mark.control(
    "ecr-lifecycle-policy",
    title="ECR repositories have a lifecycle policy",
    frameworks={"aws-fsbp": "ECR.3"},
    remediation="aws ecr put-lifecycle-policy --repository-name <name> "
    "--lifecycle-policy-text file://lifecycle.json",
)
def test_repository_has_lifecycle_policy(ecr_repository, aws):
    assert lifecycle_policy(aws, ecr_repository) is not None, (
        f"repository {ecr_repository.name} has no lifecycle policy: stale images never expire"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "inspector-ecr-scanning-enabled",
    title="Amazon Inspector scans ECR images",
    frameworks={"aws-fsbp": "Inspector.2"},
    remediation="aws inspector2 enable --resource-types ECR --account-ids <id> "
    "--region <region>",
)
def test_inspector_scans_ecr(aws):
    status = resource_scan_status(aws, "ecr")
    assert status == "ENABLED", (
        f"Amazon Inspector ECR scanning in {aws.label} is {status or 'not enabled'}"
    )
