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
from pytest_awscompliance.analysis.iam.conditions import evaluate_condition
from pytest_awscompliance.analysis.iam.matching import normalize_context
from pytest_awscompliance.analysis.iam.policy import _BASE_OPERATORS

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


# --- AWS semantics with a full context ------------------------------------------------------
# IAM User Guide, "IAM JSON policy elements: Condition operators" (every operator, the
# ForAllValues/ForAnyValue qualifiers, ...IfExists) and "Policy variables".

KEY = "x:key"
TEXT = st.text(alphabet="abAB*?$", max_size=4)
IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(str)
#: (positive operator, negated operator, well-formed context value, policy value)
TYPED = {
    "String": ("StringEquals", "StringNotEquals", TEXT, TEXT),
    "StringIgnoreCase": ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", TEXT, TEXT),
    "Like": ("StringLike", "StringNotLike", TEXT, TEXT),
    "Numeric": (
        "NumericEquals",
        "NumericNotEquals",
        st.integers(-3, 3).map(str),
        st.integers(-3, 3).map(str),
    ),
    "Date": (
        "DateEquals",
        "DateNotEquals",
        st.sampled_from(["1700000000", "2023-11-14T22:13:20Z", "2024-01-01T00:00:00+00:00"]),
        st.sampled_from(["1700000000", "2023-11-14T22:13:20Z", "2024-01-01"]),
    ),
    "Ip": (
        "IpAddress",
        "NotIpAddress",
        IPV4 | IPV6,
        st.sampled_from(["10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::/0", "192.0.2.1"]),
    ),
    "Arn": (
        "ArnLike",
        "ArnNotLike",
        st.sampled_from(["arn:aws:iam::1:role/a", "arn:aws:iam::2:user/b", "arn:aws:s3:::c"]),
        st.sampled_from(["arn:aws:iam::*:role/*", "arn:aws:iam::1:*", "arn:aws:s3:::c", "*"]),
    ),
    "ArnEquals": (
        "ArnEquals",
        "ArnNotEquals",
        st.sampled_from(["arn:aws:iam::1:role/a", "arn:aws:s3:::c"]),
        st.sampled_from(["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/*"]),
    ),
}


def condition_of(operator: str, values: list[str]) -> Any:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {KEY: values}},
            }
        ],
    }
    return parse_policy(document).statements[0].conditions[0]


@SETTINGS
@given(
    data=st.data(), family=st.sampled_from(sorted(TYPED)), suffix=st.sampled_from(["", "IfExists"])
)
def test_negated_operator_is_not_positive_when_key_present_and_well_formed(
    data: st.DataObject, family: str, suffix: str
) -> None:
    positive, negated, actual, wanted = TYPED[family]
    values = data.draw(st.lists(wanted, min_size=1, max_size=3))
    context = normalize_context({KEY: data.draw(st.lists(actual, min_size=1, max_size=3))})
    pos = evaluate_condition(condition_of(positive + suffix, values), context, variables=True)
    neg = evaluate_condition(condition_of(negated + suffix, values), context, variables=True)
    assert isinstance(pos, bool) and neg is (not pos)


@SETTINGS
@given(
    data=st.data(),
    base=st.sampled_from([b for b in _BASE_OPERATORS if b != "Null"]),
    present=st.booleans(),
)
def test_ifexists_is_the_operator_when_present_and_true_when_absent(
    data: st.DataObject, base: str, present: bool
) -> None:
    values = data.draw(st.lists(st.text(alphabet="ab1:/*.", max_size=6), min_size=1, max_size=2))
    context = normalize_context(
        {KEY: data.draw(st.lists(st.text(alphabet="ab1:/.", max_size=6), min_size=1, max_size=2))}
        if present
        else {}
    )
    plain = evaluate_condition(condition_of(base, values), context, variables=True)
    if_exists = evaluate_condition(condition_of(base + "IfExists", values), context, variables=True)
    assert if_exists is (plain if present else True)


ALL_OPERATORS = [
    f"{qualifier}{base}{suffix}"
    for base in _BASE_OPERATORS
    for qualifier in ("", "ForAllValues:", "ForAnyValue:")
    for suffix in ("", "IfExists")
    if not (base == "Null" and suffix)
]
VALUE = (
    st.text(max_size=8)
    | st.integers().map(str)
    | IPV4
    | IPV6
    | st.sampled_from(["${aws:username}", "${x:key, 'd'}", "${*}", "${?}", "${$}", "arn:aws:*"])
)


@settings(SETTINGS, max_examples=150)
@given(
    operator=st.sampled_from(ALL_OPERATORS),
    values=st.lists(VALUE | st.booleans() | st.integers(), min_size=1, max_size=3),
    context=st.none()
    | st.dictionaries(
        st.sampled_from([KEY, "aws:username", "aws:TagKeys"]),
        VALUE | st.lists(VALUE, max_size=3) | st.booleans() | st.integers(),
        max_size=3,
    ),
    effect=st.sampled_from(["Allow", "Deny"]),
)
def test_every_documented_operator_parses_and_never_raises(
    operator: str, values: list[Any], context: dict[str, Any] | None, effect: str
) -> None:
    """A valid policy (any operator, qualifier, suffix, value) never raises; with a context the
    answer is never CONDITIONAL (the context is the whole request)."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {
                "Effect": effect,
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {operator: {KEY: values}},
            },
        ],
    }
    decision = evaluate([document], "s3:GetObject", "arn:aws:s3:::b/k", context=context)
    if context is not None:
        assert decision is not Decision.CONDITIONAL
    else:
        assert decision is (Decision.CONDITIONAL if effect == "Deny" else Decision.ALLOW)


@SETTINGS
@given(
    policies=st.lists(documents(), max_size=3),
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from([r for r in RESOURCES if r is not None]),
    context=st.sampled_from([c for c in CONTEXTS if c is not None]),
)
def test_full_context_and_resource_is_never_conditional(
    policies: list[dict[str, Any]], action: str, resource: str, context: dict[str, Any]
) -> None:
    assert evaluate(policies, action, resource, context=context) is not Decision.CONDITIONAL


@SETTINGS
@given(
    policies=st.lists(documents(), min_size=1, max_size=3),
    request=requests(),
    extra=st.lists(statements(), min_size=1, max_size=3),
)
def test_an_explicit_deny_never_turns_into_allow(
    policies: list[dict[str, Any]], request: dict[str, Any], extra: list[dict[str, Any]]
) -> None:
    """Once DENY, adding any statements (Allows included) in a new policy keeps it DENY."""
    if evaluate(policies, **request) is not Decision.DENY:
        return
    grown = [*policies, {"Version": "2012-10-17", "Statement": extra}]
    assert evaluate(grown, **request) is Decision.DENY


@SETTINGS
@given(
    policies=st.lists(documents(), max_size=3),
    request=requests(),
    context=st.sampled_from([c for c in CONTEXTS if c is not None]),
)
def test_a_definite_answer_without_context_holds_in_every_context(
    policies: list[dict[str, Any]], request: dict[str, Any], context: dict[str, Any]
) -> None:
    """Three-valued soundness: ALLOW or DENY without a context stays so with any full
    context; IMPLICIT_DENY can only become DENY (a Deny that may apply, applying)."""
    request["context"] = None
    unknown = evaluate(policies, **request)
    known = evaluate(policies, **{**request, "context": context})
    if unknown in (Decision.ALLOW, Decision.DENY):
        assert known is unknown
    elif unknown is Decision.IMPLICIT_DENY:
        assert known in (Decision.IMPLICIT_DENY, Decision.DENY)
