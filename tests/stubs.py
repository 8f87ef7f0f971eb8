"""Answer, deny or stub single AWS operations of the clients a scan creates.

Everything goes through the plugin's public ``pytest_awscompliance_client_created`` hook: this
module is itself the pytest plugin that implements it, loaded into the test's inline and
subprocess runs through ``PYTEST_PLUGINS``, and calls the hooks added with ``monkeypatch`` (they
disappear after the test). So only the scan's clients are touched, never the unguarded seeding
clients of ``MotoWorld``. ``answer`` and ``deny`` take the API
operation name (``GetTrailStatus``, as in the plugin's error messages); every other call of
the client still goes to moto. ``stub_client`` hands the whole client to a botocore
``Stubber``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pytest_awscompliance.aws import clients, sessions

Answer = Callable[[str, str, dict[str, Any]], Mapping[str, Any]]
"""``answer(account, region, params) -> parsed response``; ``params`` as given to boto3.

It may raise :class:`Refused` to make the call fail instead."""

PARAMS = "awscompliance_test_params"
"""Where the request's boto3 parameters wait for ``before-call`` (which sees the wire form)."""


class Refused(Exception):
    """Raised by an answer: the operation fails with this AWS error code and HTTP status."""

    def __init__(self, code: str, message: str = "refused by the test", status: int = 403):
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


HOOKS: list[clients.ClientHook] = []
"""The hooks of the running test (only ever replaced through ``monkeypatch``)."""

REPO = Path(__file__).resolve().parents[1]


@pytest.hookimpl(optionalhook=True)
def pytest_awscompliance_client_created(client: Any, account_id: str, service: str,
                                        region: str) -> None:
    for hook in HOOKS:
        hook(client, account_id, service, region)


def add_hook(monkeypatch: pytest.MonkeyPatch, hook: clients.ClientHook) -> None:
    """Call ``hook(client, account, service, region)`` on every client the scan creates."""
    monkeypatch.setattr(sys.modules[__name__], "HOOKS", [*HOOKS, hook])
    plugins = os.environ.get("PYTEST_PLUGINS", "")
    if __name__ not in plugins.split(","):
        monkeypatch.setenv("PYTEST_PLUGINS", ",".join(filter(None, [plugins, __name__])))
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))


Sent = tuple[str, str, str, str]
"""One request a scan's client sent: account, method, URL and body, the sending thread."""


def record_requests(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every request the scan's clients send, in the order sent (thread-safe)."""
    sent: list[Sent] = []
    lock = threading.Lock()

    def record(client: Any, account: str, service: str, region: str) -> None:
        def before_send(request: Any, **_: Any) -> None:
            body = request.body if isinstance(request.body, bytes | str) else b""
            with lock:
                sent.append((account, request.method, f"{request.url} {body!r}",
                             threading.current_thread().name))
        client.meta.events.register("before-send", before_send)

    add_hook(monkeypatch, record)
    return sent


def distinct_requests(sent: list[Sent]) -> Counter[tuple[str, str, str]]:
    """How many times each (account, method, URL and body) was sent."""
    return Counter((account, method, url) for account, method, url, _ in sent)


def on_base_sessions(monkeypatch: pytest.MonkeyPatch,
                     register: Callable[[boto3.Session], None]) -> None:
    """Call ``register(session)`` on every base session the plugin builds (profile, chain).

    The ``sts`` client that assumes the audit roles is made from these sessions, not through
    the client hook, so this is where a test reaches ``sts:AssumeRole``.
    """
    original = sessions.base_session

    def wrapped(*args: Any, **kwargs: Any) -> boto3.Session:
        session = original(*args, **kwargs)
        register(session)
        return session

    monkeypatch.setattr(sessions, "base_session", wrapped)


def answer(monkeypatch: pytest.MonkeyPatch, service: str, operation: str,
           response: Mapping[str, Any] | Answer, *, account: str | None = None) -> None:
    """``service``'s ``operation`` answers ``response`` (a parsed response, or an
    :data:`Answer` called per request), in every account or only in ``account``."""

    def reply(client_account: str, region: str, params: dict[str, Any]) -> tuple[Any, Any]:
        try:
            parsed = (response(client_account, region, params) if callable(response)
                      else response)
        except Refused as exc:
            return _Http(exc.status), {
                "Error": {"Code": exc.code, "Message": exc.message},
                "ResponseMetadata": {"HTTPStatusCode": exc.status}}
        return _Http(200), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}

    def hook(client: Any, client_account: str, client_service: str, region: str) -> None:
        if client_service != service or account not in (None, client_account):
            return

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context[PARAMS] = dict(params)

        def before_call(model: Any, context: dict[str, Any], **_: Any) -> Any:
            if model.name != operation:
                return None
            return reply(client_account, region, context.get(PARAMS, {}))

        client.meta.events.register("before-parameter-build", keep_params)
        client.meta.events.register("before-call", before_call)

    add_hook(monkeypatch, hook)


def deny(monkeypatch: pytest.MonkeyPatch, service: str, operation: str,
         code: str = "AccessDenied", *, account: str | None = None) -> None:
    """``service``'s ``operation`` fails with ``code`` (HTTP 403), as for a role without the
    permission, in every account or only in ``account``."""

    def refuse(*_: Any) -> Mapping[str, Any]:
        raise Refused(code, "User is not authorized")

    answer(monkeypatch, service, operation, refuse, account=account)


def stub_client(monkeypatch: pytest.MonkeyPatch, service: str,
                setup: Callable[[Stubber], None], *, account: str | None = None) -> None:
    """A botocore ``Stubber`` on each ``service`` client (of ``account``), set up by
    ``setup(stubber)`` and activated: it answers every call, in the queued order."""

    def hook(client: Any, client_account: str, client_service: str, region: str) -> None:
        if client_service != service or account not in (None, client_account):
            return
        stubber = Stubber(client)
        setup(stubber)
        stubber.activate()

    add_hook(monkeypatch, hook)
