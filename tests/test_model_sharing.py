"""What the scan's clients share: one parse per model file, one class per service."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.loaders
import pytest

from pytest_awscompliance.aws import models
from pytest_awscompliance.aws.clients import ClientPool
from pytest_awscompliance.aws.models import SharedLoader
from pytest_awscompliance.aws.sessions import AccountAccess, core_session
from pytest_awscompliance.aws.targets import known_regions
from pytest_awscompliance.engine import runtime

ENDPOINT = "http://127.0.0.1:9"  # never called: these tests only build clients


def test_concurrent_first_loads_parse_a_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads that ask for the same model at the same moment get one object, parsed once
    (botocore's memo has no lock: each parsed, and each client kept, its own copy)."""
    parsed: list[str] = []
    original = botocore.loaders.JSONFileLoader.load_file

    def counting(self: Any, file_path: str) -> Any:
        data = original(self, file_path)
        if data is not None and "/ecr/" in file_path and "service-2" in file_path:
            parsed.append(file_path)
        return data

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counting)
    loader = SharedLoader()
    start = threading.Barrier(8)
    got: list[Any] = []

    def load() -> None:
        start.wait()
        got.append(loader.load_service_model("ecr", "service-2"))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(parsed) == 1, parsed
    assert all(model is got[0] for model in got)


def test_models_keep_what_clients_need_without_the_prose() -> None:
    model = SharedLoader().load_service_model("s3", "service-2")
    assert "documentation" not in model["operations"]["GetBucketPolicy"]
    assert not any("documentation" in shape for shape in model["shapes"].values())
    # S3's client context parameters keep theirs: botocore reads it when building a client
    assert all("documentation" in p for p in model["clientContextParams"].values())
    client = boto3.Session(botocore_session=core_session(), aws_access_key_id="a",
                           aws_secret_access_key="b").client("s3", region_name="us-east-1")
    assert "Bucket=" in str(client.get_bucket_policy.__doc__)  # help() still shows the call


def test_known_regions_from_the_shared_endpoint_data() -> None:
    session = boto3.Session()
    expected = {region for partition in ("aws", "aws-cn", "aws-us-gov")
                for region in session.get_available_regions("ec2", partition)}
    assert known_regions() == expected
    assert {"us-east-1", "cn-north-1", "us-gov-west-1"} <= known_regions()


def test_scan_clients_of_a_service_share_one_class() -> None:
    pool = ClientPool()
    first = AccountAccess("200000000001", "one", endpoint_url=ENDPOINT)
    second = AccountAccess("200000000002", "two", endpoint_url=ENDPOINT)
    pool.add(first)
    pool.add(second)
    a = pool.client(first.account_id, "s3", "us-east-1")
    b = pool.client(second.account_id, "s3", "eu-west-1")
    assert type(a) is type(b)
    assert (a.meta.region_name, b.meta.region_name) == ("us-east-1", "eu-west-1")
    assert hasattr(b, "upload_file")  # boto3's class-creation handlers ran for the class
    ec2 = pool.client(first.account_id, "ec2", "us-east-1")
    assert type(ec2) is not type(a) and hasattr(ec2, "describe_instances")
    # a client made outside the scan's pools (no boto3 handlers here) gets botocore's own
    bare = core_session().create_client("s3", region_name="us-east-1",
                                        aws_access_key_id="a", aws_secret_access_key="b")
    assert type(bare) is not type(a) and not hasattr(bare, "upload_file")


def test_sharing_is_scoped_to_the_block() -> None:
    def make() -> Any:
        return boto3.Session(botocore_session=core_session(), aws_access_key_id="a",
                             aws_secret_access_key="b").client("sts", region_name="us-east-1")

    with models.shared_client_class():
        shared = make(), make()
    assert type(shared[0]) is type(shared[1])
    assert type(make()) is not type(shared[0])


def test_malloc_arenas_left_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, param: int, value: int) -> int:
            calls.append((param, value))
            return 1

    monkeypatch.setattr(runtime.ctypes, "CDLL", lambda _: Libc())
    monkeypatch.setattr(runtime.sys, "platform", "linux")
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    runtime.limit_malloc_arenas()
    assert calls == []
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    runtime.limit_malloc_arenas()
    assert calls == [(-8, runtime.MALLOC_ARENAS)]
