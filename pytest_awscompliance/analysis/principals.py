"""Who holds which policies: users, groups and roles from ``GetAccountAuthorizationDetails``.

Pure: ``build`` takes the (merged, paginated) answer and the default-version documents of
the AWS-managed policies it references, and returns a ``Directory``. Every managed policy
is represented by its **default version** only. A user's policies are its inline and
attached policies plus those of each of its groups; a role's are its inline and attached
policies. Permissions boundaries are kept apart (they limit, they do not grant).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

AWS_MANAGED_MARKER = ":iam::aws:policy/"

Document = dict[str, Any]


@dataclass(frozen=True)
class GrantedPolicy:
    """A policy a principal holds: inline (``arn`` None) or managed, directly or via a group."""

    name: str
    document: Document | None = field(repr=False, compare=False)
    """The (default version) document; ``None`` if it could not be read."""
    arn: str | None = None
    via_group: str | None = None
    owner: str = ""
    """For inline policies: ``user/alice``, ``group/devs`` or ``role/app``."""

    @property
    def inline(self) -> bool:
        return self.arn is None

    @property
    def aws_managed(self) -> bool:
        return self.arn is not None and AWS_MANAGED_MARKER in self.arn

    def describe(self) -> str:
        """``inline policy 'x' of user/alice``, ``AWS-managed policy AdministratorAccess``..."""
        if self.inline:
            text = f"inline policy '{self.name}' of {self.owner}"
        elif self.aws_managed:
            text = f"AWS-managed policy {self.name}"
        else:
            text = f"customer-managed policy {self.name}"
        return f"{text} (via group {self.via_group})" if self.via_group else text


@dataclass(frozen=True)
class Principal:
    """A user, group or role with the policies it holds."""

    kind: str  # "user", "group" or "role"
    name: str
    arn: str
    path: str = "/"
    policies: tuple[GrantedPolicy, ...] = ()
    boundary_arn: str | None = None
    boundary: Document | None = field(default=None, repr=False, compare=False)
    groups: tuple[str, ...] = ()
    """Users: the groups they belong to."""
    members: tuple[str, ...] = ()
    """Groups: their member users."""
    trust_policy: Document | None = field(default=None, repr=False, compare=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def direct_policies(self) -> tuple[GrantedPolicy, ...]:
        return tuple(p for p in self.policies if p.via_group is None)

    @property
    def service_linked(self) -> bool:
        return self.kind == "role" and self.path.startswith("/aws-service-role/")


@dataclass(frozen=True)
class ManagedPolicy:
    """A customer-managed policy with its default version document."""

    name: str
    arn: str
    default_version_id: str
    attachment_count: int
    document: Document | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class Directory:
    """Every user, group, role and customer-managed policy of one account."""

    users: dict[str, Principal] = field(default_factory=dict)
    groups: dict[str, Principal] = field(default_factory=dict)
    roles: dict[str, Principal] = field(default_factory=dict)
    managed: dict[str, ManagedPolicy] = field(default_factory=dict)
    """Customer-managed policies by ARN."""
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Scratch space for analyses that are computed once per directory."""

    def principal(self, kind: str, name: str) -> Principal | None:
        table = {"user": self.users, "group": self.groups, "role": self.roles}[kind]
        return table.get(name)

    def inline_policies(self) -> Iterator[GrantedPolicy]:
        """Every inline policy of every user, group and role, once each."""
        for table in (self.users, self.groups, self.roles):
            for principal in table.values():
                yield from (p for p in principal.direct_policies if p.inline)

    def policy_by_name(self, name: str) -> ManagedPolicy | None:
        for policy in self.managed.values():
            if policy.name == name:
                return policy
        return None


def default_document(policy: Mapping[str, Any]) -> Document | None:
    """The default version's document of a ``Policies[]`` item."""
    default = policy.get("DefaultVersionId")
    for version in policy.get("PolicyVersionList", []):
        if version.get("IsDefaultVersion") or version.get("VersionId") == default:
            return version.get("Document")
    return None


