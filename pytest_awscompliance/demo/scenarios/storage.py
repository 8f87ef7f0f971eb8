"""S3: account-level Block Public Access in three states, and a few buckets."""

from __future__ import annotations

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def seed(world: DemoWorld) -> None:
    # management: all four settings on (passes)
    world.client(MANAGEMENT, "s3control").put_public_access_block(
        AccountId=MANAGEMENT, PublicAccessBlockConfiguration=ALL_ON)
    # prod: only the two "ignore/restrict" settings, Prowler's lenient pass (fails here)
    world.client(PROD, "s3control").put_public_access_block(
        AccountId=PROD,
        PublicAccessBlockConfiguration={**ALL_ON, "BlockPublicAcls": False,
                                        "BlockPublicPolicy": False},
    )
    # dev: no account-level configuration at all (fails)
    world.client(MANAGEMENT, "s3").create_bucket(Bucket="acme-mgmt-cloudtrail-logs")
    world.client(PROD, "s3").create_bucket(Bucket="acme-prod-public-assets")
    world.client(DEV, "s3", "eu-west-1").create_bucket(
        Bucket="acme-dev-scratch",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
