"""Which waiver covers a result: ``fnmatch.fnmatchcase`` globs on four fields.

Semantics, the same for ``control``, ``account``, ``region`` and ``resource``:

* case-sensitive (ARNs and ids are);
* ``*`` matches any run of characters, **including** ``/`` and ``:``, so
  ``arn:aws:iam::*:role/*`` covers every role of every account, whatever its path;
* ``?`` matches one character, ``[abc]`` / ``[!abc]`` one character of (not of) a set;
  a literal ``[`` is written ``[[]``;
* an absent field matches anything;
* the whole value must match (``prod-*`` does not match ``my-prod-logs``).

A result may match several waivers: the first live one in file order applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase

from pytest_awscompliance.waivers.model import Waiver

GLOB_CHARS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    return any(c in GLOB_CHARS for c in pattern)


def field_matches(pattern: str | None, value: str) -> bool:
    """True when ``pattern`` is absent or the glob matches all of ``value``."""
    return pattern is None or fnmatchcase(value, pattern)


def in_scope(waiver: Waiver, *, control: str, account: str, region: str) -> bool:
    """Whether a result of ``control`` on ``account``/``region`` lies in the waiver's scope
    (what a scan must look at to judge it), whatever its resource and expiry."""
    return (field_matches(waiver.control, control)
            and field_matches(waiver.account, account)
            and field_matches(waiver.region, region))


def covers(waiver: Waiver, *, control: str, account: str, region: str, resource: str) -> bool:
    """Whether ``waiver`` covers this result, whatever its expiry."""
    return (in_scope(waiver, control=control, account=account, region=region)
            and field_matches(waiver.resource, resource))


@dataclass(frozen=True)
class Match:
    """The live waiver that applies, else the first expired one that would have."""

    live: Waiver | None = None
    expired: Waiver | None = None


def find(waivers: Iterable[Waiver], today: date, *, control: str, account: str, region: str,
         resource: str) -> Match:
    """The first live waiver covering the result; else the first expired one (not applied)."""
    expired: Waiver | None = None
    for waiver in waivers:
        if not covers(waiver, control=control, account=account, region=region,
                      resource=resource):
            continue
        if not waiver.is_expired(today):
            return Match(live=waiver)
        expired = expired or waiver
    return Match(expired=expired)


def matches_any(pattern: str, names: Iterable[str]) -> bool:
    """Whether a control glob (or id) names at least one of ``names``."""
    return any(fnmatchcase(name, pattern) for name in names)
