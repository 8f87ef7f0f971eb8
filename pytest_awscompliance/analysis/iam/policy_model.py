"""The parsed forms of IAM policy documents: `Policy`, `Statement`, `Condition`,
`Principal`, and `PolicyError` for a document AWS would reject (see `policy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "VERSION_2008",
    "VERSION_2012",
    "Condition",
    "Policy",
    "PolicyError",
    "Principal",
    "Statement",
]

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


class PolicyError(ValueError):
    """An IAM policy document that AWS would reject.

    The message is one line and self-explaining: it names the statement (its
    1-based index, and its Sid when it has one) and the construct at fault, for
    example ``statement 2 (Sid 'Admins'): unknown condition operator 'StringEqualz'``.
    It does not name the policy (the parser does not know it): a caller that
    catches it must add the policy's name and fail closed (an ERROR), never
    treat the document as granting nothing (`naming` builds the caller's error).
    """

    def naming(self, policy: str) -> PolicyError:
        """The same error with the unreadable policy named first, e.g. for a control's ERROR:
        ``inline policy 'ops' of user/alice cannot be read: statement 2: ...``."""
        return PolicyError(f"{policy} cannot be read: {self}")


@dataclass(frozen=True)
class Principal:
    """One principal entry: ``kind`` is ``"*"``, AWS, Service, Federated or CanonicalUser."""

    kind: str
    values: tuple[str, ...]

    @property
    def is_wildcard(self) -> bool:
        """True for ``"*"`` and for a ``"*"`` value of any principal type."""
        return self.kind == "*" or "*" in self.values


@dataclass(frozen=True)
class Condition:
    """One ``operator → key → values`` triple of a Condition block.

    ``base`` is the canonical operator (``StringLike``), ``qualifier`` is
    ``""``, ``"ForAllValues"`` or ``"ForAnyValue"``, ``key`` is lower-cased.
    """

    operator: str
    base: str
    qualifier: str
    if_exists: bool
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """A validated statement; absent elements are ``None`` (Condition: empty)."""

    effect: str
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principals: tuple[Principal, ...] | None = None
    not_principals: tuple[Principal, ...] | None = None
    conditions: tuple[Condition, ...] = ()

    @property
    def is_allow(self) -> bool:
        """True for ``Effect: Allow``."""
        return self.effect == "Allow"


@dataclass(frozen=True)
class Policy:
    """A parsed policy document.

    ``uses_variables`` is False for ``Version: 2008-10-17`` (and a missing
    Version, which AWS treats as 2008-10-17): ``${...}`` are then literals.
    """

    statements: tuple[Statement, ...]
    version: str = VERSION_2012
    id: str | None = None
    kind: str = "identity"
    # Per-object scratch space for the evaluator's compiled form.
    _cache: dict[str, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @property
    def uses_variables(self) -> bool:
        """Whether ``${...}`` policy variables are substituted."""
        return self.version == VERSION_2012

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the evaluator's compiled form (it holds closures)."""
        return {**self.__dict__, "_cache": {}}
