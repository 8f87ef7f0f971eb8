"""EC2: instances that require IMDSv2 and instances that still accept IMDSv1."""

from __future__ import annotations

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld

DEMO_AMI = "ami-12c6146b"


def _run(world: DemoWorld, account: str, region: str, name: str, tokens: str) -> None:
    world.client(account, "ec2", region).run_instances(
        ImageId=DEMO_AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}],
    )


def seed(world: DemoWorld) -> None:
    _run(world, MANAGEMENT, "us-east-1", "bastion-imdsv2", "required")  # passes
    _run(world, PROD, "us-east-1", "web-1-imdsv2", "required")  # passes
    _run(world, PROD, "eu-west-1", "legacy-batch-imdsv1", "optional")  # fails
    _run(world, DEV, "us-east-1", "dev-box-imdsv1", "optional")  # fails
