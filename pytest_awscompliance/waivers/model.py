"""The ``Waiver`` record: one accepted risk, as validated from the waiver file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


def one_line(text: str) -> str:
    """Whitespace runs (newlines of a folded YAML block too) become one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Waiver:
    """An accepted failure of one control (id or glob), optionally narrowed by globs.

    ``account``, ``region`` and ``resource`` are globs; ``None`` means "any". ``expires`` is
    the last day the waiver applies (it is expired from the next day on); it is ``None``
    only for a ``permanent`` waiver.
    """

    index: int
    control: str
    justification: str
    owner: str
    expires: date | None = None
    permanent: bool = False
    account: str | None = None
    region: str | None = None
    resource: str | None = None
    ticket: str | None = None
    source: str = ""
    line: int | None = None  # 1-based line of the entry in its file (None if unknown)

    @property
    def label(self) -> str:
        """``waiver #3``: how messages name it (1-based, in file order)."""
        return f"waiver #{self.index}"

    @property
    def where(self) -> str:
        """``waivers.yaml:12``: the file (its name) and line of the entry."""
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1] or "<waivers>"
        return f"{name}:{self.line}" if self.line else name

    @property
    def scope(self) -> tuple[str, str, str, str]:
        """What it covers: (control, account, region, resource), ``"*"`` for an absent glob."""
        return (self.control, self.account or "*", self.region or "*", self.resource or "*")

    def is_expired(self, today: date) -> bool:
        return not self.permanent and self.expires is not None and self.expires < today

    def days_left(self, today: date) -> int | None:
        """Days until ``expires`` (0 on its last day, negative once expired); None if permanent."""
        return None if self.expires is None else (self.expires - today).days

    def expires_within(self, today: date, days: int) -> bool:
        """Live now, but not after ``days`` more days."""
        left = self.days_left(today)
        return left is not None and 0 <= left <= days

    def terms(self) -> str:
        """``owner alice, expires 2027-01-31, ticket SEC-12``."""
        parts = [f"owner {one_line(self.owner)}",
                 "permanent" if self.permanent else f"expires {self.expires}"]
        if self.ticket:
            parts.append(f"ticket {one_line(self.ticket)}")
        return ", ".join(parts)

    def reason(self) -> str:
        """The xfail reason, JUnit ``<skipped message>`` and report text: starts ``waived:``."""
        return f"waived: {one_line(self.justification)} ({self.terms()})"

    def to_dict(self) -> dict[str, Any]:
        """Plain builtins only (str, int, bool, None), so it survives xdist and JSON."""
        return {
            "control": self.control,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat() if self.expires else None,
            "ticket": self.ticket,
            "permanent": self.permanent,
            "account": self.account,
            "region": self.region,
            "resource": self.resource,
            "index": self.index,
            "source": self.source,
            "line": self.line,
        }
