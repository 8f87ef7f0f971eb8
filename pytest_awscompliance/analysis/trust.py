"""Is a role's trust policy open to anyone? (``iam-role-trust-not-public``)

A trust statement that allows ``sts:AssumeRole*`` is public when its principal is ``"*"``
(or ``{"AWS": "*"}``, or it uses ``NotPrincipal``) and no condition pins the caller to fixed
accounts, organizations or ARNs (``public_policy.restricting_condition``, limited to
``TRUST_PINNING_KEYS``); or when it trusts an OIDC provider without a condition on
the token's subject (``<provider>:sub``; Cognito identity pools: ``...:aud``), which lets
any token of that provider (e.g. any GitHub repository's workflow) assume the role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pytest_awscompliance.analysis.iam import PolicyError, Statement, action_matches, parse_policy
from pytest_awscompliance.analysis.public_policy import PINNING_OPERATORS, restricting_condition
from pytest_awscompliance.model.errors import UnreadablePolicy

ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")
TRUST_PINNING_KEYS = frozenset({
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
})
"""The pinning keys that count in a trust policy (no IP, VPC or ``aws:userid``)."""
COGNITO = "cognito-identity.amazonaws.com"
GITHUB = "token.actions.githubusercontent.com"
_GITHUB_SUB = re.compile(r"^repo:[^*?/]+/")


def _restricted(statement: Statement) -> bool:
    return any(restricting_condition(c, TRUST_PINNING_KEYS) for c in statement.conditions)


def _assumes(statement: Statement) -> list[str]:
    if statement.actions is not None:
        return [a for a in ASSUME_ACTIONS
                if any(action_matches(p, a) for p in statement.actions)]
    return [a for a in ASSUME_ACTIONS
            if not any(action_matches(p, a) for p in statement.not_actions or ())]


def _provider(federated: str) -> str | None:
    """The OIDC provider host of a Federated principal; ``None`` for SAML providers."""
    if ":saml-provider/" in federated:
        return None
    return federated.split(":oidc-provider/", 1)[-1].lower()


def _subject_pinned(statement: Statement, provider: str) -> bool:
    key = f"{provider}:{'aud' if provider == COGNITO else 'sub'}"
    for condition in statement.conditions:
        if condition.base not in PINNING_OPERATORS or condition.key != key \
                or condition.qualifier == "ForAllValues":
            continue
        values = condition.values
        if provider == GITHUB:
            if all(_GITHUB_SUB.match(v) for v in values):
                return True
        elif all(v.strip("*?") for v in values):
            return True
    return False


def _denied_outside(statements: Iterable[Statement], action: str) -> bool:
    """A Deny to ``"*"`` for ``action`` unless the caller matches fixed accounts/orgs/ARNs."""
    for st in statements:
        if st.is_allow or not any(p.is_wildcard for p in st.principals or ()):
            continue
        if not any(action_matches(p, action) for p in st.actions or ()):
            continue
        if any(restricting_condition(c, TRUST_PINNING_KEYS, negated=True)
               for c in st.conditions):
            return True
    return False


def _label(statement: Statement, index: int) -> str:
    return f"statement {statement.sid!r}" if statement.sid else f"statement #{index}"


def public_trust(document: Any, what: str = "trust policy") -> list[str]:
    """Why the trust policy lets anyone assume the role (empty when it does not).

    Raises ``UnreadablePolicy`` naming ``what`` when the evaluator cannot read it: a trust
    policy that cannot be read is never "trusts nobody".
    """
    try:
        policy = parse_policy(document, kind="trust")
    except PolicyError as exc:
        raise UnreadablePolicy(what, str(exc)) from None
    reasons = []
    for index, st in enumerate(policy.statements, 1):
        if not st.is_allow:
            continue
        actions = _assumes(st)
        if not actions:
            continue
        label = _label(st, index)
        open_to_all = st.not_principals is not None or any(
            p.is_wildcard and p.kind in ("*", "AWS") for p in st.principals or ())
        if open_to_all and not _restricted(st) and not all(
                _denied_outside(policy.statements, a) for a in actions):
            who = "NotPrincipal (everyone not listed)" if st.not_principals is not None \
                else 'Principal "*"'
            reasons.append(f"{label} allows {'/'.join(actions)} to {who} with no condition "
                           "pinning the caller's account, organization or ARN")
        for principal in st.principals or ():
            if principal.kind != "Federated":
                continue
            for federated in principal.values:
                provider = _provider(federated)
                if provider is None:
                    continue
                if provider == "*" or not _subject_pinned(st, provider):
                    key = "aud" if provider == COGNITO else "sub"
                    reasons.append(f"{label} trusts any token of {provider} (no {provider}:{key} "
                                   "condition naming who may assume it)")
    return reasons
