"""Three-valued evaluation of IAM Condition blocks.

Every function returns ``True`` (condition holds), ``False`` (it does not) or
``None`` (unknown: the request context does not say). Semantics (IAM User Guide,
"IAM JSON policy elements: Condition operators" and "Policy variables"):

* Operators, keys and values inside one block are combined with AND; the
  values listed for one key are combined with OR.
* Keys are case-insensitive, values case-sensitive unless ``...IgnoreCase``;
  ``Bool`` compares the strings ``"true"``/``"false"`` case-insensitively.
* ``context=None`` means nothing is known about the request: any non-empty
  block is unknown.
* A context (``{}`` included) is the *full* request context, so the result is
  never unknown. A key absent from it (or with an empty value): ``...IfExists``
  true; ``ForAllValues:`` true (vacuous); ``ForAnyValue:`` false; otherwise a
  negated operator (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``, ...)
  true and a positive one false. ``Null`` (with or without a qualifier) tests
  presence.
* A policy variable the context cannot resolve has no value: it equals and
  is like nothing (a positive operator does not match, a negated one does).
* A context value that is malformed for the operator's type (a non-number
  under ``Numeric*``, a non-date under ``Date*``, a non-ARN under ``Arn*``, a
  non-address under ``*IpAddress``) matches neither the operator nor its
  negation.
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


@lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _in_network(address: str, cidr: str) -> bool:
    network, parsed = _network(cidr), _address(address)
    return network is not None and parsed is not None and parsed in network


def _is_arn(text: str) -> bool:
    return text.startswith("arn:") and text.count(":") >= 5


def _well_formed(base: str, actual: str) -> bool:
    """Is a context value of the type the (positive) operator ``base`` compares?"""
    if base.startswith("Numeric"):
        return _number(actual) is not None
    if base.startswith("Date"):
        return _date(actual) is not None
    if base.startswith("Arn"):
        return _is_arn(actual)
    if base == "IpAddress":
        return _address(actual) is not None
    return True


def _compare(base: str, actual: str, expected: str, context: Context, variables: bool) -> bool:
    """Does one context value satisfy one policy value under a positive operator?

    An unresolvable policy variable in ``expected`` has no value and matches nothing.
    """
    if base.startswith("String"):
        if base == "StringLike":
            return bool(like_matches(expected, actual, context, variables=variables))
        wanted = substitute(expected, context, variables=variables)
        if wanted is None:
            return False
        if base == "StringEqualsIgnoreCase":
            return actual.lower() == wanted.lower()
        return actual == wanted
    if base.startswith("Arn"):
        return _is_arn(actual) and bool(
            resource_matches(expected, actual, context, variables=variables)
        )
    if base.startswith(("Numeric", "Date")):
        numeric = base.startswith("Numeric")
        wanted = substitute(expected, context, variables=variables)
        if wanted is None:
            return False
        parse = _number if numeric else _date
        left, right = parse(actual), parse(wanted)
        if left is None or right is None:
            return False
        return _ORDER[base[7:] if numeric else base[4:]](left, right)
    if base == "Bool":
        wanted = substitute(expected, context, variables=variables)
        return wanted is not None and actual.lower() == wanted.lower()
    if base == "IpAddress":
        return _in_network(actual, expected)
    return actual == expected  # BinaryEquals


def evaluate_condition(condition: Condition, context: Context | None, *, variables: bool) -> Tri:
    """Evaluate one operator/key pair against a normalised context.

    ``None`` only when ``context`` is ``None`` (nothing known about the request).
    """
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
        return negated
    base = _POSITIVE.get(condition.base, condition.base)
    wants = condition.values

    def single(value: str) -> bool:
        if negated and not _well_formed(base, value):
            return False
        hit = any(_compare(base, value, want, context, variables) for want in wants)
        return not hit if negated else hit

    if condition.qualifier == "ForAllValues" or (negated and not condition.qualifier):
        return all(single(value) for value in actual)
    return any(single(value) for value in actual)


def evaluate_conditions(
    conditions: Iterable[Condition], context: Context | None, *, variables: bool = True
) -> Tri:
    """AND of all conditions of one statement (an empty block is True)."""
    return and3(evaluate_condition(c, context, variables=variables) for c in conditions)
