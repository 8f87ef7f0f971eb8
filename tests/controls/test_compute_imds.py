"""IMDSv2 controls beyond instances: account defaults, launch templates, launch configurations.

moto lacks ``GetInstanceMetadataDefaults`` and never reports an AMI's ``ImdsSupport``:
both are answered through the client hook of ``tests/stubs.py`` (every other call goes to moto).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import FAILING, PASSING, REGION, MotoWorld, control_file, scan
from tests.stubs import answer, deny

IMDS = control_file("compute/test_imds.py")
THIRD = "333333333333"
V2_AMI = "ami-0123456789abcdef0"
REQUIRED = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
OPTIONAL = {"HttpTokens": "optional", "HttpEndpoint": "enabled"}
DEFAULTS = {PASSING: {"HttpTokens": "required", "HttpTokensEnforced": "enabled"},
            FAILING: {"HttpTokens": "no-preference"}}


def metadata_defaults(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"AccountLevel": DEFAULTS.get(account, {})}


def images(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeImages for one AMI: only ``V2_AMI`` reports ``ImdsSupport=v2.0``."""
    image = params["ImageIds"][0]
    return {"Images": [{"ImageId": image, **({"ImdsSupport": "v2.0"} if image == V2_AMI else {})}]}


def template(world: MotoWorld, account: str, name: str, *versions: dict[str, Any],
             default: int | None = None) -> None:
    ec2 = world.client(account, "ec2")
    created = ec2.create_launch_template(LaunchTemplateName=name,
                                         LaunchTemplateData=versions[0])["LaunchTemplate"]
    for data in versions[1:]:
        ec2.create_launch_template_version(LaunchTemplateId=created["LaunchTemplateId"],
                                           LaunchTemplateData=data)
    if default is not None:
        ec2.modify_launch_template(LaunchTemplateId=created["LaunchTemplateId"],
                                   DefaultVersion=str(default))


def launch_config(world: MotoWorld, account: str, name: str, options: dict[str, Any] | None,
                  *, group: bool = True) -> None:
    autoscaling = world.client(account, "autoscaling")
    extra = {} if options is None else {"MetadataOptions": options}
    autoscaling.create_launch_configuration(LaunchConfigurationName=name, ImageId="ami-12c6146b",
                                            InstanceType="t3.micro", **extra)
    if group:
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=f"{name}-group", LaunchConfigurationName=name, MinSize=0,
            MaxSize=1, DesiredCapacity=0, AvailabilityZones=[f"{REGION}a"])


