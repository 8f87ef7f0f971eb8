"""``DemoWorld``: the seeding side of the demo, with unguarded clients into each demo account.

Seeding writes, so it never uses the scanner's (read-only) sessions.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

MANAGEMENT = "123456789012"  # moto's default account for any long-term credentials
PROD = "222222222222"
DEV = "333333333333"
ACCOUNTS = (MANAGEMENT, PROD, DEV)
ACCOUNT_NAMES = {MANAGEMENT: "management", PROD: "prod-workloads", DEV: "dev-sandbox"}
REGIONS = ("us-east-1", "eu-west-1")
HOME = REGIONS[0]
MEMBER_ROLE = "OrganizationAccountAccessRole"
CREDENTIALS = {"aws_access_key_id": "demo", "aws_secret_access_key": "demo"}


class DemoWorld:
    """Clients for seeding the demo accounts on one moto endpoint."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self._base = boto3.Session(region_name=HOME, **CREDENTIALS)

    @cache  # noqa: B019 - one world per demo run
    def session(self, account: str) -> boto3.Session:
        if account == MANAGEMENT:
            return self._base
        creds = self._base.client("sts", endpoint_url=self.endpoint).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{MEMBER_ROLE}", RoleSessionName="demo-seed"
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=HOME,
        )

    def client(self, account: str, service: str, region: str = HOME) -> Any:
        client = self.session(account).client(service, region_name=region,
                                              endpoint_url=self.endpoint)
        if service == "s3control":
            from pytest_awscompliance.aws.clients import _loopback_host_shim

            client.meta.events.register("before-send.s3-control", _loopback_host_shim)
        return client
