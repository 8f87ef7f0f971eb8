"""EC2 facts: instance-metadata defaults, AMIs and launch-template versions."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import LaunchTemplate, MetadataOptions

IMDS_V2_ONLY_AMI = "v2.0"


def account_imds_defaults(aws: AwsContext) -> dict[str, Any]:
    """The account's instance-metadata defaults for new launches in this region (``{}``: none)."""
    return aws.read("ec2", "get_instance_metadata_defaults").get("AccountLevel") or {}


def ami_imds_support(aws: AwsContext, image_id: str | None) -> str | None:
    """The AMI's ``ImdsSupport`` (``v2.0`` = launches require IMDSv2), ``None`` if unknown.

    An SSM-parameter image (``resolve:ssm:...``) or an AMI that is gone is unknown.
    """
    if not image_id or not image_id.startswith("ami-"):
        return None
    answer = aws.read("ec2", "describe_images", ImageIds=[image_id],
                      missing_ok=("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"))
    images = (answer or {}).get("Images") or [{}]
    return images[0].get("ImdsSupport")


def launch_template_versions(aws: AwsContext, template: LaunchTemplate) -> list[dict[str, Any]]:
    """The template's default and latest versions (one item when they are the same)."""
    answer = aws.paginate("ec2", "describe_launch_template_versions",
                          LaunchTemplateId=template.template_id,
                          Versions=["$Default", "$Latest"])
    versions = {v["VersionNumber"]: v for v in answer.get("LaunchTemplateVersions", [])}
    return [versions[number] for number in sorted(versions)]


def _version_label(number: int, template: LaunchTemplate) -> str:
    """``default and latest version 2``."""
    roles = [role for role, wanted in (("default", template.default_version),
                                       ("latest", template.latest_version)) if wanted == number]
    return f"{' and '.join(roles)} version {number}" if roles else f"version {number}"


def launch_template_problems(aws: AwsContext, template: LaunchTemplate) -> list[str]:
    """Why the template's default or latest version lets instances accept IMDSv1.

    A version passes when it sets ``HttpTokens=required`` or ``HttpEndpoint=disabled``.
    When it leaves ``HttpTokens`` unset, the launch falls back to the AMI's
    ``ImdsSupport`` (``v2.0`` passes) or the account default (``required`` passes).
    An explicit ``HttpTokens=optional`` fails whatever the defaults; a missing
    ``HttpEndpoint`` is not "disabled".
    """
    problems = []
    for version in launch_template_versions(aws, template):
        data = version.get("LaunchTemplateData") or {}
        options = MetadataOptions.from_api(data.get("MetadataOptions"))
        if options.requires_imdsv2:
            continue
        label = _version_label(version["VersionNumber"], template)
        if options.http_tokens is not None:
            problems.append(f"{label} sets HttpTokens={options.http_tokens}")
            continue
        image = data.get("ImageId")
        support = ami_imds_support(aws, image)
        if support == IMDS_V2_ONLY_AMI:
            continue
        default = account_imds_defaults(aws).get("HttpTokens")
        if default == "required":
            continue
        problems.append(
            f"{label} leaves HttpTokens unset and neither its AMI "
            f"({image or 'none'}: ImdsSupport={support or 'not set'}) nor the account default "
            f"(HttpTokens={default or 'not set'}) requires IMDSv2"
        )
    return problems
