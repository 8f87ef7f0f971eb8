"""``DemoWorld``: the seeding side of the demo, with unguarded clients into each demo account.

Seeding writes, so it never uses the scanner's (read-only) sessions. It runs in the process
that hosts moto's server, through moto's in-process mock (``mock_aws``, see server.py): the
same backends the server then answers from, without an HTTP round trip per write.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from pytest_awscompliance.aws.sessions import core_session

MANAGEMENT = "123456789012"  # moto's default account for any long-term credentials
PROD = "222222222222"
DEV = "333333333333"
ACCOUNTS = (MANAGEMENT, PROD, DEV)
ACCOUNT_NAMES = {MANAGEMENT: "management", PROD: "prod-workloads", DEV: "dev-sandbox"}
REGIONS = ("us-east-1", "eu-west-1")
HOME = REGIONS[0]
MEMBER_ROLE = "OrganizationAccountAccessRole"
CREDENTIALS = {"aws_access_key_id": "demo", "aws_secret_access_key": "demo"}
IMAGES = ("ami-12c6146b",)
"""The AMIs of moto's bundled catalogue that the demo's EC2 regions hold: the ones the
scenarios launch from (a scenario using another adds it here). moto would otherwise build
its ~1,300 default images, each with a snapshot, in every account and region."""


class DemoWorld:
    """Clients for seeding the demo accounts into moto.

    ``endpoint`` is the server's URL (for moto's own ``/moto-api`` calls); ``in_process``
    sends the AWS calls through an active ``mock_aws`` instead of to ``endpoint``. Clients
    are made once per (account, service, region) and share the process's service models.
    """

    def __init__(self, endpoint: str, *, in_process: bool = False):
        self.endpoint = endpoint
        self._client_endpoint = None if in_process else endpoint
        self._base = self._session(**CREDENTIALS)

    @staticmethod
    def _session(**credentials: str) -> boto3.Session:
        return boto3.Session(botocore_session=core_session(), region_name=HOME, **credentials)

    @cache  # noqa: B019 - one world per demo run
    def session(self, account: str) -> boto3.Session:
        if account == MANAGEMENT:
            return self._base
        creds = self.client(MANAGEMENT, "sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{MEMBER_ROLE}", RoleSessionName="demo-seed"
        )["Credentials"]
        return self._session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"])

    @cache  # noqa: B019 - one world per demo run
    def client(self, account: str, service: str, region: str = HOME) -> Any:
        # in-process: AWS's own endpoints, which moto's mock intercepts, whatever
        # AWS_ENDPOINT_URL* the environment sets for the scan
        config = Config(ignore_configured_endpoint_urls=self._client_endpoint is None)
        client = self.session(account).client(service, region_name=region,
                                              endpoint_url=self._client_endpoint, config=config)
        if service == "s3control" and self._client_endpoint:
            from pytest_awscompliance.aws.clients import _loopback_host_shim

            client.meta.events.register("before-send.s3-control", _loopback_host_shim)
        return client
