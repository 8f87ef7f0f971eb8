"""Three-valued evaluation of IAM Condition blocks.

Every function returns ``True`` (condition holds), ``False`` (it does not) or
``None`` (unknown: the request context does not say). Semantics:

* Operators, keys and values inside one block are combined with AND; the
  values listed for one key are combined with OR.
* Keys are case-insensitive, values case-sensitive unless ``...IgnoreCase``;
  ``Bool`` compares the strings ``"true"``/``"false"`` case-insensitively.
* ``context=None`` means nothing is known about the request: any non-empty
  block is unknown.
* With a context, a key absent from it is decided by the operator's
  missing-key semantics when it has one — ``...IfExists``: true; negated
  operators (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``, ...):
  true; ``ForAllValues:``: true (vacuous); ``ForAnyValue:``: false; ``Null``
  tests presence — and is unknown otherwise.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from .matching import Context, like_matches, resource_matches, substitute
from .policy import Condition

__all__ = ["Tri", "and3", "evaluate_condition", "evaluate_conditions", "not3", "or3"]

#: Three-valued truth: True, False or None (unknown).
Tri = bool | None

_POSITIVE = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
}
_ORDER = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}


def and3(values: Iterable[Tri]) -> Tri:
    """Kleene AND: False if any is False, else None if any is None, else True."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def or3(values: Iterable[Tri]) -> Tri:
    """Kleene OR: True if any is True, else None if any is None, else False."""
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def not3(value: Tri) -> Tri:
    """Kleene NOT (unknown stays unknown)."""
    return None if value is None else not value


@lru_cache(maxsize=4096)
def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _date(text: str) -> float | None:
    """Epoch seconds for an ISO 8601 date/time or an epoch number; None if invalid."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    except (ValueError, OverflowError, OSError):
        return None


@lru_cache(maxsize=1024)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _in_network(address: str, cidr: str) -> bool:
    network = _network(cidr)
    if network is None:
        return False
    try:
        return ipaddress.ip_address(address.strip()) in network
    except ValueError:
        return False


def _compare(base: str, actual: str, expected: str, context: Context, variables: bool) -> Tri:
    """Does one context value satisfy one policy value under a positive operator?"""
    if base.startswith("String"):
        if base == "StringLike":
            return like_matches(expected, actual, context, variables=variables)
        wanted = substitute(expected, context, variables=variables)
        if wanted is None:
            return None
        if base == "StringEqualsIgnoreCase":
            return actual.lower() == wanted.lower()
        return actual == wanted
    if base.startswith("Arn"):
        return resource_matches(expected, actual, context, variables=variables)
    if base.startswith(("Numeric", "Date")):
        parse = _number if base.startswith("Numeric") else _date
        left, right = parse(actual), parse(expected)
        if left is None or right is None:
            return False
        return _ORDER[base[7:] if base.startswith("Numeric") else base[4:]](left, right)
    if base == "Bool":
        return actual.lower() == expected.lower()
    if base == "IpAddress":
        return _in_network(actual, expected)
    return actual == expected  # BinaryEquals


def evaluate_condition(condition: Condition, context: Context | None, *, variables: bool) -> Tri:
    """Evaluate one operator/key pair against a normalised context."""
    if context is None:
        return None
    actual = context.get(condition.key)
    if condition.base == "Null":
        absent = not actual
        return any((value.lower() == "true") == absent for value in condition.values)
    negated = condition.base in _POSITIVE
    if not actual:
        if condition.if_exists or condition.qualifier == "ForAllValues":
            return True
        if condition.qualifier == "ForAnyValue":
            return False
        if negated:
            return True
        return None if actual is None else False
    base = _POSITIVE.get(condition.base, condition.base)

    def single(value: str) -> Tri:
        hit = or3(_compare(base, value, want, context, variables) for want in condition.values)
        return not3(hit) if negated else hit

    if condition.qualifier == "ForAllValues" or (negated and not condition.qualifier):
        return and3(single(value) for value in actual)
    return or3(single(value) for value in actual)


def evaluate_conditions(
    conditions: Iterable[Condition], context: Context | None, *, variables: bool = True
) -> Tri:
    """AND of all conditions of one statement (an empty block is True)."""
    return and3(evaluate_condition(c, context, variables=variables) for c in conditions)
