"""Hypothesis properties of the evaluator, the matcher and the parser."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_awscompliance.analysis.iam import (
    ActionSet,
    Decision,
    Policy,
    PolicyError,
    PolicySet,
    action_matches,
    evaluate,
    parse_policy,
)

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RANK = {
    Decision.DENY: 0,
    Decision.IMPLICIT_DENY: 1,
    Decision.CONDITIONAL: 2,
    Decision.ALLOW: 3,
}

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "ec2:RunInstances",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "s3:*",
    "iam:*",
    "*",
    "*:*",
    "iam:Create*",
    "S3:?etobject",
    "ec2:Describe*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:iam::1:role/app-*",
    "arn:aws:s3:::b/${aws:username}",
    "arn:aws:*",
]
RESOURCES = [
    None,
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/alice",
    "arn:aws:iam::1:role/app-x",
    "arn:aws:iam::1:role/admin",
]
CONDITIONS = [
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEqualsIfExists": {"aws:username": "alice"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*"]}},
    {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"Null": {"aws:username": "true"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/*"}},
]
CONTEXTS = [
    None,
    {},
    {"aws:SecureTransport": True, "aws:username": "alice"},
    {"aws:SecureTransport": "false", "aws:TagKeys": ["a", "b"], "aws:SourceIp": "10.1.2.3"},
    {"aws:MultiFactorAuthAge": 10, "aws:PrincipalArn": "arn:aws:iam::1:role/x"},
]


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.booleans()) else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    statement["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = resources
    if draw(st.booleans()):
        condition: dict[str, Any] = {}
        for block in draw(st.lists(st.sampled_from(CONDITIONS), max_size=2)):
            condition.update(block)
        statement["Condition"] = condition
    return statement


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "Version": draw(st.sampled_from(["2012-10-17", "2008-10-17"])),
        "Statement": draw(st.lists(statements(), max_size=4)),
    }


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for `evaluate` besides the identity policies."""
    kwargs: dict[str, Any] = {
        "action": draw(st.sampled_from(ACTIONS)),
        "resource": draw(st.sampled_from(RESOURCES)),
        "context": draw(st.sampled_from(CONTEXTS)),
    }
    if draw(st.booleans()):
        kwargs["boundary"] = draw(documents())
    kwargs["scp_levels"] = draw(st.lists(st.lists(documents(), max_size=2), max_size=2))
    return kwargs


@SETTINGS
@given(policies=st.lists(documents(), max_size=3), request=requests(), data=st.data())
def test_unconditional_deny_always_wins(
    policies: list[dict[str, Any]], request: dict[str, Any], data: st.DataObject
) -> None:
    pattern = data.draw(st.sampled_from([request["action"], request["action"].upper(), "*"]))
    denial = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": pattern, "Resource": "*"}],
    }
    position = data.draw(st.integers(0, len(policies)))
    policies = [*policies[:position], denial, *policies[position:]]
    assert evaluate(policies, **request) is Decision.DENY


@SETTINGS
@given(
    policies=st.lists(documents(), min_size=1, max_size=3),
    request=requests(),
    extra=statements(effect="Allow"),
    data=st.data(),
)
def test_adding_an_allow_never_removes_access(
    policies: list[dict[str, Any]],
    request: dict[str, Any],
    extra: dict[str, Any],
    data: st.DataObject,
) -> None:
    before = evaluate(policies, **request)
    target = data.draw(st.integers(0, len(policies) - 1))
    grown = [dict(p) for p in policies]
    grown[target]["Statement"] = [*policies[target]["Statement"], extra]
    after = evaluate(grown, **request)
    assert RANK[after] >= RANK[before], (before, after)


@SETTINGS
@given(
    policies=st.lists(documents(), min_size=1, max_size=3),
    request=requests(),
    extra=statements(effect="Deny"),
    data=st.data(),
)
def test_adding_a_deny_never_adds_access(
    policies: list[dict[str, Any]],
    request: dict[str, Any],
    extra: dict[str, Any],
    data: st.DataObject,
) -> None:
    before = evaluate(policies, **request)
    target = data.draw(st.integers(0, len(policies) - 1))
    grown = [dict(p) for p in policies]
    grown[target]["Statement"] = [*policies[target]["Statement"], extra]
    after = evaluate(grown, **request)
    assert RANK[after] <= RANK[before], (before, after)


