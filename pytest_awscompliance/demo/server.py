"""Start moto's server on a free loopback port and seed the demo organization into it."""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.aws.sessions import AccountAccess
from pytest_awscompliance.aws.targets import Plan, resolve_given
from pytest_awscompliance.demo.ast_lock import serialize_ast_parsing
from pytest_awscompliance.demo.world import (
    ACCOUNT_NAMES,
    ACCOUNTS,
    HOME,
    IMAGES,
    MANAGEMENT,
    MEMBER_ROLE,
    REGIONS,
    DemoWorld,
)
from pytest_awscompliance.model.errors import TargetError
from pytest_awscompliance.settings.options import Settings

SEED = 20261128
"""moto's random generator is seeded with this before seeding: the same ids every run."""


@dataclass
class DemoServer:
    """A running demo: its endpoint and how to stop it."""

    endpoint: str
    server: Any

    def accounts(self) -> list[AccountAccess]:
        found = []
        for account in ACCOUNTS:
            role = None if account == MANAGEMENT else f"arn:aws:iam::{account}:role/{MEMBER_ROLE}"
            label = "demo management account" if role is None \
                else f"demo role {MEMBER_ROLE} ({ACCOUNT_NAMES[account]})"
            found.append(AccountAccess(account, label, role_arn=role,
                                       endpoint_url=self.endpoint, home_region=HOME))
        return found

    def plan(self, settings: Settings) -> Plan:
        try:
            return resolve_given(settings, self.accounts(), list(REGIONS))
        except TargetError as exc:
            import pytest

            raise pytest.UsageError(str(exc)) from None

    def stop(self) -> None:
        self.server.stop()


def start_demo() -> DemoServer:
    """Start moto on 127.0.0.1 and seed every scenario. Needs the ``demo`` extra.

    Seeding goes through moto's in-process mock into the backends the server answers from
    (same state as over HTTP, ~400 writes without a round trip each); the scan then talks to
    the server like to any endpoint.
    """
    try:
        from moto import mock_aws
        from moto.moto_api._internal import mock_random
        from moto.server import ThreadedMotoServer
    except ImportError:
        import pytest

        raise pytest.UsageError(
            "--aws-demo needs moto's server: pip install 'pytest-awscompliance[demo]'"
        ) from None
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request access log
    _managed_policies_once()
    _images_once()
    serialize_ast_parsing()  # moto's threads and pytest's both parse (demo/ast_lock.py)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    from pytest_awscompliance.demo.scenarios import seed_all

    mock = mock_aws()
    mock.start()  # resets moto's backends, as a fresh server has them
    collecting = gc.isenabled()
    gc.disable()  # seeding only adds objects that live as long as the run (half its CPU)
    try:
        mock_random.seed(SEED)
        seed_all(DemoWorld(endpoint, in_process=True))
    finally:
        mock.stop(remove_data=False)  # the server answers from what was seeded
        gc.freeze()  # moto's state lives as long as the run: keep it out of every collection
        if collecting:
            gc.enable()
    return DemoServer(endpoint, server)


@functools.cache
def _managed_policies_once() -> None:
    """Build AWS's managed IAM policies only where the demo can see them, from one parse.

    moto gives every account one IAM backend per partition (eight), creating them all as soon
    as a request's access key is looked up, and each parses and copies its ~1,600 bundled
    managed policies: about 30 backends, 4 s and 400 MB for the demo. The demo lives in the
    ``aws`` partition, so the other partitions' backends start without them (nothing can
    reach them) and the ``aws`` ones build theirs from data parsed once.
    """
    from moto.iam import models

    original = models.IAMBackend._init_aws_policies

    @functools.cache
    def parsed() -> tuple[tuple[str, dict[str, Any], str], ...]:
        data = json.loads(models.aws_managed_policies_data)
        return tuple((name, item, json.dumps(item.get("Document"))) for name, item in data.items())

    def init_aws_policies(backend: Any) -> list[Any]:
        if backend.partition != "aws":
            return []
        if not models.load_iam_aws_managed_policies():
            return original(backend)
        return [_policy(models, name, item, document, backend)
                for name, item, document in parsed()]

    models.IAMBackend._init_aws_policies = init_aws_policies


def _policy(models: Any, name: str, item: dict[str, Any], document: str, backend: Any) -> Any:
    """``AWSManagedPolicy.from_data`` with the document already serialised."""
    from datetime import datetime

    return models.AWSManagedPolicy(
        name, account_id=backend.account_id, region=backend.region_name,
        default_version_id=item.get("DefaultVersionId"), path=item.get("Path"),
        document=document, create_date=datetime.fromisoformat(item["CreateDate"]),
        update_date=datetime.fromisoformat(item["UpdateDate"]))



@functools.cache
def _images_once() -> None:
    """Give the demo's EC2 regions only the bundled AMIs it uses (``IMAGES``).

    moto builds its default catalogue in every EC2 backend: ~1,300 images per account and
    region (a global list and per-region lists), each with an auto-created snapshot, 250 ms
    per backend. The demo's images are in the global list; they are built as moto builds it.
    """
    from moto.ec2.models import amis

    wanted = [ami for ami in amis.AMIS if ami["ami_id"] in IMAGES]
    missing = set(IMAGES) - {ami["ami_id"] for ami in wanted}
    if missing:
        raise RuntimeError(f"demo AMIs not in moto's bundled list: {sorted(missing)}")

    def load_amis(backend: Any) -> None:
        if not amis.settings.ec2_load_default_amis():
            return
        for ami in wanted:
            data = {**ami, "owner_alias": "amazon"}
            if isinstance(data.get("creation_date"), str):
                data["creation_date"] = amis.parse_timestamp(data["creation_date"])
            backend.amis[ami["ami_id"]] = amis.Ami(backend, **data)

    amis.AmiBackend._load_amis = load_amis
