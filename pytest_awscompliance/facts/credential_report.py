"""The IAM credential report: generated with a bounded wait, read once per account per run.

``parse`` turns the CSV into typed rows. The report's sentinels ``N/A``, ``no_information``
and ``not_supported`` become ``None`` (the raw strings stay in ``CredentialRow.raw``, so a
control can still tell "never used" from "not reported").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.engine.jobs import call, once, wait_for
from pytest_awscompliance.model.errors import AwsApiError

ROOT = "<root_account>"
FIELDS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
)
"""The report's columns, in AWS's order."""
SENTINELS = frozenset({"N/A", "no_information", "not_supported", ""})


@dataclass(frozen=True)
class AccessKeyState:
    """Access key ``number`` (1 or 2) of a report row."""

    number: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None


@dataclass(frozen=True)
class CredentialRow:
    """One user (or ``<root_account>``) of the credential report."""

    user: str
    arn: str
    created: datetime | None
    password_enabled: bool | None
    """``None`` when the report says ``not_supported`` (always the case for the root user)."""
    password_last_used: datetime | None
    password_last_changed: datetime | None
    mfa_active: bool
    access_keys: tuple[AccessKeyState, ...]
    raw: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_root(self) -> bool:
        return self.user == ROOT

    @property
    def active_keys(self) -> tuple[AccessKeyState, ...]:
        return tuple(key for key in self.access_keys if key.active)

    @property
    def has_credentials(self) -> bool:
        """A password that may be set (``True`` or unknown) or an active access key."""
        return self.password_enabled is not False or bool(self.active_keys)


def _value(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if text in SENTINELS else text


def _date(text: str | None) -> datetime | None:
    value = _value(text)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _flag(text: str | None) -> bool | None:
    value = _value(text)
    return None if value is None else value.lower() == "true"


def _row(raw: dict[str, str]) -> CredentialRow:
    keys = tuple(
        AccessKeyState(
            number=n,
            active=bool(_flag(raw.get(f"access_key_{n}_active"))),
            last_rotated=_date(raw.get(f"access_key_{n}_last_rotated")),
            last_used=_date(raw.get(f"access_key_{n}_last_used_date")),
        )
        for n in (1, 2)
    )
    return CredentialRow(
        user=raw.get("user", ""),
        arn=raw.get("arn", ""),
        created=_date(raw.get("user_creation_time")),
        password_enabled=_flag(raw.get("password_enabled")),
        password_last_used=_date(raw.get("password_last_used")),
        password_last_changed=_date(raw.get("password_last_changed")),
        mfa_active=bool(_flag(raw.get("mfa_active"))),
        access_keys=keys,
        raw=dict(raw),
    )


@lru_cache(maxsize=16)
def parse(content: str) -> tuple[CredentialRow, ...]:
    """The rows of a credential report CSV, in report order."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    return tuple(_row({k.strip(): v for k, v in raw.items() if k}) for raw in reader)


NOT_READY = frozenset({"ReportInProgress", "ReportNotPresent"})
"""``GetCredentialReport`` codes that mean "being generated, ask again" right after a
``GenerateCredentialReport`` (``ReportExpired`` and access errors are real errors)."""


def fetch(aws: AwsContext) -> str:
    """The report's CSV text for ``aws``'s account, generated (bounded wait) once per run.

    One ``GenerateCredentialReport`` (it answers COMPLETE at once if a report younger than
    four hours exists), then ``GetCredentialReport`` until the report is ready: an unchanged
    request is repeated only while AWS says the report is still in progress.
    """

    def generate_and_read() -> str:
        call(aws, "iam", "generate_credential_report")

        def ready() -> Any | None:
            try:
                return call(aws, "iam", "get_credential_report").get("Content", b"")
            except AwsApiError as exc:
                if exc.code in NOT_READY:
                    return None
                raise

        content = wait_for(ready, aws=aws, service="iam", operation="GetCredentialReport",
                           what="the IAM credential report")
        return content.decode("utf-8") if isinstance(content, bytes | bytearray) else content

    return once(aws, "iam", "credential-report", generate_and_read)


@lru_cache(maxsize=16)
def _by_user(content: str) -> dict[str, CredentialRow]:
    return {row.user: row for row in parse(content)}


def rows(aws: AwsContext) -> dict[str, CredentialRow]:
    """The account's report rows by user name (``<root_account>`` included when present).

    Shared by every control of the run: treat it as read-only.
    """
    return _by_user(fetch(aws))
