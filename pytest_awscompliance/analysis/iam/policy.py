"""Parse and validate IAM policy documents into immutable objects.

`parse_policy` accepts the shapes AWS accepts (a dict, a JSON string as returned
by S3/ECR/Organizations/SNS/SQS, or a URL-encoded JSON string as returned by the
raw IAM API) and normalises them: ``Statement`` becomes a tuple, every
string-or-list element becomes a tuple of strings, condition keys are
lower-cased and condition values become strings (``true`` → ``"true"``).
Anything AWS would reject raises `PolicyError` with a one-line message; no
other exception type ever escapes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from .policy_model import (
    VERSION_2008,
    VERSION_2012,
    Condition,
    Policy,
    PolicyError,
    Principal,
    Statement,
)

__all__ = [
    "VERSION_2008",
    "VERSION_2012",
    "Condition",
    "Policy",
    "PolicyError",
    "Principal",
    "Statement",
    "parse_policy",
]


#: Policy kinds and whether their statements need / may carry a Principal.
_KINDS: dict[str, str] = {
    "identity": "forbidden",
    "boundary": "forbidden",
    "session": "forbidden",
    "scp": "forbidden",
    "resource": "required",
    "trust": "required",
}
_TOP_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")

_BASE_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnNotEquals",
    "ArnLike",
    "ArnNotLike",
    "Null",
)
_OPERATOR_BY_LOWER = {name.lower(): name for name in _BASE_OPERATORS}
_QUALIFIERS = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}



def parse_policy(doc: Mapping[str, Any] | str | bytes, *, kind: str = "identity") -> Policy:
    """Parse ``doc`` (dict, JSON string or bytes) into a `Policy`.

    ``kind`` is one of identity, boundary, session, scp (no Principal allowed),
    resource, trust (Principal or NotPrincipal required, Resource optional).
    Raises `PolicyError` for anything invalid; nothing else.
    """
    if kind not in _KINDS:
        raise PolicyError(f"unknown policy kind {kind!r}; expected one of {sorted(_KINDS)}")
    try:
        return _parse_document(_load(doc), kind)
    except PolicyError:
        raise
    except (RecursionError, MemoryError):
        raise PolicyError("policy document is nested too deeply") from None
    except Exception as exc:  # safety net: the contract is "only PolicyError"
        raise PolicyError(f"invalid policy document ({type(exc).__name__})") from None


def _load(doc: Any) -> Any:
    if isinstance(doc, (bytes, bytearray)):
        try:
            doc = doc.decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError("policy document is not valid UTF-8") from None
    if isinstance(doc, str):
        text = doc.strip()
        if text[:3].upper() == "%7B":
            text = unquote(text)
        try:
            return json.loads(text)
        except ValueError as exc:
            msg = getattr(exc, "msg", "invalid JSON")
            raise PolicyError(f"policy document is not valid JSON: {msg}") from None
    return doc


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_document(doc: Any, kind: str) -> Policy:
    if not isinstance(doc, Mapping):
        raise PolicyError(f"policy document must be a JSON object, got {type(doc).__name__}")
    for key in doc:
        if key not in _TOP_KEYS:
            raise PolicyError(f"unknown top-level element {_short(key)}")
    version = doc.get("Version", VERSION_2008)
    if version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(f"Version must be 2012-10-17 or 2008-10-17, got {_short(version)}")
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(f"Id must be a string, got {_short(policy_id)}")
    if "Statement" not in doc:
        raise PolicyError("policy document has no Statement")
    raw = doc["Statement"]
    if isinstance(raw, Mapping):
        raw = [raw]
    elif not isinstance(raw, (list, tuple)):
        raise PolicyError(f"Statement must be an object or a list, got {_short(raw)}")
    statements = tuple(_parse_statement(st, i, kind) for i, st in enumerate(raw, 1))
    return Policy(statements=statements, version=version, id=policy_id, kind=kind)


def _where(raw: Any, index: int) -> str:
    """``statement 2`` or ``statement 2 (Sid "ReadOnly")``: how a message names a statement."""
    sid = raw.get("Sid") if isinstance(raw, Mapping) else None
    if isinstance(sid, str) and sid:
        return f"statement {index} (Sid {_short(sid)})"
    return f"statement {index}"


def _parse_statement(raw: Any, index: int, kind: str) -> Statement:
    where = _where(raw, index)
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: must be an object, got {_short(raw)}")
    for key in raw:
        if key not in _STATEMENT_KEYS:
            raise PolicyError(f"{where}: unknown element {_short(key)}")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}: Sid must be a string, got {_short(sid)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{where}: Effect must be Allow or Deny, got {_short(effect)}")

    actions = _strings(raw, "Action", where)
    not_actions = _strings(raw, "NotAction", where)
    if (actions is None) == (not_actions is None):
        raise PolicyError(f"{where}: exactly one of Action or NotAction is required")
    for action in actions or not_actions or ():
        if action != "*" and ":" not in action:
            raise PolicyError(f"{where}: action {_short(action)} must look like 'service:name'")

    resources = _strings(raw, "Resource", where)
    not_resources = _strings(raw, "NotResource", where)
    if resources is not None and not_resources is not None:
        raise PolicyError(f"{where}: Resource and NotResource are mutually exclusive")
    principal_rule = _KINDS[kind]
    resource_required = principal_rule == "forbidden" and kind != "scp"
    if resource_required and resources is None and not_resources is None:
        raise PolicyError(f"{where}: exactly one of Resource or NotResource is required")

    principals = _principals(raw, "Principal", where)
    not_principals = _principals(raw, "NotPrincipal", where)
    if principal_rule == "forbidden":
        if principals is not None or not_principals is not None:
            raise PolicyError(f"{where}: Principal is not allowed in a {kind} policy")
    elif (principals is None) == (not_principals is None):
        raise PolicyError(f"{where}: exactly one of Principal or NotPrincipal is required")

    return Statement(
        effect=effect,
        sid=sid,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principals=principals,
        not_principals=not_principals,
        conditions=_conditions(raw.get("Condition"), where),
    )


def _strings(raw: Mapping[str, Any], name: str, where: str) -> tuple[str, ...] | None:
    if name not in raw:
        return None
    return _string_list(raw[name], f"{where}: {name}")


def _string_list(value: Any, what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise PolicyError(f"{what} must be a string or a list of strings, got {_short(value)}")
    if not items:
        raise PolicyError(f"{what} must not be empty")
    for item in items:
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{what} must contain non-empty strings, got {_short(item)}")
    return tuple(items)


def _principals(raw: Mapping[str, Any], name: str, where: str) -> tuple[Principal, ...] | None:
    if name not in raw:
        return None
    value = raw[name]
    if value == "*":
        return (Principal("*", ("*",)),)
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(f'{where}: {name} must be "*" or a non-empty object, got {_short(value)}')
    result = []
    for ptype, pvalues in value.items():
        if ptype not in _PRINCIPAL_TYPES:
            raise PolicyError(
                f"{where}: {name} type must be one of {', '.join(_PRINCIPAL_TYPES)}, "
                f"got {_short(ptype)}"
            )
        result.append(Principal(ptype, _string_list(pvalues, f"{where}: {name}.{ptype}")))
    return tuple(result)


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: Condition must be an object, got {_short(raw)}")
    result = []
    for operator, block in raw.items():
        base, qualifier, if_exists = _operator(operator, where)
        if not isinstance(block, Mapping):
            raise PolicyError(
                f"{where}: Condition {operator} must map keys to values, got {_short(block)}"
            )
        for key, values in block.items():
            if not isinstance(key, str) or not key:
                raise PolicyError(f"{where}: condition key must be a string, got {_short(key)}")
            result.append(
                Condition(
                    operator=f"{qualifier + ':' if qualifier else ''}{base}"
                    f"{'IfExists' if if_exists else ''}",
                    base=base,
                    qualifier=qualifier,
                    if_exists=if_exists,
                    key=key.lower(),
                    values=_condition_values(values, f"{where}: Condition {operator} {key!r}"),
                )
            )
    return tuple(result)


def _operator(operator: Any, where: str) -> tuple[str, str, bool]:
    if not isinstance(operator, str):
        raise PolicyError(f"{where}: condition operator must be a string, got {_short(operator)}")
    name, qualifier = operator, ""
    head, sep, tail = operator.partition(":")
    if sep:
        if head.lower() not in _QUALIFIERS:
            raise PolicyError(f"{where}: unknown condition operator {_short(operator)}")
        qualifier, name = _QUALIFIERS[head.lower()], tail
    if_exists = name.lower().endswith("ifexists")
    if if_exists:
        name = name[: -len("IfExists")]
    base = _OPERATOR_BY_LOWER.get(name.lower())
    if base is None or (base == "Null" and if_exists):
        raise PolicyError(f"{where}: unknown condition operator {_short(operator)}")
    return base, qualifier, if_exists


def _condition_values(value: Any, what: str) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise PolicyError(f"{what} must not be empty")
    result = []
    for item in items:
        if isinstance(item, bool):
            result.append("true" if item else "false")
        elif isinstance(item, str):
            result.append(item)
        elif isinstance(item, (int, float)):
            result.append(repr(item))
        else:
            raise PolicyError(f"{what} values must be strings, numbers or booleans")
    return tuple(result)
