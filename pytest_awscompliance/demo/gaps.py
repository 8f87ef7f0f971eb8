"""Canned answers for the few APIs moto does not implement, used only by ``--aws-demo``.

A scenario module may define ``GAPS = {("service", "OperationName"): answer}`` where
``answer(account, region, params)`` returns the parsed response, or raises
``DemoGapError(code, message)`` for an AWS error. These answers are demo data, stated in
docs/demo.md; real scans never see them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Answer = Callable[[str, str, dict[str, Any]], dict[str, Any]]


class DemoGapError(Exception):
    """An AWS error the canned answer returns."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def install(endpoint: str, answers: dict[tuple[str, str], Answer]
            ) -> Callable[[Any, str, str, str], None]:
    """A client hook that answers moto's gaps on clients pointed at ``endpoint``
    (``answers``: every scenario's, ``scenarios.gap_answers()``)."""

    def hook(client: Any, account: str, service: str, region: str) -> None:
        if client.meta.endpoint_url.rstrip("/") != endpoint.rstrip("/"):
            return

        def before_call(model: Any, params: dict[str, Any], **_: Any) -> Any:
            answer = answers.get((service, model.name))
            if answer is None:
                return None
            try:
                parsed = answer(account, region, params)
                return _Http(200), {**parsed, "ResponseMetadata": {"HTTPStatusCode": 200}}
            except DemoGapError as exc:
                return _Http(exc.status), {
                    "Error": {"Code": exc.code, "Message": exc.message},
                    "ResponseMetadata": {"HTTPStatusCode": exc.status},
                }

        client.meta.events.register("before-call", before_call)

    return hook


class _Http:
    def __init__(self, status: int):
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""
