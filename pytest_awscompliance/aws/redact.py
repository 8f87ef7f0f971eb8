"""Credential values never reach a log: every log record is redacted when it is made.

botocore's DEBUG logs print the request headers (the ``Authorization`` header names the access
key and carries the signature, ``X-Amz-Security-Token`` is the session token) and the response
bodies (``sts:AssumeRole`` answers with a secret key and a token). pytest shows log records in
the terminal (``log_cli``), in failure reports, in log files, JUnit XML (``junit_logging``) and
the HTML report; all of them read the same records, so the plugin rewrites a record's message
(and its formatted traceback) through :func:`redact` as soon as the record is created.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest

REDACTED = "<redacted>"

_KEY_NAMES = (r"(?:aws_)?(?:secret_access_key|secret_key|session_token|security_token|"
              r"access_key_id|access_key)|SecretAccessKey|SessionToken|SecurityToken|AccessKeyId|"
              r"external_id|ExternalId|mfa_serial|SerialNumber|TokenCode|token_code|"
              r"Base32StringSeed|QRCodePNG|UserData|userData")
"""Keys whose values are credentials (``sts:AssumeRole``'s ``ExternalId``, MFA
``SerialNumber`` and ``TokenCode``, as botocore's DEBUG log shows the request), or the
sensitive members the guard lets through masked (``readonly.EXCEPTIONS``), whose raw answers
the DEBUG log shows before the guard masks them."""

PATTERNS: tuple[re.Pattern[str], ...] = (
    # SigV4 Authorization header: Credential=<access key>/<scope>, ..., Signature=<hex>
    re.compile(r"(Credential=)[A-Z0-9]{12,128}"),
    re.compile(r"(Signature=)[0-9a-fA-F]{16,}"),
    # botocore.auth: "Signature:\n<hex>"
    re.compile(r"(Signature:\s*\n\s*)[0-9a-fA-F]{16,}"),
    # headers (dict reprs, canonical requests) and pre-signed URL parameters
    re.compile(r"((?i:x-amz-security-token|x-amz-credential|x-amz-signature|authorization)"
               r"['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s&,}]+(?:[^'\"\n&}]*)"),
    # XML response bodies: <SecretAccessKey>...</SecretAccessKey>
    re.compile(rf"(<(?P<tag>{_KEY_NAMES})>)[^<]*(?=</(?P=tag)>)"),
    # JSON, Python reprs, ini/env assignments: "SecretAccessKey": "...", aws_secret_key=...
    re.compile(rf"((?i:\b(?:{_KEY_NAMES}))['\"]?\s*[:=]\s*b?['\"]?)[^'\"\s,}}&]+"),
)

ENVIRONMENT_SECRETS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                       "AWS_SECURITY_TOKEN")
MIN_KNOWN_LENGTH = 16
"""Known values shorter than this (test placeholders such as ``testing``) are left alone."""
MIN_CONFIGURED_LENGTH = 4
"""Configured secrets shorter than this would redact ordinary words; their ``key=value``
forms are still caught by :data:`PATTERNS`."""


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with credential values replaced by ``<redacted>``."""
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern in PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def known_values(environ: dict[str, str] | os._Environ[str] = os.environ) -> tuple[str, ...]:
    """The credential values of the environment, redacted wherever they appear."""
    return tuple(v for name in ENVIRONMENT_SECRETS if len(v := environ.get(name, "")) >=
                 MIN_KNOWN_LENGTH)


class RedactingFactory:
    """A log-record factory that redacts the message and traceback of every record."""

    def __init__(self, previous: Callable[..., logging.LogRecord], known: tuple[str, ...]):
        self.previous = previous
        self.known = known

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it as usual
            return record
        cleaned = redact(message, self.known)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info),
                                     self.known)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.known)
        return record


def configured_values(config: pytest.Config) -> tuple[str, ...]:
    """Secrets the user passed on the command line (``--aws-external-id``), at any length."""
    external_id = config.getoption("aws_external_id", None)
    return (external_id,) if external_id and len(external_id) >= MIN_CONFIGURED_LENGTH else ()


def install(config: pytest.Config) -> None:
    """Redact every log record of this process until ``config`` is cleaned up."""
    previous = logging.getLogRecordFactory()
    factory = RedactingFactory(previous, known_values() + configured_values(config))
    logging.setLogRecordFactory(factory)

    def restore() -> None:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)

    config.add_cleanup(restore)
