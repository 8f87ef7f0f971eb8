"""Who can tamper with the account's logging: stop trails, delete log groups, mute alarms.

The probes are the catalog's tamper actions, each asked against the account's actual
logging resources (trails, their log groups, the alarms on those log groups' metric
filters, their S3 buckets) so that a grant scoped to unrelated resources does not count.
With no such resource, the action is asked about "any resource": only ``Resource: "*"``
grants are definite then. Identity policies, permissions boundaries and (when the
organization can be read) the SCPs above the account are evaluated; resource policies are
not. Conditions on ``aws:PrincipalArn`` / ``aws:PrincipalAccount`` (the break-glass exception
of a guardrail SCP) are decided for each principal; every other condition stays unknown, so
a grant that depends on one is reported as conditional rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from pytest_awscompliance.analysis.iam import (
    Decision,
    Policy,
    PolicyError,
    PolicySet,
    as_policy,
    evaluate_conditions,
    normalize_context,
)
from pytest_awscompliance.analysis.principals import Directory, Principal
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.facts.cloudtrail import owned_buckets, trail_account, visible_trails
from pytest_awscompliance.facts.iam import directory
from pytest_awscompliance.facts.logs import alarms_on, log_group_of, metric_alarms, metric_filters
from pytest_awscompliance.facts.organizations import (
    scp_levels,
)

ScpLevels = list[list[dict[str, Any]]]
"""SCP documents per level, from the root down to the account (see ``PolicySet``)."""

TRAIL_ACTIONS = ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                 "cloudtrail:PutEventSelectors")
LOG_GROUP_ACTIONS = ("logs:DeleteLogGroup", "logs:PutRetentionPolicy",
                     "logs:DeleteMetricFilter")
LOG_STREAM_ACTIONS = ("logs:DeleteLogStream",)
ALARM_ACTIONS = ("cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions")
BUCKET_ACTIONS = ("s3:PutBucketPolicy",)
OBJECT_ACTIONS = ("s3:DeleteObject",)
TAMPER_ACTIONS = (*TRAIL_ACTIONS, *LOG_GROUP_ACTIONS, *LOG_STREAM_ACTIONS, *ALARM_ACTIONS,
                  *BUCKET_ACTIONS, *OBJECT_ACTIONS)


@dataclass(frozen=True)
class Probe:
    """One request to evaluate: ``action`` on ``resource`` (``None``: any resource)."""

    action: str
    resource: str | None = None


@dataclass(frozen=True)
class Grant:
    """A tamper action a principal may perform (``conditional``: only under conditions)."""

    action: str
    resource: str | None
    conditional: bool


def _plan_regions(aws: AwsContext) -> list[str]:
    """The API region first, then the scanned ones."""
    return list(dict.fromkeys([aws.api_region, *aws.scanned_regions]))


def own_trails(aws: AwsContext) -> list[dict]:
    """The account's own trails, across the Regions of the scan, once each."""
    found: dict[str, dict] = {}
    for region in _plan_regions(aws):
        for trail in visible_trails(aws.in_region(region)):
            if trail_account(trail) == aws.account_id:
                found.setdefault(trail["TrailARN"], trail)
    return [found[arn] for arn in sorted(found)]


def probes(aws: AwsContext) -> list[Probe]:
    """The tamper requests for this account's logging resources."""
    partition, account = aws.partition, aws.account_id
    trails = own_trails(aws)
    found = [Probe(a, t["TrailARN"]) for t in trails for a in TRAIL_ACTIONS] or [
        Probe(a) for a in TRAIL_ACTIONS]
    groups = sorted({log_group_of(t["CloudWatchLogsLogGroupArn"]) for t in trails
                     if t.get("CloudWatchLogsLogGroupArn")})
    groups = [g for g in groups if g[0] == account]
    alarms: set[str] = set()
    for _, region, name in groups:
        group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{name}"
        found += [Probe(a, group_arn) for a in LOG_GROUP_ACTIONS]
        stream = f"{group_arn}:log-stream:{account}_CloudTrail_{region}"
        found += [Probe(a, stream) for a in LOG_STREAM_ACTIONS]
        every_alarm = metric_alarms(aws, region)
        for metric_filter in metric_filters(aws, region, name):
            for transformation in metric_filter.get("metricTransformations", []):
                alarms.update(a["AlarmArn"] for a in alarms_on(every_alarm, transformation))
    if not groups:
        found += [Probe(a) for a in (*LOG_GROUP_ACTIONS, *LOG_STREAM_ACTIONS)]
    found += [Probe(a, arn) for arn in sorted(alarms) for a in ALARM_ACTIONS] or [
        Probe(a) for a in ALARM_ACTIONS]
    mine = owned_buckets(aws)
    for trail in trails:
        bucket = trail.get("S3BucketName", "")
        if bucket not in mine:
            continue
        prefix = f"{trail['S3KeyPrefix']}/" if trail.get("S3KeyPrefix") else ""
        found += [Probe(a, f"arn:{partition}:s3:::{bucket}") for a in BUCKET_ACTIONS]
        found += [Probe(a, f"arn:{partition}:s3:::{bucket}/{prefix}AWSLogs/{account}/"
                        "CloudTrail/log.json.gz") for a in OBJECT_ACTIONS]
    return list(dict.fromkeys(found))


def allow_listed(principal: Principal, patterns: Iterable[str]) -> bool:
    """Whether the principal's name or ARN matches one of the glob ``patterns``."""
    return any(fnmatchcase(principal.name, p) or fnmatchcase(principal.arn, p)
               for p in patterns)


