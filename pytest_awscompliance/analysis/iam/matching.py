"""Glob matching of IAM actions and resource ARNs, with policy variables.

Actions are matched case-insensitively; ``*`` matches any run of characters,
``?`` exactly one, and ``"*"`` / ``"*:*"`` match every action. Resources are
matched case-sensitively: in an ARN pattern a wildcard stays inside its
``:``-separated segment, except in the sixth (resource) segment and for a
trailing ``*``, which may run past ``:``; ``*`` always spans ``/``.

Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``,
``${key, 'default'}`` and the escapes ``${*}``, ``${?}``, ``${$}``) are
substituted from a request context as literals. A variable the context cannot
resolve makes the match *unknown* (``None``); the evaluator reads that as "no value,
matches nothing" when a (full) context was given. Compiled patterns are cached with
`functools.lru_cache`, so no regular expression is compiled per call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

__all__ = [
    "Context",
    "action_matcher",
    "action_matches",
    "like_matches",
    "normalize_context",
    "resource_matches",
    "substitute",
]

#: A normalised request context: lower-cased keys, tuples of string values.
Context = Mapping[str, tuple[str, ...]]

_Segment = tuple[str, bool]  # (text, whether * and ? in it are wildcards)
_Part = tuple[str, str, str | None]  # ("glob" | "lit" | "var", text or key, default)
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_MATCH_ALL = frozenset({"*", "*:*"})


def _always(_: str) -> bool:
    return True


def normalize_context(context: Mapping[Any, Any] | None) -> dict[str, tuple[str, ...]] | None:
    """Lower-case the keys and turn every value into a tuple of strings.

    Booleans become ``"true"``/``"false"``, numbers and datetimes their text,
    lists/sets one string per item; keys whose value is ``None`` are dropped
    (absent). ``None`` stays ``None`` (= nothing is known about the request).
    """
    if context is None:
        return None
    result: dict[str, tuple[str, ...]] = {}
    for key, value in context.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            result[str(key).lower()] = tuple(_scalar(item) for item in value)
        else:
            result[str(key).lower()] = (_scalar(value),)
    return result


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _glob_tokens(pattern: str) -> list[str]:
    """Regex tokens for a plain glob: ``*`` → ``.*``, ``?`` → ``.``, rest escaped."""
    out: list[str] = []
    for char in pattern:
        if char == "*":
            if not out or out[-1] != ".*":
                out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(re.escape(char))
    return out


def _glob_regex(pattern: str) -> str:
    """Regex source for a plain glob: ``*`` → ``.*``, ``?`` → ``.``, rest escaped."""
    return "".join(_glob_tokens(pattern))


_STARS = (".*", "[^:]*")
_MAX_REGEX_STARS = 2


def _matcher(tokens: list[str]) -> Callable[[str], bool]:
    """Full-match predicate for a glob compiled to regex ``tokens`` (``.*``, ``[^:]*``,
    ``.``, ``[^:]`` or one escaped literal character each).

    With up to two stars, a regular expression. With more, a bit-parallel NFA, linear in the
    length of the value: a backtracking regex takes exponential time on a hostile pattern
    such as ``*a*a*a*a*a*a*a*a*b`` (a policy is attacker-controlled data).
    """
    if sum(token in _STARS for token in tokens) <= _MAX_REGEX_STARS:
        regex = re.compile("".join(tokens), re.DOTALL)
        return lambda value: regex.fullmatch(value) is not None
    return _nfa(tokens)


def _nfa(tokens: list[str]) -> Callable[[str], bool]:
    """Bit ``i`` of the state set: token ``i`` is next; bit ``len(tokens)``: matched."""
    star = star_no_colon = one = one_no_colon = 0
    literals: dict[str, int] = {}
    for index, token in enumerate(tokens):
        bit = 1 << index
        if token == ".*":
            star |= bit
        elif token == "[^:]*":
            star_no_colon |= bit
        elif token == ".":
            one |= bit
        elif token == "[^:]":
            one_no_colon |= bit
        else:
            char = token[1] if len(token) == 2 and token[0] == "\\" else token
            literals[char] = literals.get(char, 0) | bit
    stars = star | star_no_colon
    accept = 1 << len(tokens)

    def closure(states: int) -> int:  # a star may match nothing
        while (grown := states | ((states & stars) << 1)) != states:
            states = grown
        return states

    start = closure(1)

    def match(value: str) -> bool:
        states = start
        for char in value:
            if char == ":":
                advance, stay = literals.get(char, 0) | one, star
            else:
                advance, stay = literals.get(char, 0) | one | one_no_colon, stars
            states = ((states & advance) << 1) | (states & stay)
            if not states:
                return False
            states = closure(states)
        return bool(states & accept)

    return match


@lru_cache(maxsize=8192)
def action_matcher(pattern: str) -> Callable[[str], bool]:
    """Return a predicate that tests a **lower-cased** action against ``pattern``."""
    lowered = pattern.lower()
    if lowered in _MATCH_ALL:
        return _always
    if "*" not in lowered and "?" not in lowered:
        return lowered.__eq__
    return _matcher(_glob_tokens(lowered))


def action_matches(pattern: str, action: str) -> bool:
    """Whether the IAM action glob ``pattern`` matches ``action`` (case-insensitive)."""
    return action_matcher(pattern)(action.lower())


@lru_cache(maxsize=8192)
def _parts(pattern: str, variables: bool) -> tuple[_Part, ...]:
    """Split ``pattern`` into glob text, literal escapes and variable references."""
    if not variables or "${" not in pattern:
        return (("glob", pattern, None),)
    parts: list[_Part] = []
    position = 0
    for match in _VARIABLE.finditer(pattern):
        if match.start() > position:
            parts.append(("glob", pattern[position : match.start()], None))
        inner = match.group(1).strip()
        if inner in ("*", "?", "$"):
            parts.append(("lit", inner, None))
        else:
            name, _, default = inner.partition(",")
            default = default.strip()
            quoted = len(default) >= 2 and default[0] == default[-1] == "'"
            parts.append(("var", name.strip().lower(), default[1:-1] if quoted else None))
        position = match.end()
    if position < len(pattern):
        parts.append(("glob", pattern[position:], None))
    return tuple(parts)


def _resolve(parts: Iterable[_Part], context: Context | None) -> tuple[_Segment, ...] | None:
    """Substitute variables; ``None`` if one cannot be resolved."""
    segments: list[_Segment] = []
    for kind, text, default in parts:
        if kind == "var":
            values = context.get(text) if context is not None else None
            if values is not None and len(values) == 1:
                segments.append((values[0], False))
            elif default is not None:
                segments.append((default, False))
            else:
                return None
        else:
            segments.append((text, kind == "glob"))
    return tuple(segments)


@lru_cache(maxsize=8192)
def _compile(segments: tuple[_Segment, ...], arn_aware: bool) -> Callable[[str], bool]:
    chars = [(char, glob and char in "*?") for text, glob in segments for char in text]
    literal = "".join(char for char, _ in chars)
    if not any(wild for _, wild in chars):
        return literal.__eq__
    arn = arn_aware and literal.startswith("arn:")
    last_fixed = max((i for i, (c, wild) in enumerate(chars) if not wild or c != "*"), default=-1)
    out: list[str] = []
    colons = 0
    for index, (char, wild) in enumerate(chars):
        free = not arn or colons >= 5
        if wild and char == "*":
            token = ".*" if free or index > last_fixed else "[^:]*"
            if not out or out[-1] != token:
                out.append(token)
        elif wild:
            out.append("." if free else "[^:]")
        else:
            out.append(re.escape(char))
            colons += char == ":"
    return _matcher(out)


def _match(
    pattern: str, value: str, context: Context | None, variables: bool, arn_aware: bool
) -> bool | None:
    segments = _resolve(_parts(pattern, variables), context)
    if segments is None:
        return None
    return _compile(segments, arn_aware)(value)


def resource_matches(
    pattern: str, resource: str, context: Context | None = None, *, variables: bool = True
) -> bool | None:
    """Match a resource (or ARN condition value) against an ARN glob, case-sensitively.

    Returns ``None`` when a policy variable in ``pattern`` cannot be resolved
    from ``context`` (a normalised context, see `normalize_context`).
    ``variables=False`` treats ``${...}`` literally (``Version: 2008-10-17``).
    """
    if pattern == "*":
        return True
    return _match(pattern, resource, context, variables, True)


def like_matches(
    pattern: str, value: str, context: Context | None = None, *, variables: bool = True
) -> bool | None:
    """``StringLike`` semantics: case-sensitive glob where ``*`` spans anything."""
    return _match(pattern, value, context, variables, False)


def substitute(text: str, context: Context | None, *, variables: bool = True) -> str | None:
    """Replace policy variables in ``text`` (wildcards stay literal); ``None`` if unresolved."""
    segments = _resolve(_parts(text, variables), context)
    return None if segments is None else "".join(segment for segment, _ in segments)
