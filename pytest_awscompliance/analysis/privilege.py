"""What a policy or a principal can do: full admin, open role assumption, escalation paths.

Pure functions over ``principals.Directory`` and policy documents, built on the evaluator
in ``pytest_awscompliance.analysis.iam``. A document the evaluator cannot read is never "grants
nothing": it raises ``UnreadablePolicy`` naming the policy, and the control that needs it
is an ERROR.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.analysis.iam import (
    Decision,
    EscalationFinding,
    Policy,
    PolicyError,
    action_matches,
    escalation_paths,
    evaluate,
    is_full_admin,
    parse_policy,
    principal_is_admin,
)
from pytest_awscompliance.analysis.iam.graph import (
    EscalationGraph,
    EscalationPath,
    Launcher,
    Subject,
)
from pytest_awscompliance.analysis.principals import Directory, GrantedPolicy, Principal
from pytest_awscompliance.model.errors import UnreadablePolicy

ADMINISTRATOR_ACCESS = "AdministratorAccess"
PASS_ROLE = "iam:passrole"
GRAPH_FAMILIES = frozenset({"iam-policy", "iam-credentials"})
"""Method families the escalation graph decides per target (with PassRole methods)."""

_PARSED: dict[int, tuple[Any, Policy | PolicyError]] = {}


def parsed(document: Any, *, kind: str = "identity", what: str = "policy") -> Policy | None:
    """The parsed document (memoized per document object); ``None`` for no document.

    Raises ``UnreadablePolicy`` naming ``what`` if the evaluator cannot read it.
    """
    if document is None:
        return None
    key = id(document)
    hit = _PARSED.get(key)
    if hit is None or hit[0] is not document:
        try:
            result: Policy | PolicyError = parse_policy(document, kind=kind)
        except PolicyError as exc:
            result = exc
        if len(_PARSED) > 50_000:
            _PARSED.clear()
        _PARSED[key] = hit = (document, result)
    if isinstance(hit[1], PolicyError):
        raise UnreadablePolicy(what, str(hit[1]))
    return hit[1]


def full_admin(document: Any, what: str = "policy") -> bool:
    """``*`` on ``*`` (Deny-aware, ``*:*`` and NotAction included); see ``is_full_admin``."""
    policy = parsed(document, what=what)
    return policy is not None and is_full_admin(policy)


def admin_grants(principal: Principal) -> list[GrantedPolicy]:
    """Policies that make ``principal`` an administrator: AWS ``AdministratorAccess`` or any
    policy allowing ``*`` on ``*``, held directly or through a group."""
    return [
        p for p in principal.policies
        if (p.aws_managed and p.name == ADMINISTRATOR_ACCESS)
        or full_admin(p.document, _what(principal, p))
    ]


def permissive_assume_role(document: Any, what: str = "policy") -> list[str]:
    """Allow statements granting ``sts:AssumeRole`` on ``Resource: "*"`` without a Condition.

    Returns a label per offending statement (its Sid, else its position). A policy whose
    own unconditional Deny removes ``sts:AssumeRole`` everywhere has none.
    """
    policy = parsed(document, what=what)
    if policy is None:
        return []
    found = []
    for index, st in enumerate(policy.statements, 1):
        if not st.is_allow or st.conditions or "*" not in (st.resources or ()):
            continue
        if st.actions is not None:
            grants = any(action_matches(p, "sts:AssumeRole") for p in st.actions)
        else:
            grants = not any(action_matches(p, "sts:AssumeRole") for p in st.not_actions or ())
        if grants:
            found.append(f"statement {st.sid!r}" if st.sid else f"statement #{index}")
    if found and evaluate(policy, "sts:AssumeRole", "*") is Decision.DENY:
        return []
    return found


def _what(principal: Principal, policy: GrantedPolicy) -> str:
    return f"{policy.describe()} held by {principal.label}"


def _documents(principal: Principal) -> list[Policy]:
    found = []
    for granted in principal.policies:
        policy = parsed(granted.document, what=_what(principal, granted))
        if policy is not None:
            found.append(policy)
    return found


def _boundary(principal: Principal) -> Policy | None:
    if not principal.boundary:
        return None
    return parsed(principal.boundary, kind="boundary",
                  what=f"permissions boundary {principal.boundary_arn} of {principal.label}")


def is_admin(principal: Principal) -> bool:
    """Effectively ``*`` on ``*`` after the permissions boundary (``principal_is_admin``)."""
    return principal_is_admin(_documents(principal), _boundary(principal))


def _account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def subject(directory: Directory, principal: Principal) -> Subject:
    """The escalation graph's view of a principal (policies parsed, fail closed)."""
    trust = None
    if principal.kind == "role" and principal.trust_policy is not None:
        trust = parsed(principal.trust_policy, kind="trust",
                       what=f"trust policy of {principal.label}")
    groups = tuple(directory.groups[g].arn for g in principal.groups if g in directory.groups)
    profiles = tuple(p.get("Arn", "") for p in principal.raw.get("InstanceProfileList", []))
    return Subject(
        kind=principal.kind, name=principal.name, arn=principal.arn,
        account=_account(principal.arn), policies=tuple(_documents(principal)),
        boundary=_boundary(principal), trust=trust, path=principal.path, groups=groups,
        managed=tuple(dict.fromkeys(p.arn for p in principal.policies if p.arn)),
        instance_profiles=profiles,
    )


