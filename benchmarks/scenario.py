"""The benchmark scenario: moto's server on 127.0.0.1, seeded with N accounts x R regions.

Each account gets, in every region, M buckets, M EC2 instances, M ECR repositories,
M CloudTrail trails and M VPCs, and once per account M IAM users, M roles and M customer
policies. Resources with an even index are compliant, odd ones are not; accounts with an
even index get the compliant account-wide settings (password policy, S3 account Block
Public Access). The scanner reaches every account by assuming ``ROLE_NAME`` from the
caller account (moto accepts any account id in the role ARN).

Run alone to seed and keep a scenario up: ``python benchmarks/scenario.py --accounts 2``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

LOOPBACK = "127.0.0.1"
CALLER_ACCOUNT = "123456789012"  # moto's account for long-term credentials
ROLE_NAME = "BenchAuditRole"
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
FIRST_ACCOUNT = 200000000001
REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2")
IMAGE_ID = "ami-0bench0000000001"  # moto runs instances from unknown AMIs
SEED_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3},
                     max_pool_connections=16)
MOTO_ENV = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


@dataclass(frozen=True)
class Shape:
    """The size of a scenario."""

    accounts: int
    regions: int
    resources: int

    def account_ids(self) -> list[str]:
        return [str(FIRST_ACCOUNT + i) for i in range(self.accounts)]

    def region_names(self) -> list[str]:
        if not 1 <= self.regions <= len(REGIONS):
            raise ValueError(f"--regions must be 1..{len(REGIONS)}")
        return list(REGIONS[: self.regions])

    @property
    def label(self) -> str:
        return f"{self.accounts}x{self.regions}x{self.resources}"


# -- moto server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    """``moto_server`` in a child process, on a free loopback port."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @classmethod
    def start(cls, log: Path, timeout: float = 60.0) -> MotoServer:
        port = free_port()
        env = {**os.environ, **MOTO_ENV}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        server = cls(process, port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited ({process.returncode}); see {log}")
            try:
                urllib.request.urlopen(f"{server.endpoint}/moto-api/", timeout=2).close()
                return server
            except OSError:
                time.sleep(0.2)
        server.stop()
        raise RuntimeError(f"moto_server did not answer within {timeout:.0f} s; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def rss_mb(self) -> float:
        """Current resident memory of the moto server, in MB (0 if unknown)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


# -- seeding -------------------------------------------------------------------------------


def _strip_account_host(request: Any, **_: Any) -> None:
    """S3 Control prefixes the account id to the host; moto on 127.0.0.1 needs it gone."""
    parts = urlsplit(request.url)
    host, _, rest = parts.netloc.partition(".")
    if host.isdigit():
        request.url = urlunsplit(parts._replace(netloc=rest))


class Seeder:
    """Unguarded clients into each scenario account, straight to moto (not counted)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.base = boto3.Session(region_name=REGIONS[0], **CREDENTIALS)

    def session(self, account: str) -> boto3.Session:
        creds = self.base.client("sts", endpoint_url=self.endpoint).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}", RoleSessionName="bench-seed",
        )["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGIONS[0])

    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        client = session.client(service, region_name=region, endpoint_url=self.endpoint,
                                config=SEED_CONFIG)
        if service == "s3control":
            client.meta.events.register("before-send.s3-control", _strip_account_host)
        return client


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def seed_identity(seeder: Seeder, session: boto3.Session, account: str, index: int,
                  count: int) -> None:
    """M customer policies, M roles, M users, and the account password policy."""
    iam = seeder.client(session, "iam", REGIONS[0])
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    for i in range(count):
        good = i % 2 == 0
        document = _policy([{"Effect": "Allow", "Action": "s3:GetObject",
                             "Resource": "arn:aws:s3:::bench-*/*"}] if good else
                           [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
        arn = iam.create_policy(PolicyName=f"bench-policy-{i:03d}",
                                PolicyDocument=document)["Policy"]["Arn"]
        principal = {"AWS": f"arn:aws:iam::{account}:root"} if good else {"AWS": "*"}
        role = f"bench-role-{i:03d}"
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=_policy(
            [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
        user = f"bench-user-{i:03d}"
        iam.create_user(UserName=user)
        if not good:
            iam.attach_role_policy(RoleName=role, PolicyArn=admin)
            iam.create_login_profile(UserName=user, Password="Bench-Passw0rd!")
            iam.create_access_key(UserName=user)
            iam.attach_user_policy(UserName=user, PolicyArn=arn)
            iam.put_user_policy(UserName=user, PolicyName="inline-admin", PolicyDocument=_policy(
                [{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
    if index % 2 == 0:
        iam.update_account_password_policy(
            MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
            RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
            MaxPasswordAge=90, PasswordReusePrevention=24)
    else:
        iam.update_account_password_policy(MinimumPasswordLength=8)


def _bucket_name(account: str, region: str, i: int) -> str:
    return f"bench-{account}-{region}-{i:03d}"


def seed_buckets(seeder: Seeder, session: boto3.Session, account: str, region: str,
                 count: int) -> None:
    s3 = seeder.client(session, "s3", region)
    for i in range(count):
        name = _bucket_name(account, region, i)
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if i % 2 == 0:
            flags = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                   "RestrictPublicBuckets"), True)
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=flags)
            s3.put_bucket_policy(Bucket=name, Policy=_policy([{
                "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]))
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        else:
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
                "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
            s3.put_bucket_acl(Bucket=name, ACL="public-read")
            s3.put_bucket_policy(Bucket=name, Policy=_policy([{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*"}]))


def seed_compute(seeder: Seeder, session: boto3.Session, account: str, region: str,
                 count: int) -> None:
    """M instances (half IMDSv2-required) and M VPCs (half with flow logs, half with an
    SSH-open security group)."""
    ec2 = seeder.client(session, "ec2", region)
    for tokens, n in (("required", (count + 1) // 2), ("optional", count // 2)):
        if n:
            ec2.run_instances(ImageId=IMAGE_ID, InstanceType="t3.micro", MinCount=n, MaxCount=n,
                              MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"})
    flow_bucket = f"arn:aws:s3:::{_bucket_name(account, region, 0)}"
    for i in range(count):
        vpc = ec2.create_vpc(CidrBlock=f"10.{i // 256}.{i % 256}.0/24")["Vpc"]["VpcId"]
        if i % 2 == 0:
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination=flow_bucket)
        else:
            group = ec2.create_security_group(GroupName=f"bench-open-{i:03d}", VpcId=vpc,
                                              Description="ssh from anywhere")["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def seed_containers(seeder: Seeder, session: boto3.Session, region: str, count: int) -> None:
    ecr = seeder.client(session, "ecr", region)
    lifecycle = json.dumps({"rules": [{"rulePriority": 1, "selection": {
        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
        "countNumber": 14}, "action": {"type": "expire"}}]})
    for i in range(count):
        good = i % 2 == 0
        name = f"bench-repo-{i:03d}"
        ecr.create_repository(repositoryName=name,
                              imageScanningConfiguration={"scanOnPush": good},
                              imageTagMutability="IMMUTABLE" if good else "MUTABLE")
        if good:
            ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=lifecycle)
        else:
            ecr.set_repository_policy(repositoryName=name, policyText=_policy([{
                "Sid": "public", "Effect": "Allow", "Principal": "*",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]))


def seed_trails(seeder: Seeder, session: boto3.Session, account: str, region: str,
                count: int) -> None:
    """M trails delivering to this region's buckets; even ones multi-Region, validated,
    KMS-encrypted and logging (the first also records S3 data events)."""
    cloudtrail = seeder.client(session, "cloudtrail", region)
    key = seeder.client(session, "kms", region).create_key(
        Description="bench trail key")["KeyMetadata"]["Arn"]
    for i in range(count):
        good = i % 2 == 0
        name = f"bench-trail-{region}-{i:03d}"
        params: dict[str, Any] = {"Name": name, "S3BucketName": _bucket_name(account, region, i),
                                  "IsMultiRegionTrail": good, "EnableLogFileValidation": good}
        if good:
            params["KmsKeyId"] = key
        cloudtrail.create_trail(**params)
        if good:
            cloudtrail.start_logging(Name=name)
        if i == 0:
            cloudtrail.put_event_selectors(TrailName=name, EventSelectors=[{
                "ReadWriteType": "All", "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])


def seed_account(seeder: Seeder, account: str, index: int, regions: list[str],
                 count: int) -> None:
    session = seeder.session(account)
    seed_identity(seeder, session, account, index, count)
    for region in regions:
        seed_buckets(seeder, session, account, region, count)
        seed_compute(seeder, session, account, region, count)
        seed_containers(seeder, session, region, count)
        seed_trails(seeder, session, account, region, count)
    if index % 2 == 0:
        flags = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                               "RestrictPublicBuckets"), True)
        seeder.client(session, "s3control", regions[0]).put_public_access_block(
            AccountId=account, PublicAccessBlockConfiguration=flags)


def seed(endpoint: str, shape: Shape, *, threads: int = 4,
         progress: Callable[[str], None] = print) -> float:
    """Seed the whole scenario into the moto server at ``endpoint``; return seconds taken."""
    start = time.monotonic()
    seeder = Seeder(endpoint)
    regions = shape.region_names()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(seed_account, seeder, account, index, regions, shape.resources)
                   for index, account in enumerate(shape.account_ids())]
        for done, future in enumerate(futures, 1):
            future.result()
            progress(f"  seeded account {done}/{shape.accounts}")
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2)
    parser.add_argument("--regions", type=int, default=1)
    parser.add_argument("--resources", type=int, default=5)
    args = parser.parse_args(argv)
    shape = Shape(args.accounts, args.regions, args.resources)
    server = MotoServer.start(Path("/tmp/bench-moto.log"))
    try:
        seconds = seed(server.endpoint, shape)
        print(f"scenario {shape.label} seeded in {seconds:.1f} s on {server.endpoint} "
              f"(moto RSS {server.rss_mb():.0f} MB); Ctrl-C to stop")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