PRINCIPAL_KEYS = frozenset({"aws:principalarn", "aws:principalaccount"})
"""Request keys known for a principal; every other condition key stays unknown."""


def _parsed(documents: Iterable[tuple[str, object]], kind: str) -> list[Policy]:
    """Parse ``(name, document)`` pairs. Fails closed: a document AWS would reject raises
    `PolicyError` naming the policy, the statement and the construct (the control ERRORs);
    skipping it could hide a grant or, for a boundary or SCP, a limit."""
    found = []
    for name, document in documents:
        try:
            found.append(as_policy(document, kind=kind))  # type: ignore[arg-type]
        except PolicyError as exc:
            raise exc.naming(name) from None
    return found


def for_principal(policy: Policy, principal: Principal, account: str) -> Policy:
    """``policy`` with its conditions on the principal's ARN and account decided.

    A statement whose principal condition is false is dropped; a true one is removed
    from the statement; conditions on any other key are kept (unknown at evaluation).
    """
    context = normalize_context({"aws:PrincipalArn": principal.arn,
                                 "aws:PrincipalAccount": account or None})
    known = PRINCIPAL_KEYS & context.keys() if context else frozenset()
    statements = []
    for statement in policy.statements:
        # Only keys this context carries, with no policy variable in the values: to the
        # evaluator a context is the whole request, so a key or variable missing from it
        # (no account id, another key) would be decided, not left unknown.
        decided = [c for c in statement.conditions
                   if c.key in known and not any("${" in v for v in c.values)]
        if not decided:
            statements.append(statement)
            continue
        holds = evaluate_conditions(decided, context, variables=policy.uses_variables)
        if holds is False:
            continue
        kept = tuple(c for c in statement.conditions if holds is None or c not in decided)
        statements.append(replace(statement, conditions=kept))
    return Policy(tuple(statements), policy.version, policy.id, policy.kind)


def grants(principal: Principal, requests: Iterable[Probe], scp_levels: ScpLevels | None = None,
           account: str = "") -> list[Grant]:
    """The probes the principal's identity policies allow, within its boundary and SCPs."""

    def resolved(documents: Iterable[tuple[str, object]], kind: str) -> list[Policy]:
        return [for_principal(p, principal, account) for p in _parsed(documents, kind)]

    boundary_name = f"permissions boundary {principal.boundary_arn} of {principal.label}"
    boundary = resolved([(boundary_name, principal.boundary)] if principal.boundary else [],
                        "boundary")
    identity = ((p.describe(), p.document) for p in principal.policies if p.document)
    levels = [resolved(((f"SCP {i} at organization level {depth}", doc)
                        for i, doc in enumerate(level, 1)), "scp")
              for depth, level in enumerate(scp_levels or [], 1)]
    policy_set = PolicySet(resolved(identity, "identity"),
                           boundary=boundary[0] if boundary else None, scp_levels=levels)
    found: dict[str, Grant] = {}
    for probe in requests:
        decision = policy_set.evaluate(probe.action, probe.resource)
        if decision is Decision.ALLOW:
            found[probe.action] = Grant(probe.action, probe.resource, conditional=False)
        elif decision is Decision.CONDITIONAL and probe.action not in found:
            found[probe.action] = Grant(probe.action, probe.resource, conditional=True)
    return [found[a] for a in TAMPER_ACTIONS if a in found]


def tamperers(people: Directory, requests: list[Probe], allowlist: Iterable[str],
              scp_levels: ScpLevels | None = None, account: str = ""
              ) -> dict[str, list[Grant]]:
    """Non-allow-listed users and roles (service-linked roles excepted) that can tamper."""
    patterns = list(allowlist)
    found: dict[str, list[Grant]] = {}
    for principal in [*people.users.values(), *people.roles.values()]:
        if principal.service_linked or allow_listed(principal, patterns):
            continue
        granted = grants(principal, requests, scp_levels, account)
        if granted:
            found[principal.label] = granted
    return dict(sorted(found.items()))


def describe(found: dict[str, list[Grant]], probed: Iterable[str] = ()) -> str:
    """``user/a (all 12 tamper actions), role/b (s3:DeleteObject; conditionally: ...)``.

    ``probed`` lists the actions asked; a principal granted all of them is summarised.
    """
    every = set(probed)
    parts = []
    for label, granted in found.items():
        definite = [g.action for g in granted if not g.conditional]
        maybe = [g.action for g in granted if g.conditional]
        text = f"all {len(every)} tamper actions" if every and set(definite) == every \
            else ", ".join(definite)
        if maybe:
            text += ("; " if text else "") + "conditionally: " + ", ".join(maybe)
        parts.append(f"{label} ({text})")
    return ", ".join(parts)


def principal_tampering(aws: AwsContext, principal: Principal
                        ) -> tuple[list[Grant], Sequence[str], str | None]:
    """The tamper actions one principal may perform, the actions asked, and an SCP caveat."""
    requests, levels, caveat = account_probes(aws)
    return (grants(principal, requests, levels, aws.account_id),
            list(dict.fromkeys(p.action for p in requests)), caveat)


def account_probes(aws: AwsContext) -> tuple[list[Probe], ScpLevels, str | None]:
    """The account's tamper probes and SCP levels (with their caveat), built once per
    account and kept on its IAM directory: every principal's test asks the same. A read
    that fails is not kept: each test raises it again."""
    cache = directory(aws).cache
    found = cache.get("tamper-probes")
    if found is None:
        levels, caveat = scp_levels(aws)
        found = cache["tamper-probes"] = (probes(aws), levels, caveat)
    return found
