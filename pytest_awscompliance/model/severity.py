"""Severity levels: one ordered scale shared by markers, options and reports."""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
"""Ordered from least to most severe."""

RANK: dict[str, int] = {level: index for index, level in enumerate(LEVELS)}


def parse_level(value: object) -> str:
    """Return the canonical level for ``value`` or raise ``ValueError`` naming the choices."""
    if isinstance(value, str) and value.strip().lower() in RANK:
        return value.strip().lower()
    raise ValueError(f"unknown severity {value!r}; choose one of: {', '.join(LEVELS)}")


def at_least(level: str, minimum: str) -> bool:
    """True when ``level`` is as severe as ``minimum`` or more."""
    return RANK[level] >= RANK[minimum]
