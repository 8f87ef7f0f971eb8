"""Typed, frozen views of AWS resources: the fields controls read, plus the raw item.

Slots, not a ``__dict__`` each: an organization has tens of thousands of them, kept for the
whole run (a subclass of yours without slots works as before, with its own ``__dict__``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Resource:
    """Something a control judges. ``id`` is stable and readable: ``account/region/name``."""

    account_id: str
    region: str
    name: str
    arn: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.account_id}/{self.region}/{self.name}"

    def __str__(self) -> str:
        return self.arn


@dataclass(frozen=True, slots=True)
class Bucket(Resource):
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class MetadataOptions:
    http_tokens: str | None
    http_endpoint: str | None

    @property
    def requires_imdsv2(self) -> bool:
        """IMDSv2 only, or the metadata service switched off."""
        return self.http_tokens == "required" or self.http_endpoint == "disabled"

    @classmethod
    def from_api(cls, data: dict[str, Any] | None) -> MetadataOptions:
        data = data or {}
        return cls(data.get("HttpTokens"), data.get("HttpEndpoint"))


@dataclass(frozen=True, slots=True)
class Instance(Resource):
    state: str = ""
    metadata_options: MetadataOptions = MetadataOptions(None, None)
    instance_profile_arn: str | None = None


@dataclass(frozen=True, slots=True)
class User(Resource):
    user_id: str = ""
    created: datetime | None = None
    password_last_used: datetime | None = None
    permissions_boundary_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Role(Resource):
    path: str = "/"
    created: datetime | None = None
    trust_policy: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    permissions_boundary_arn: str | None = None

    @property
    def service_linked(self) -> bool:
        return self.path.startswith("/aws-service-role/")


@dataclass(frozen=True, slots=True)
class Group(Resource):
    group_id: str = ""
    path: str = "/"
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Principal(Resource):
    """An IAM user or role. ``name`` is ``user/<name>`` or ``role/<name>`` (a user and a role
    may share a name); ``principal_name`` is the bare name."""

    kind: str = ""  # "user" or "role"
    principal_name: str = ""
    path: str = "/"
    created: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.principal_name}"

    @property
    def service_linked(self) -> bool:
        return self.kind == "role" and self.path.startswith("/aws-service-role/")


INLINE_POLICY_MARK = "#inline-policy/"
"""An inline policy has no ARN: its ``arn`` is the owner's ARN, this mark and the policy
name (``arn:aws:iam::111122223333:role/app#inline-policy/s3-write``)."""


@dataclass(frozen=True, slots=True)
class InlinePolicy(Resource):
    """An inline policy of a user, group or role. ``name`` is ``<kind>/<owner>/<policy>``
    (``role/app/s3-write``); ``arn`` is the owner's ARN + ``#inline-policy/<policy>``."""

    owner_kind: str = ""  # "user", "group" or "role"
    owner_name: str = ""
    owner_arn: str = ""
    policy_name: str = ""
    document: Any = field(default=None, repr=False, compare=False)
    """The policy document (a dict), ``None`` if it could not be read."""

    @property
    def owner(self) -> str:
        return f"{self.owner_kind}/{self.owner_name}"

    def describe(self) -> str:
        return f"inline policy {self.name}"


@dataclass(frozen=True, slots=True)
class ManagedPolicy(Resource):
    """A customer-managed IAM policy (the document is read by the controls that need it)."""

    policy_id: str = ""
    path: str = "/"
    default_version_id: str = ""
    attachment_count: int = 0


@dataclass(frozen=True, slots=True)
class Repository(Resource):
    uri: str = ""
    scan_on_push: bool = False
    tag_mutability: str = ""


@dataclass(frozen=True, slots=True)
class PublicRepository(Resource):
    """An ECR Public (gallery) repository; ``region`` is us-east-1, where ECR Public lives."""

    uri: str = ""
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemberAccount(Resource):
    """A member account of an organization, as its management account lists it.

    ``account_id`` is the management account (which judges it), ``name`` the member's
    account id, ``arn`` the member's Organizations ARN
    (``arn:aws:organizations::<management>:account/o-<org>/<member>``).
    """

    account_name: str = ""
    organization_id: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class Trail(Resource):
    home_region: str = ""
    multi_region: bool = False
    organization_trail: bool = False
    s3_bucket: str = ""
    kms_key_id: str | None = None
    log_file_validation: bool = False
    cloudwatch_log_group_arn: str | None = None


@dataclass(frozen=True, slots=True)
class SecurityGroup(Resource):
    group_id: str = ""
    vpc_id: str | None = None
    ingress: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Vpc(Resource):
    is_default: bool = False
    cidr: str = ""


@dataclass(frozen=True, slots=True)
class LaunchTemplate(Resource):
    template_id: str = ""
    default_version: int = 0
    latest_version: int = 0


@dataclass(frozen=True, slots=True)
class LaunchConfiguration(Resource):
    """An Auto Scaling launch configuration that at least one group launches from."""

    metadata_options: MetadataOptions = MetadataOptions(None, None)
    groups: tuple[str, ...] = ()
    """The Auto Scaling groups that use it, sorted."""


@dataclass(frozen=True, slots=True)
class LogGroup(Resource):
    retention_days: int | None = None
    kms_key_id: str | None = None
