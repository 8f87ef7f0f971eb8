"""Name the AWS operation of a raw HTTP request: ``service:Operation``.

JSON protocols name it in ``X-Amz-Target``, query protocols (IAM, STS, EC2) in the
``Action`` form field, REST protocols (S3, S3 Control) only by method + path + query,
which is matched against botocore's own service models.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.loaders import Loader

S3_CONTROL_PREFIX = "/v20180820/"


@dataclass(frozen=True)
class RestRoute:
    """One REST operation: its method, path pattern and required query keys."""

    operation: str
    method: str
    pattern: re.Pattern[str]
    query: tuple[str, ...]
    literal: int  # characters of the template outside labels: more = more specific


def credential_scope(authorization: str) -> tuple[str, str, str]:
    """``(access_key, region, service)`` from a SigV4 ``Authorization`` header."""
    match = re.search(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/aws4_request", authorization)
    return (match.group(1), match.group(2), match.group(3)) if match else ("", "", "")


def _route(name: str, http: dict[str, str]) -> RestRoute:
    template = http["requestUri"]
    path, _, query = template.partition("?")
    keys = tuple(part.split("=")[0] for part in query.split("&") if part)
    regex, literal = "", 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            regex += ".+" if piece.endswith("+}") else "[^/]+"
        else:
            regex += re.escape(piece)
            literal += len(piece)
    return RestRoute(name, http["method"], re.compile(f"^{regex}/?$"), keys, literal)


@functools.cache
def rest_routes(service: str) -> tuple[RestRoute, ...]:
    """Every operation of a botocore service model, as a route (empty if unknown)."""
    try:
        model = Loader().load_service_model(service, "service-2")
    except Exception:  # an unknown service name: no routes
        return ()
    return tuple(_route(name, op["http"]) for name, op in model["operations"].items()
                 if "http" in op and "requestUri" in op["http"])


def rest_operation(service: str, method: str, raw_path: str) -> str:
    """The REST operation that best matches the request, or ``METHOD /first-segment``."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path)
    query = parse_qs(parts.query, keep_blank_values=True)
    best: RestRoute | None = None
    for route in rest_routes(service):
        if route.method != method or not route.pattern.match(path):
            continue
        if any(key not in query for key in route.query):
            continue
        if best is None or (len(route.query), route.literal) > (len(best.query), best.literal):
            best = route
    if best is not None:
        return best.operation
    return f"{method} /{path.strip('/').split('/')[0]}"


def service_of(scope_service: str, path: str) -> str:
    """botocore's service name for a signing name (S3 Control signs as ``s3``)."""
    if scope_service == "s3" and path.startswith(S3_CONTROL_PREFIX):
        return "s3control"
    return {"access-analyzer": "accessanalyzer"}.get(scope_service, scope_service)


def operation_of(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """``service:Operation`` for one request, e.g. ``s3:GetBucketPolicy``."""
    _, _, scope = credential_scope(headers.get("authorization", ""))
    service = service_of(scope or "unknown", path)
    target = headers.get("x-amz-target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    content_type = headers.get("content-type", "")
    form = ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = body.decode("utf-8", "replace")
    elif method == "GET":
        form = urlsplit(path).query
    action = parse_qs(form).get("Action") if form else None
    if action:
        return f"{service}:{action[0]}"
    return f"{service}:{rest_operation(service, method, path)}"