def referenced_aws_policies(details: Mapping[str, Any]) -> list[str]:
    """ARNs of AWS-managed policies attached to, or bounding, any principal (sorted)."""
    found: set[str] = set()
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList"):
        for item in details.get(key, []):
            for attached in item.get("AttachedManagedPolicies", []):
                found.add(attached["PolicyArn"])
            boundary = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            if boundary:
                found.add(boundary)
    return sorted(arn for arn in found if AWS_MANAGED_MARKER in arn)


def _name_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def build(details: Mapping[str, Any], aws_documents: Mapping[str, Document | None]
          ) -> Directory:
    """A ``Directory`` from ``GetAccountAuthorizationDetails`` (all pages merged).

    ``aws_documents`` maps AWS-managed policy ARNs (``referenced_aws_policies``) to their
    default version document.
    """
    managed = {
        item["Arn"]: ManagedPolicy(
            name=item.get("PolicyName") or _name_of(item["Arn"]),
            arn=item["Arn"],
            default_version_id=item.get("DefaultVersionId", ""),
            attachment_count=int(item.get("AttachmentCount", 0)),
            document=default_document(item),
        )
        for item in details.get("Policies", [])
        if AWS_MANAGED_MARKER not in item["Arn"]
    }
    documents: dict[str, Document | None] = {arn: p.document for arn, p in managed.items()}
    documents.update(aws_documents)

    def attached(item: Mapping[str, Any], via: str | None) -> list[GrantedPolicy]:
        return [
            GrantedPolicy(name=a.get("PolicyName") or _name_of(a["PolicyArn"]),
                          document=documents.get(a["PolicyArn"]), arn=a["PolicyArn"],
                          via_group=via)
            for a in item.get("AttachedManagedPolicies", [])
        ]

    def inline(item: Mapping[str, Any], key: str, owner: str, via: str | None
               ) -> list[GrantedPolicy]:
        return [
            GrantedPolicy(name=p["PolicyName"], document=p.get("PolicyDocument"),
                          owner=owner, via_group=via)
            for p in item.get(key, [])
        ]

    def boundary_of(item: Mapping[str, Any]) -> tuple[str | None, Document | None]:
        arn = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        return arn, (documents.get(arn) if arn else None)

    group_items = {g["GroupName"]: g for g in details.get("GroupDetailList", [])}
    members: dict[str, list[str]] = {name: [] for name in group_items}
    for user in details.get("UserDetailList", []):
        for group in user.get("GroupList", []):
            members.setdefault(group, []).append(user["UserName"])

    groups = {}
    for name, item in group_items.items():
        groups[name] = Principal(
            kind="group", name=name, arn=item["Arn"], path=item.get("Path", "/"),
            policies=tuple(inline(item, "GroupPolicyList", f"group/{name}", None)
                           + attached(item, None)),
            members=tuple(sorted(members.get(name, []))), raw=dict(item),
        )

    users = {}
    for item in details.get("UserDetailList", []):
        name = item["UserName"]
        owned = inline(item, "UserPolicyList", f"user/{name}", None) + attached(item, None)
        for group in item.get("GroupList", []):
            group_item = group_items.get(group, {})
            owned += inline(group_item, "GroupPolicyList", f"group/{group}", group)
            owned += attached(group_item, group)
        arn, boundary = boundary_of(item)
        users[name] = Principal(
            kind="user", name=name, arn=item["Arn"], path=item.get("Path", "/"),
            policies=tuple(owned), boundary_arn=arn, boundary=boundary,
            groups=tuple(item.get("GroupList", [])), raw=dict(item),
        )

    roles = {}
    for item in details.get("RoleDetailList", []):
        name = item["RoleName"]
        arn, boundary = boundary_of(item)
        roles[name] = Principal(
            kind="role", name=name, arn=item["Arn"], path=item.get("Path", "/"),
            policies=tuple(inline(item, "RolePolicyList", f"role/{name}", None)
                           + attached(item, None)),
            boundary_arn=arn, boundary=boundary,
            trust_policy=item.get("AssumeRolePolicyDocument"), raw=dict(item),
        )
    return Directory(users=users, groups=groups, roles=roles, managed=managed)
