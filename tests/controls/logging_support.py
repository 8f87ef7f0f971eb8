"""Helpers for the logging controls' tests: answer or deny single AWS operations in a scan.

Both work through ``pytest_awscompliance.clients.CLIENT_HOOKS`` (patched with
``monkeypatch``, so the hook disappears after the test) and touch only the clients the scan
creates, never the unguarded seeding clients of ``MotoWorld``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.stub import Stubber

from pytest_awscompliance import clients

Answer = Callable[[str, str, dict[str, Any]], dict[str, Any]]
"""``answer(account, region, params) -> parsed response``; ``params`` as given to boto3."""


class Refused(Exception):
    """Raised by an answer: the operation fails with this AWS error code and HTTP status."""

    def __init__(self, code: str, status: int = 403) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


def _add_hook(monkeypatch: pytest.MonkeyPatch, hook: clients.ClientHook) -> None:
    monkeypatch.setattr(clients, "CLIENT_HOOKS", [*clients.CLIENT_HOOKS, hook])


def answer_operation(monkeypatch: pytest.MonkeyPatch, service: str, operation: str,
                     answer: Answer) -> None:
    """Answer ``service:operation`` (API name, e.g. ``GetTrailStatus``) with ``answer``.

    ``answer`` may raise :class:`Refused` to return an AWS error instead.
    """

    def hook(client: Any, account: str, client_service: str, region: str) -> None:
        if client_service != service:
            return

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["awscompliance_test_params"] = dict(params)

        def before_call(model: Any, context: dict[str, Any], **_: Any) -> Any:
            if model.name != operation:
                return None
            try:
                parsed = answer(account, region, context.get("awscompliance_test_params", {}))
            except Refused as exc:
                return _Http(exc.status), {
                    "Error": {"Code": exc.code, "Message": "refused by the test"},
                    "ResponseMetadata": {"HTTPStatusCode": exc.status}}
            return _Http(200), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}

        client.meta.events.register("before-parameter-build", keep_params)
        client.meta.events.register("before-call", before_call)

    _add_hook(monkeypatch, hook)


def deny_service(monkeypatch: pytest.MonkeyPatch, service: str, operation: str,
                 code: str = "AccessDeniedException", *, account: str | None = None) -> None:
    """Every scan client of ``service`` (in ``account``) answers its calls with ``code``.

    A botocore ``Stubber`` on the client: the first call the control makes fails, as it
    would for a role without the permission. ``operation`` is the boto3 method name the
    errors are queued for (the Stubber checks it).
    """

    def hook(client: Any, client_account: str, client_service: str, region: str) -> None:
        if client_service != service or (account and client_account != account):
            return
        stubber = Stubber(client)
        for _ in range(4):
            stubber.add_client_error(operation, service_error_code=code,
                                     service_message="User is not authorized", http_status_code=403)
        stubber.activate()

    _add_hook(monkeypatch, hook)
