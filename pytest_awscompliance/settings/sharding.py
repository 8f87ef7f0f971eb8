"""``--aws-shard K/N``: a deterministic split of the target accounts for CI matrix jobs.

An account belongs to shard ``sha256(account id) mod N``, so adding an account to the
organization never moves the others between shards.
"""

from __future__ import annotations

import hashlib
import re

SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(value: str) -> tuple[int, int]:
    """``"2/5"`` -> ``(2, 5)``; raise ``ValueError`` with a readable message otherwise."""
    match = SHARD.match(value.strip())
    if not match:
        raise ValueError(f"--aws-shard: {value!r} is not K/N (e.g. 1/4)")
    index, count = int(match[1]), int(match[2])
    if not 1 <= index <= count:
        raise ValueError(f"--aws-shard: {value!r} needs 1 <= K <= N")
    return index, count


def shard_of(account_id: str, count: int) -> int:
    """The 1-based shard an account belongs to among ``count`` shards."""
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(account_id: str, index: int, count: int) -> bool:
    return shard_of(account_id, count) == index
