"""A counting, latency- and throttling-injecting reverse proxy in front of moto.

Clients reach it through ``AWS_ENDPOINT_URL``. Every request is named
(``service:Operation``, see ``operations.py``), attributed to the account whose
credentials signed it (the proxy watches ``sts:AssumeRole`` answers to learn which
access key belongs to which account), delayed by a fixed latency, and either answered
with a throttling error in the protocol's own shape (a seeded fraction) or forwarded.
It listens on 127.0.0.1 only and forwards to moto on 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import http.client
import random
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from gaps import KNOWN_GAPS, empty_answer
from operations import credential_scope, operation_of

LOOPBACK = "127.0.0.1"
HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "proxy-connection",
                         "upgrade", "te", "trailer"})


@dataclass
class Traffic:
    """What the proxy saw between two ``reset()`` calls."""

    requests: Counter[str] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    gaps: Counter[str] = field(default_factory=Counter)
    """Requests the proxy answered for moto (see gaps.py)."""
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    """Time spent answering each operation (injected latency included), summed."""
    response_bytes: Counter[str] = field(default_factory=Counter)
    answered: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(account, request digest) -> times answered (throttled answers excluded)."""
    digest_operation: dict[tuple[str, str], str] = field(default_factory=dict)
    by_account: Counter[str] = field(default_factory=Counter)
    peak_in_flight: int = 0
    busy_seconds: float = 0.0  # integral of in-flight requests over time
    first: float | None = None
    last: float | None = None

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def duplicates(self) -> Counter[str]:
        """Extra identical requests (same account, method, path, body) by operation."""
        extra: Counter[str] = Counter()
        for key, count in self.answered.items():
            if count > 1:
                extra[self.digest_operation[key]] += count - 1
        return extra

    def mean_in_flight(self) -> float:
        if self.first is None or self.last is None or self.last <= self.first:
            return 0.0
        return self.busy_seconds / (self.last - self.first)


class Injection:
    """Latency and throttling settings, with a seeded generator for the throttled fraction."""

    def __init__(self, latency_ms: float = 0.0, throttle_rate: float = 0.0, seed: int = 1):
        self.latency = latency_ms / 1000.0
        self.throttle_rate = throttle_rate
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def throttle(self) -> bool:
        if self.throttle_rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < self.throttle_rate


def throttling_answer(operation: str, headers: dict[str, str]) -> tuple[int, dict[str, str],
                                                                          bytes]:
    """A throttling error in the wire shape the client's protocol expects."""
    service = operation.split(":", 1)[0]
    request_id = "bench-throttle"
    if service in {"s3", "s3control"}:
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                "<Message>Please reduce your request rate.</Message>"
                f"<RequestId>{request_id}</RequestId></Error>")
        return 503, {"Content-Type": "application/xml"}, body.encode()
    if service == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
                "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return 503, {"Content-Type": "text/xml"}, body.encode()
    if "x-amz-target" in headers:
        body = '{"__type":"ThrottlingException","message":"Rate exceeded"}'
        return 400, {"Content-Type": "application/x-amz-json-1.1",
                     "x-amzn-RequestId": request_id}, body.encode()
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                "<Message>Rate exceeded</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
        return 400, {"Content-Type": "text/xml"}, body.encode()
    body = '{"message":"Rate exceeded"}'
    return 429, {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException",
                 "x-amzn-RequestId": request_id}, body.encode()


