"""S3: account-level Block Public Access in three states, and buckets public or not.

docs/demo.md ("Storage (S3)") lists what each bucket demonstrates.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'


def _policy(bucket: str, *statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}).replace(
        "BUCKET", bucket)


DENY_PLAIN_HTTP = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                   "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKET/*"}
CLOUDTRAIL_WRITE = {"Sid": "CloudTrailWrite", "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject", "Resource": "arn:aws:s3:::BUCKET/AWSLogs/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": MANAGEMENT}}}


def _bucket(world: DemoWorld, account: str, name: str, region: str = "us-east-1", *,
            statements: tuple[dict[str, Any], ...] = (), owner_enforced: bool = False) -> Any:
    s3 = world.client(account, "s3", region)
    config = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **config)
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=_policy(name, *statements))
    if owner_enforced:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    return s3


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

    # hardened: inherits all four flags, ACLs disabled, TLS-only (passes every bucket control)
    _bucket(world, MANAGEMENT, "acme-mgmt-cloudtrail-logs", owner_enforced=True,
            statements=(DENY_PLAIN_HTTP, CLOUDTRAIL_WRITE))
    # a public-read policy that the account's RestrictPublicBuckets neutralises: not public,
    # but bucket-level Block Public Access still misses two flags
    _bucket(world, PROD, "acme-prod-public-assets", owner_enforced=True,
            statements=(PUBLIC_READ, DENY_PLAIN_HTTP))
    # public through its ACL (AllUsers READ + WRITE), no ownership controls, no policy
    _bucket(world, DEV, "acme-dev-scratch", "eu-west-1").put_bucket_acl(
        Bucket="acme-dev-scratch", GrantRead=ALL_USERS, GrantWrite=ALL_USERS)
    # public through its policy: an anonymous static website
    _bucket(world, DEV, "acme-dev-website", statements=(PUBLIC_READ,))
