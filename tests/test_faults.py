"""Faults: throttling, 5xx, connection resets and read timeouts, injected with a fixed seed.

A botocore ``before-send`` hook (through the ``pytest_awscompliance_client_created`` hook)
answers a random share of the requests a scan sends with a synthetic failure. With the
plugin's retries (adaptive mode, 8 attempts) a faulty scan ends exactly like a clean one;
where the retries run out, the controls that needed the failing read are ERROR naming the
operation and the error, the others are unaffected, and nothing passes that did not pass in
the clean run.

Test-only speed-up (``fast_retries``): botocore's exponential backoff waits 0 s and the
adaptive mode's token bucket never blocks. Which errors are retried, how often, and the retry
quota stay botocore's own, driven by the plugin's ``CLIENT_CONFIG``.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.retries import bucket, standard
from moto.core.models import botocore_stubber

from pytest_awscompliance.aws import sessions
from pytest_awscompliance.aws.clients import CLIENT_CONFIG, GLOBAL_SERVICES, ClientPool
from pytest_awscompliance.aws.sessions import AccountAccess
from pytest_awscompliance.model.errors import TargetError
from tests.harness import (
    AUDIT_ROLE,
    CALLER,
    CONTROLS_DIR,
    FAILING,
    PASSING,
    REGION,
    MotoWorld,
    ScanResult,
    control_file,
    scan,
)
from tests.stubs import add_hook

# Bundled controls that cover the four wire protocols of the scan (query: iam, rest-xml: s3
# and s3control, ec2, json: cloudtrail and logs).
FAULT_CONTROLS = ("identity/test_password_policy.py", "storage/test_s3_public_access.py",
                  "compute/test_imds.py", "logging/test_cloudtrail.py")

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


# --------------------------------------------------------------------------- synthetic wire


class _Raw(BytesIO):
    """The raw body botocore reads from an ``AWSResponse``."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    head = bytes([0x60 | len(data)]) if len(data) < 24 else bytes([0x78, len(data)])
    return head + data


def _cbor_map(items: dict[str, str]) -> bytes:
    """Just enough CBOR (a small map of short strings) for smithy-rpc-v2-cbor errors."""
    body = bytes([0xA0 | len(items)])
    for key, value in items.items():
        body += _cbor_text(key) + _cbor_text(value)
    return body


def error_response(url: str, protocol: str, status: int, code: str,
                   message: str) -> AWSResponse:
    """An AWS error response as the service would send it over ``protocol``."""
    headers: dict[str, str] = {"x-amzn-RequestId": "fault-injected"}
    if protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>x</RequestId>"
                "</ErrorResponse>")
    elif protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                "</Error></Errors><RequestID>x</RequestID></Response>")
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    elif protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.1"
        body = f'{{"__type": "{code}", "message": "{message}"}}'
    elif protocol == "rest-json":
        headers["Content-Type"] = "application/json"
        headers["x-amzn-ErrorType"] = code
        body = f'{{"message": "{message}"}}'
    elif protocol == "smithy-rpc-v2-cbor":
        headers["smithy-protocol"] = "rpc-v2-cbor"
        return AWSResponse(url, status, headers,
                           _Raw(_cbor_map({"__type": code, "message": message})))
    else:  # pragma: no cover - a protocol botocore adds later
        raise AssertionError(f"no synthetic error for protocol {protocol}")
    return AWSResponse(url, status, headers, _Raw(body.encode()))


Fault = Callable[[Any, str], AWSResponse]
"""``fault(request, protocol)`` returns a synthetic response or raises a transport error."""


def throttling(request: Any, protocol: str) -> AWSResponse:
    code = "RequestLimitExceeded" if protocol == "ec2" else (
        "Throttling" if protocol == "query" else "ThrottlingException")
    if protocol == "rest-xml":
        return error_response(request.url, protocol, 503, "SlowDown", "Please reduce your rate")
    return error_response(request.url, protocol, 400, code, "Rate exceeded")