class CountingProxy:
    """The proxy server: ``start()``, ``reset()`` between runs, ``stop()``."""

    def __init__(self, upstream_port: int, injection: Injection, *, caller_account: str):
        self.upstream_port = upstream_port
        self.injection = injection
        self.caller_account = caller_account
        self.keys: dict[str, str] = {}  # access key id -> account id
        self._traffic = Traffic()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last_change = time.monotonic()
        self._local = threading.local()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> CountingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> Traffic:
        """Return the traffic so far and start counting afresh."""
        with self._lock:
            done, self._traffic = self._traffic, Traffic()
            return done

    # -- bookkeeping ---------------------------------------------------------------------

    def _enter(self) -> None:
        with self._lock:
            now = time.monotonic()
            traffic = self._traffic
            traffic.busy_seconds += self._in_flight * (now - self._last_change)
            self._last_change = now
            self._in_flight += 1
            traffic.peak_in_flight = max(traffic.peak_in_flight, self._in_flight)
            traffic.first = now if traffic.first is None else traffic.first

    def _leave(self, operation: str, account: str, digest: str, status: int, throttled: bool,
               gap: bool, seconds: float, size: int) -> None:
        with self._lock:
            now = time.monotonic()
            traffic = self._traffic
            traffic.busy_seconds += self._in_flight * (now - self._last_change)
            self._last_change = now
            self._in_flight -= 1
            traffic.last = now
            traffic.requests[operation] += 1
            traffic.by_account[account] += 1
            traffic.statuses[(operation, status)] += 1
            traffic.seconds[operation] += seconds
            traffic.response_bytes[operation] += size
            if gap:
                traffic.gaps[operation] += 1
            if throttled:
                traffic.throttled[operation] += 1
            else:
                traffic.answered[(account, digest)] += 1
                traffic.digest_operation[(account, digest)] = operation

    def _account_of(self, headers: dict[str, str]) -> str:
        key, _, _ = credential_scope(headers.get("authorization", ""))
        return self.keys.get(key, self.caller_account)

    def _learn_keys(self, operation: str, body: bytes, answer: bytes) -> None:
        if operation != "sts:AssumeRole":
            return
        role = parse_qs(body.decode("utf-8", "replace")).get("RoleArn", [""])[0]
        found = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", answer)
        if found and role.count(":") >= 5:
            self.keys[found.group(1).decode()] = role.split(":")[4]

    # -- forwarding ----------------------------------------------------------------------

    def _upstream(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(LOOPBACK, self.upstream_port, timeout=120)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.conn = conn
        return conn

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        out = {k: v for k, v in headers.items() if k not in HOP_HEADERS}
        out["host"] = f"{LOOPBACK}:{self.upstream_port}"
        out["content-length"] = str(len(body))
        for attempt in (1, 2):
            conn = self._upstream()
            try:
                conn.request(method, path, body=body or None, headers=out)
                response = conn.getresponse()
                data = response.read()
                return response.status, response.getheaders(), data
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Buffer the answer and send it in one segment, without Nagle: headers and body
            # in two small writes cost the client a delayed ACK (~40 ms) per request.
            wbufsize = 1 << 16

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self) -> None:
                body = self._body()
                headers = {k.lower(): v for k, v in self.headers.items()}
                operation = operation_of(self.command, self.path, headers, body)
                account = proxy._account_of(headers)
                _, region, scope = credential_scope(headers.get("authorization", ""))
                digest = hashlib.sha1(b"\0".join((
                    region.encode(), scope.encode(), headers.get("x-amz-target", "").encode(),
                    self.command.encode(), self.path.encode(), body))).hexdigest()
                proxy._enter()
                began = time.monotonic()
                throttled = gap = False
                status = 599
                data = b""
                try:
                    if proxy.injection.latency:
                        time.sleep(proxy.injection.latency)
                    if proxy.injection.throttle():
                        throttled = True
                        status, extra, data = throttling_answer(operation, headers)
                        answer_headers = list(extra.items())
                    else:
                        if operation not in KNOWN_GAPS:
                            status, answer_headers, data = proxy._forward(
                                self.command, self.path, headers, body)
                            proxy._learn_keys(operation, body, data)
                        if operation in KNOWN_GAPS or status >= 500:
                            gap = True
                            status, extra, data = empty_answer(operation, headers, body)
                            answer_headers = list(extra.items())
                finally:
                    proxy._leave(operation, account, digest, status, throttled, gap,
                                 time.monotonic() - began, len(data))
                self.send_response(status)
                for name, value in answer_headers:
                    if name.lower() not in HOP_HEADERS and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        return Handler