def _scp_levels(directory: Directory) -> tuple[list[list[Policy]], str | None]:
    """The SCP levels of the directory's account (parsed, fail closed) and why they could
    not be read, from the ``scp-levels`` reader the facts layer left in its cache (none:
    no SCPs, no note)."""
    reader = directory.cache.get("scp-levels")
    if reader is None:
        return [], None
    documents, note = reader()
    levels = [[policy for index, document in enumerate(level, 1)
               if (policy := parsed(document, kind="scp",
                                    what=f"SCP {index} at organization level {depth}"))]
              for depth, level in enumerate(documents, 1)]
    return levels, note


@dataclass(frozen=True)
class LaunchSource:
    """An existing launch configuration or template and the instance profile it names."""

    kind: str  # "launch configuration" or "launch template"
    name: str
    region: str
    profile: str
    """The instance profile's name or ARN, as the launch configuration or template has it."""


def launchers(directory: Directory, sources: Iterable[LaunchSource]) -> list[Launcher]:
    """The graph's launchers: each source with the roles of its instance profile (from the
    roles' ``InstanceProfileList``). A profile no role of the directory sits in launches
    nobody the graph knows, and yields none."""
    roles_of: dict[str, list[str]] = {}
    for role in directory.roles.values():
        for profile in role.raw.get("InstanceProfileList", []):
            for key in (profile.get("Arn"), profile.get("InstanceProfileName")):
                if key:
                    roles_of.setdefault(key, []).append(role.arn)
    found: list[Launcher] = []
    for source in sources:
        name = source.profile.rsplit("/", 1)[-1]
        roles = roles_of.get(source.profile) or roles_of.get(name) or []
        if roles:
            account = _account(roles[0])
            found.append(Launcher(source.kind, source.name, account,
                                  tuple(dict.fromkeys(roles)), region=source.region))
    return found


def escalation_graph(directory: Directory) -> EscalationGraph:
    """The account's escalation graph (users, roles, groups), built once per directory.

    SCP denies cut edges when the account's SCPs are readable; when they are not, every
    path says so (``SCPs not evaluated: ...``) and is judged without them (stricter). The
    existing launch configurations and templates come from the ``launch-sources`` reader
    the facts layer left in the cache (none: no Auto Scaling edges); its errors propagate.
    """
    graph = directory.cache.get("escalation-graph")
    if graph is None:
        members = [*directory.users.values(), *directory.roles.values(),
                   *directory.groups.values()]
        subjects = [subject(directory, p) for p in members]
        levels, note = _scp_levels(directory)
        accounts = {s.account for s in subjects}
        reader = directory.cache.get("launch-sources")
        graph = directory.cache["escalation-graph"] = EscalationGraph(
            subjects, scp_levels=dict.fromkeys(accounts, levels) if levels else None,
            launchers=launchers(directory, reader() if reader else ()),
            notes=(note,) if note else ())
    return graph


def _graph_method(finding: EscalationFinding) -> bool:
    return finding.family in GRAPH_FAMILIES or any(a.lower() == PASS_ROLE
                                                   for a in finding.actions)


def principal_escalations(directory: Directory, principal: Principal
                          ) -> tuple[EscalationPath | None, list[EscalationFinding]]:
    """How ``principal`` can become an administrator, and the other methods it holds.

    The path is the graph's shortest (`EscalationGraph.path_to_admin`): IAM changes,
    credentials, role assumption and passing roles are decided per target there. The
    findings are the table's methods the graph cannot follow to a principal (taking over
    existing compute, sessions, builds...), within the permissions boundary.
    """
    path = escalation_graph(directory).path_to_admin(principal.arn)
    findings = escalation_paths(_documents(principal), boundary=_boundary(principal))
    return path, [f for f in findings if not _graph_method(f)]


def policy_escalations(document: Any, what: str = "policy") -> list[EscalationFinding]:
    """Escalation methods one policy document grants on its own (policy-centric)."""
    policy = parsed(document, what=what)
    return [] if policy is None else escalation_paths(policy)


def describe_path(path: EscalationPath) -> str:
    """``user/dev -> assume role/ci -> ...`` and, when conditional, what it depends on."""
    text = path.describe()
    if not path.definite:
        text += f" (conditionally: {'; '.join(path.conditions)})"
    return "".join([text, *(f" [{note}]" for note in path.notes)])


def describe_findings(findings: Sequence[EscalationFinding], *, limit: int = 6) -> str:
    """``CreateNewPolicyVersion [iam-policy] (iam:CreatePolicyVersion); ...`` with definite
    methods first, then ``conditionally: ...`` for CONDITIONAL ones."""

    def text(items: Iterable[EscalationFinding]) -> str:
        items = list(items)
        shown = [f"{f.method} [{f.family}] ({', '.join(f.actions)})" for f in items[:limit]]
        more = f"; +{len(items) - limit} more" if len(items) > limit else ""
        return "; ".join(shown) + more

    definite = [f for f in findings if f.decision is Decision.ALLOW]
    conditional = [f for f in findings if f.decision is not Decision.ALLOW]
    parts = []
    if definite:
        parts.append(text(definite))
    if conditional:
        parts.append("conditionally: " + text(conditional))
    return " | ".join(parts)