def http_500(request: Any, protocol: str) -> AWSResponse:
    return AWSResponse(request.url, 500, {}, _Raw(b""))


def http_503(request: Any, protocol: str) -> AWSResponse:
    return AWSResponse(request.url, 503, {"Content-Type": "text/html"},
                       _Raw(b"<html><body><b>Http/1.1 Service Unavailable</b></body></html>"))


def connection_reset(request: Any, protocol: str) -> AWSResponse:
    raise ConnectionClosedError(endpoint_url=request.url)


def endpoint_unreachable(request: Any, protocol: str) -> AWSResponse:
    raise EndpointConnectionError(endpoint_url=request.url)


def read_timeout(request: Any, protocol: str) -> AWSResponse:
    raise ReadTimeoutError(endpoint_url=request.url)


FAULTS: dict[str, Fault] = {
    "throttling": throttling,
    "http-500": http_500,
    "http-503": http_503,
    "connection-reset": connection_reset,
    "endpoint-unreachable": endpoint_unreachable,
    "read-timeout": read_timeout,
}


class FaultInjector:
    """A client hook failing a share of the requests the scan sends.

    ``rate`` is the chance a request is answered with a fault (drawn from ``random.Random
    (seed)``, so a run is reproducible); the faults take turns through ``kinds``;
    ``where(service, operation, region)`` limits the injection to some requests.
    """

    def __init__(self, rate: float, seed: int = 0, kinds: tuple[str, ...] = tuple(FAULTS),
                 where: Callable[[str, str, str], bool] = lambda s, o, r: True) -> None:
        self.rate = rate
        self.kinds = kinds
        self.where = where
        self.random = random.Random(seed)
        self._next_kind = itertools.cycle(kinds)
        self.sent: Counter[tuple[str, str]] = Counter()
        self.injected: Counter[tuple[str, str]] = Counter()
        self.kinds_injected: Counter[str] = Counter()

    def __call__(self, client: Any, account: str, service: str, region: str) -> None:
        protocol = client.meta.service_model.protocol

        def before_send(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
            operation = event_name.rsplit(".", 1)[-1]
            self.sent[service, operation] += 1
            if not self.where(service, operation, region):
                return None
            if self.rate < 1 and self.random.random() >= self.rate:
                return None
            kind = next(self._next_kind)
            self.injected[service, operation] += 1
            self.kinds_injected[kind] += 1
            return FAULTS[kind](request, protocol)

        answer_first(client, before_send)


def answer_first(target: Any, handler: Callable[..., AWSResponse | None]) -> None:
    """Put ``handler`` in front of the network on a client's (or a session's) ``before-send``.

    In-process moto answers through a ``before-send`` handler too, and botocore calls every
    such handler: moto is taken off ``target`` and called by ``handler``'s wrapper only for
    the requests ``handler`` lets through, so an injected failure never reaches moto.
    """
    events = target.meta.events if hasattr(target, "meta") else target.events

    def wrapper(request: Any, event_name: str, **kwargs: Any) -> AWSResponse | None:
        answer = handler(request=request, event_name=event_name, **kwargs)
        if answer is not None:
            return answer
        return botocore_stubber(event_name=event_name, request=request, **kwargs)

    events.unregister("before-send", botocore_stubber)
    events.register_first("before-send", wrapper)


def fast_retries_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """No backoff sleeps and no rate-limiter waits; the retry decisions are unchanged."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
    monkeypatch.setattr(bucket.TokenBucket, "acquire", lambda self, amount=1, block=True: True)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_retries_on(monkeypatch)


@pytest.fixture
def estate(world: MotoWorld) -> MotoWorld:
    """PASSING configured well, FAILING not: every fault control has both outcomes."""
    for account, length, tokens, flags in (
            (PASSING, 14, "required", ALL_ON),
            (FAILING, 8, "optional", {**ALL_ON, "BlockPublicPolicy": False})):
        world.client(account, "iam").update_account_password_policy(
            MinimumPasswordLength=length, RequireSymbols=account == PASSING)
        world.client(account, "s3control").put_public_access_block(
            AccountId=account, PublicAccessBlockConfiguration=flags)
        world.client(account, "ec2").run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
            MetadataOptions={"HttpTokens": tokens})
        s3 = world.client(account, "s3")
        s3.create_bucket(Bucket=f"trail-{account}")
        s3.put_public_access_block(Bucket=f"trail-{account}",
                                   PublicAccessBlockConfiguration=flags)
        trail = world.client(account, "cloudtrail")
        trail.create_trail(Name="org", S3BucketName=f"trail-{account}",
                           IsMultiRegionTrail=True, EnableLogFileValidation=account == PASSING)
        trail.start_logging(Name="org")
    return world


def fault_scan(pytester: pytest.Pytester, *args: str, regions: tuple[str, ...] = (REGION,),
               files: tuple[str, ...] = FAULT_CONTROLS) -> ScanResult:
    return scan(pytester, *(control_file(f) for f in files), regions=regions, args=args)


def assert_no_false_pass(faulty: ScanResult, clean: ScanResult) -> None:
    """Nothing passes in the faulty run that did not pass in the clean one, and nothing the
    clean run judged went silently missing: a resource test that is gone is replaced by an
    ERROR of its control's discovery in that account."""
    false_passes = [k for k, v in faulty.outcomes.items()
                    if v == "passed" and clean.outcomes.get(k) != "passed"]
    assert not false_passes, false_passes
    discovery_errors = {(k.split("[")[0], k.split("[")[1].split("/")[0])
                        for k, v in faulty.outcomes.items()
                        if v == "error" and "/<discovery failed>" in k}
    missing = [k for k in clean.outcomes if k not in faulty.outcomes
               and (k.split("[")[0], k.split("[")[1].split("/")[0]) not in discovery_errors]
    assert not missing, missing


# --------------------------------------------------------------------------------- the tests


def total_attempts() -> int:
    """Attempts per request under the plugin's Config: the first one and 8 retries.

    botocore reads ``retries={"max_attempts": 8}`` as 8 retries and rewrites the (shared)
    dict to ``total_max_attempts=9`` when the first client is made.
    """
    retries = CLIENT_CONFIG.retries
    return retries.get("total_max_attempts") or retries["max_attempts"] + 1


def test_plugin_config_is_standard_with_eight_retries() -> None:
    assert CLIENT_CONFIG.retries["mode"] == "standard"
    assert total_attempts() == 9


def test_retry_mode_is_chosen_per_run(moto_env: None) -> None:
    for mode in ("standard", "adaptive"):
        pool = ClientPool(retry_mode=mode)
        pool.add(AccountAccess(CALLER, "caller"))
        client = pool.client(CALLER, "s3", REGION)
        assert client.meta.config.retries["mode"] == mode
        assert client.meta.config.user_agent_extra == "pytest-awscompliance"


RUNS = ((0.10, 10, "10%"), (0.05, 5, "5%"), (0.02, 2, "2%"), (0.30, 30, "30%"))


def test_retried_faults_change_nothing_in_the_whole_catalog(
        pytester: pytest.Pytester, estate: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        fast_retries: None) -> None:
    """Every bundled control, clean and then at 10%, 5%, 2% and 30% faults: same outcomes."""
    clean = scan(pytester, str(CONTROLS_DIR))
    assert {"passed", "failed"} <= set(clean.outcomes.values()), clean.outcomes
    injected: dict[str, FaultInjector] = {}
    for rate, seed, label in RUNS:
        injector = FaultInjector(rate, seed)
        with monkeypatch.context() as patch:
            add_hook(patch, injector)
            faulty = scan(pytester, str(CONTROLS_DIR))
        injected[label] = injector
        assert faulty.outcomes == clean.outcomes, label
        assert faulty.messages == clean.messages, label
        assert_no_false_pass(faulty, clean)
    assert injected["10%"].injected, "no fault at 10%: the catalog sends too few requests"
    assert sum(sum(i.injected.values()) for i in injected.values()) >= 10
    assert set(injected["30%"].kinds_injected) == set(FAULTS)


EXHAUSTED = {
    "throttling": "Throttling: Rate exceeded",
    "http-503": "503: Service Unavailable",
    "connection-reset": "ConnectionClosedError: Connection was closed",
    "read-timeout": "ReadTimeoutError: Read timeout on endpoint URL",
}


def test_exhausted_retries_are_errors_naming_the_operation(
        pytester: pytest.Pytester, estate: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        fast_retries: None) -> None:
    """iam:GetAccountPasswordPolicy fails on every attempt, with each kind of fault in turn."""
    clean = fault_scan(pytester, files=FAULT_CONTROLS[:2])
    affected = {k for k in clean.outcomes if k.startswith("test_password_policy")}
    assert affected
    for kind, shown in EXHAUSTED.items():
        injector = FaultInjector(1.0, kinds=(kind,), where=lambda s, o, r: (s, o) == (
            "iam", "GetAccountPasswordPolicy"))
        with monkeypatch.context() as patch:
            add_hook(patch, injector)
            faulty = fault_scan(pytester, files=FAULT_CONTROLS[:2])
        # Every attempt is answered with the fault until botocore gives up, in both accounts.
        assert injector.injected["iam", "GetAccountPasswordPolicy"] == 2 * total_attempts()
        for test, outcome in faulty.outcomes.items():
            if test in affected:
                assert outcome == "error", (kind, test, outcome)
                assert "iam:GetAccountPasswordPolicy failed" in faulty.messages[test]
                assert shown in faulty.messages[test], (kind, faulty.messages[test])
            else:
                assert outcome == clean.outcomes[test], (kind, test)
                assert faulty.messages[test] == clean.messages[test], kind
        assert_no_false_pass(faulty, clean)


def test_unreachable_service_is_an_error_never_a_pass(
        pytester: pytest.Pytester, estate: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        fast_retries: None) -> None:
    clean = fault_scan(pytester)
    injector = FaultInjector(1.0, kinds=("endpoint-unreachable",),
                             where=lambda s, o, r: s in {"s3", "s3control"})
    add_hook(monkeypatch, injector)
    faulty = fault_scan(pytester)
    # Errors the clean run has too (moto lacks GetInstanceMetadataDefaults in-process) are
    # not the fault's doing.
    errors = {k: faulty.messages[k] for k, v in faulty.outcomes.items()
              if v == "error" and clean.outcomes.get(k) != "error"}
    assert any(k.startswith("test_account_blocks_public_access") for k in errors), errors
    for message in errors.values():
        assert "EndpointConnectionError: Could not connect to the endpoint URL" in message
        assert message.startswith("s3:"), message
    unaffected = {k: v for k, v in faulty.outcomes.items() if k not in errors}
    assert {k: clean.outcomes[k] for k in unaffected} == unaffected
    assert any(k.startswith("test_instance_requires_imdsv2") for k in unaffected)
    assert_no_false_pass(faulty, clean)


DISABLED_REGION = "me-south-1"


def test_disabled_opt_in_region_is_an_error_never_a_pass(
        pytester: pytest.Pytester, estate: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        fast_retries: None) -> None:
    """An opt-in region that is off answers every regional call with an auth error."""
    regions = (REGION, DISABLED_REGION)
    clean = fault_scan(pytester, regions=regions)

    def disabled(client: Any, account: str, service: str, region: str) -> None:
        if region != DISABLED_REGION or service in GLOBAL_SERVICES:
            return
        protocol = client.meta.service_model.protocol
        code = {"ec2": "AuthFailure", "query": "InvalidClientTokenId"}.get(
            protocol, "UnrecognizedClientException")

        def refuse(request: Any, **_: Any) -> AWSResponse:
            return error_response(request.url, protocol, 401 if protocol == "ec2" else 403,
                                  code, "The security token included in the request is invalid")

        answer_first(client, refuse)

    add_hook(monkeypatch, disabled)
    faulty = fault_scan(pytester, regions=regions)
    in_region = {k for k in faulty.outcomes if f"/{DISABLED_REGION}" in k}
    assert in_region
    for test in in_region:
        assert faulty.outcomes[test] == "error", (test, faulty.outcomes[test])
        assert DISABLED_REGION in faulty.messages[test]
    for test, outcome in faulty.outcomes.items():
        if test not in in_region:
            assert outcome == clean.outcomes[test], test
    assert_no_false_pass(faulty, clean)


# ----------------------------------------------------------------- expiring role credentials


class Clock:
    """A settable "now" shared by botocore's credential expiry check and moto's answers."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _assumed(world: MotoWorld, clock: Clock, issued: list[str],
             denied: list[bool] | None = None) -> boto3.Session:
    """The plugin's refreshing session into PASSING, with one-hour credentials on ``clock``.

    While ``denied`` holds ``True``, sts:AssumeRole answers AccessDenied (role revoked).
    """
    base = sessions.base_session(None, region=REGION)

    def one_hour(parsed: dict[str, Any], **_: Any) -> None:
        if "Credentials" not in parsed:  # an error answer
            return
        credentials = parsed["Credentials"]
        credentials["Expiration"] = clock.now + timedelta(hours=1)
        issued.append(credentials["AccessKeyId"])

    def revoked(request: Any, **_: Any) -> AWSResponse | None:
        if denied and denied[-1]:
            return error_response(request.url, "query", 403, "AccessDenied",
                                  "not authorized to perform: sts:AssumeRole")
        return None

    base.events.register("after-call.sts.AssumeRole", one_hour)
    base.events.register_first("before-send.sts.AssumeRole", revoked)
    session = sessions.assumed_session(base, f"arn:aws:iam::{PASSING}:role/{AUDIT_ROLE}",
                                       external_id=None, region=REGION)
    session.get_credentials()._time_fetcher = clock  # botocore's expiry clock
    return session


def test_expiring_assumed_credentials_are_refreshed(world: MotoWorld) -> None:
    clock = Clock()
    issued: list[str] = []
    session = _assumed(world, clock, issued)
    sts = session.client("sts", region_name=REGION)
    assert sts.get_caller_identity()["Account"] == PASSING
    assert len(issued) == 1
    sts.get_caller_identity()
    assert len(issued) == 1  # still fresh: no new AssumeRole
    clock.now += timedelta(minutes=55)  # inside botocore's mandatory refresh window
    assert sts.get_caller_identity()["Account"] == PASSING
    assert len(issued) == 2
    clock.now += timedelta(hours=3)  # long expired (a paused laptop, a slow scan)
    assert sts.get_caller_identity()["Account"] == PASSING
    assert len(issued) == 3
    assert len(set(issued)) == 3
    frozen = session.get_credentials().get_frozen_credentials()
    assert frozen.access_key == issued[-1]


def test_refresh_that_fails_mid_run_fails_closed(world: MotoWorld) -> None:
    clock = Clock()
    issued: list[str] = []
    denied = [False]
    session = _assumed(world, clock, issued, denied)
    sts = session.client("sts", region_name=REGION)
    sts.get_caller_identity()
    denied.append(True)  # the role's trust is withdrawn while the scan runs
    clock.now += timedelta(hours=2)
    with pytest.raises(TargetError, match=r"cannot assume .*:role/audit: AccessDenied: not "):
        sts.get_caller_identity()
    assert len(issued) == 1