@SETTINGS
@given(policies=st.lists(documents(), max_size=3), request=requests())
def test_evaluation_is_deterministic_and_cache_safe(
    policies: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    parsed = [parse_policy(p) for p in policies]
    first = evaluate(parsed, **request)
    assert evaluate(parsed, **request) is first  # second call hits the per-policy cache
    assert evaluate(policies, **request) is first


@SETTINGS
@given(policies=st.lists(documents(), max_size=3), request=requests())
def test_batch_evaluation_agrees_with_single_queries(
    policies: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    action = request.pop("action")
    resource = request.pop("resource")
    parsed = [parse_policy(p) for p in policies]
    policy_set = PolicySet(parsed, **request)
    batch = policy_set.evaluate_all(ActionSet([*ACTIONS, action.upper()]), resource)
    assert batch == {a.lower(): evaluate(parsed, a, resource, **request) for a in ACTIONS}


# --- action glob vs. an independent reference ---------------------------------------------
# fnmatch agrees with IAM globbing on alphabets without "[" (fnmatch's character classes).
NAME_CHARS = "abcAB019-_.+()$^|{}\\"
PATTERN_CHARS = NAME_CHARS + "*?"


@st.composite
def action_names(draw: st.DrawFn) -> str:
    service = draw(st.text(alphabet="abAB3-", min_size=1, max_size=4))
    return f"{service}:{draw(st.text(alphabet=NAME_CHARS, max_size=8))}"


@st.composite
def pattern_and_action(draw: st.DrawFn) -> tuple[str, str]:
    pattern = draw(st.text(alphabet=PATTERN_CHARS + ":", min_size=1, max_size=10))
    if draw(st.booleans()):  # derive a likely match from the pattern
        filler = st.text(alphabet=NAME_CHARS, max_size=3)
        chars = [
            draw(filler) if c == "*" else (draw(st.sampled_from(NAME_CHARS)) if c == "?" else c)
            for c in pattern
        ]
        action = "".join(chars)
        action = action if ":" in action else f"{action}:x"
        if draw(st.booleans()):
            action = action.swapcase()
    else:
        action = draw(action_names())
    return pattern, action


@SETTINGS
@given(pattern_and_action())
def test_action_glob_agrees_with_fnmatch(case: tuple[str, str]) -> None:
    pattern, action = case
    expected = pattern in ("*", "*:*") or fnmatchcase(action.lower(), pattern.lower())
    assert action_matches(pattern, action) is expected


# --- the parser never raises anything but PolicyError -------------------------------------
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.sampled_from(["*", "Allow", "Deny", "s3:*", "2012-10-17", "2008-10-17", "arn:aws:s3:::b"])
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
STATEMENT_KEYS = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "Bogus",
]
OPERATORS = [
    "StringEquals",
    "ForAnyValue:StringLike",
    "NumericLessThanIfExists",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "ArnLike",
    "Null",
    "ForAllValues:StringNotEquals",
    "Nope",
]
CONDITION_BLOCKS = st.dictionaries(
    st.sampled_from(OPERATORS),
    st.dictionaries(
        st.sampled_from(["aws:SourceIp", "aws:username", "aws:TagKeys", "k"]), JSONISH, max_size=2
    )
    | JSONISH,
    max_size=3,
)
STATEMENT_LIKE = st.dictionaries(
    st.sampled_from(STATEMENT_KEYS),
    JSONISH | st.sampled_from(["Allow", "Deny", "*", "s3:GetObject"]) | CONDITION_BLOCKS,
    max_size=6,
)
DOCUMENT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "Version": st.sampled_from(["2012-10-17", "2008-10-17"]) | JSONISH,
        "Statement": STATEMENT_LIKE | st.lists(STATEMENT_LIKE, max_size=3) | JSONISH,
        "Id": JSONISH,
    },
)
ANY_INPUT = (
    JSONISH
    | DOCUMENT_LIKE
    | DOCUMENT_LIKE.map(json.dumps)
    | st.text(max_size=30)
    | st.binary(max_size=30)
)


@settings(SETTINGS, max_examples=200)
@given(
    document=ANY_INPUT,
    kind=st.sampled_from(["identity", "resource", "trust", "scp"]),
    context=st.sampled_from(CONTEXTS),
    resource=st.sampled_from(RESOURCES),
)
def test_parser_raises_only_policy_error(
    document: Any, kind: str, context: dict[str, Any] | None, resource: str | None
) -> None:
    try:
        policy = parse_policy(document, kind=kind)
    except PolicyError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    assert isinstance(policy, Policy)
    # whatever parses must also evaluate without crashing
    assert isinstance(evaluate([policy], "s3:GetObject", resource, context=context), Decision)