def test_imds_defaults_templates_and_launch_configurations(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(monkeypatch, "ec2", "GetInstanceMetadataDefaults", metadata_defaults)
    answer(monkeypatch, "ec2", "DescribeImages", images)
    ami = {"ImageId": "ami-12c6146b"}
    template(world, PASSING, "lt-required", {**ami, "MetadataOptions": REQUIRED})
    template(world, PASSING, "lt-account-default", ami)
    template(world, PASSING, "lt-imds-off", {**ami, "MetadataOptions": {"HttpEndpoint":
                                                                         "disabled"}})
    template(world, FAILING, "lt-latest-weak", {**ami, "MetadataOptions": REQUIRED},
             {**ami, "MetadataOptions": OPTIONAL})
    template(world, FAILING, "lt-default-weak", {**ami, "MetadataOptions": OPTIONAL},
             {**ami, "MetadataOptions": REQUIRED}, default=1)
    template(world, FAILING, "lt-unset", ami)
    template(world, FAILING, "lt-hop-limit-only", {**ami, "MetadataOptions":
                                                   {"HttpPutResponseHopLimit": 2}})
    template(world, FAILING, "lt-v2-ami", {"ImageId": V2_AMI})
    launch_config(world, PASSING, "lc-required", REQUIRED)
    launch_config(world, PASSING, "lc-unused", OPTIONAL, group=False)
    launch_config(world, FAILING, "lc-unset", None)
    launch_config(world, FAILING, "lc-optional", OPTIONAL)

    result = scan(pytester, IMDS, accounts=[PASSING, FAILING, THIRD],
                  args=["-k", "not test_instance_requires"])
    outcomes, messages = result.outcomes, result.messages

    default = "test_account_imds_default_requires_imdsv2"
    assert outcomes[f"{default}[{PASSING}/{REGION}]"] == "passed"
    assert outcomes[f"{default}[{FAILING}/{REGION}]"] == "failed"
    assert "(account-level HttpTokens=no-preference)" in messages[f"{default}[{FAILING}/{REGION}]"]
    assert "HttpTokens=not set" in messages[f"{default}[{THIRD}/{REGION}]"]

    lt = "test_launch_template_requires_imdsv2"
    for name in ("lt-required", "lt-account-default", "lt-imds-off"):
        assert outcomes[f"{lt}[{PASSING}/{REGION}/{name}]"] == "passed", name
    assert outcomes[f"{lt}[{FAILING}/{REGION}/lt-v2-ami]"] == "passed"
    for name in ("lt-latest-weak", "lt-default-weak", "lt-unset", "lt-hop-limit-only"):
        assert outcomes[f"{lt}[{FAILING}/{REGION}/{name}]"] == "failed", name
    assert "latest version 2 sets HttpTokens=optional" in \
        messages[f"{lt}[{FAILING}/{REGION}/lt-latest-weak]"]
    weak_default = messages[f"{lt}[{FAILING}/{REGION}/lt-default-weak]"]
    assert "default version 1 sets HttpTokens=optional" in weak_default
    assert "version 2" not in weak_default
    assert ("default and latest version 1 leaves HttpTokens unset and neither its AMI "
            "(ami-12c6146b: ImdsSupport=not set) nor the account default "
            "(HttpTokens=no-preference) requires IMDSv2") in \
        messages[f"{lt}[{FAILING}/{REGION}/lt-unset]"]
    assert "leaves HttpTokens unset" in messages[f"{lt}[{FAILING}/{REGION}/lt-hop-limit-only]"]

    lc = "test_launch_configuration_requires_imdsv2"
    assert outcomes[f"{lc}[{PASSING}/{REGION}/lc-required]"] == "passed"
    assert outcomes[f"{lc}[{FAILING}/{REGION}/lc-optional]"] == "failed"
    assert outcomes[f"{lc}[{FAILING}/{REGION}/lc-unset]"] == "failed"
    assert messages[f"{lc}[{FAILING}/{REGION}/lc-optional]"].startswith(
        "launch configuration lc-optional (used by lc-optional-group) accepts IMDSv1: "
        "HttpTokens=optional, HttpEndpoint=enabled")
    assert messages[f"{lc}[{FAILING}/{REGION}/lc-unset]"].startswith(
        "launch configuration lc-unset (used by lc-unset-group) accepts IMDSv1: "
        "HttpTokens=not set, HttpEndpoint=not set")
    # no group uses lc-unused, and the third account has none: nothing to judge, no test
    assert not [k for k in outcomes if k.startswith(lc) and ("lc-unused" in k or THIRD in k)]


def test_one_waiver_waives_one_launch_configuration(pytester: pytest.Pytester,
                                                    world: MotoWorld) -> None:
    launch_config(world, FAILING, "lc-unset", None)
    launch_config(world, FAILING, "lc-optional", OPTIONAL)
    arn = world.client(FAILING, "autoscaling").describe_launch_configurations(
        LaunchConfigurationNames=["lc-unset"])["LaunchConfigurations"][0]["LaunchConfigurationARN"]
    lc = "test_launch_configuration_requires_imdsv2"
    tests = [f"{lc}[{FAILING}/{REGION}/{n}]" for n in ("lc-unset", "lc-optional")]
    result = scan_waiving(pytester, IMDS, "autoscaling-launch-config-imdsv2", arn,
                          args=["-k", lc])
    assert_waives_only(result, tests[0], tests)


def test_ec2_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "ec2", "GetInstanceMetadataDefaults", "UnauthorizedOperation")
    result = scan(pytester, IMDS, accounts=[FAILING], args=["-k", "account_imds_default"])
    assert result.only(FAILING) == "error"
    assert "missing permission ec2:GetInstanceMetadataDefaults" in result.message(FAILING)
