"""Which waivers are stale: judged per waiver on the results of a whole run. Pure (no pytest).

A waiver's *scope* is its ``control``, ``account`` and ``region`` globs; its ``resource`` glob
narrows what it covers, not where a scan must look (a waived bucket that was deleted leaves
a stale waiver). A live waiver is **judged** only when the run looked at all of its scope:

* the run finished (not stopped early by ``-x``/``--maxfail`` or an interruption);
* no collected result in its scope was deselected (``-k``, ``-m``, ``--severity-min``,
  ``--aws-framework``, ``--lf``, ``--deselect``...): the left-out part may hold its failure;
* in a sharded run (``--aws-shard K/N``, N > 1), its ``account`` is a literal id (a glob or
  an absent account may cover accounts of the other shards);
* at least one result in its scope decided (passed, failed or waived) and none ERRORed (a
  control that could not look may hide the failure the waiver is for); skipped results
  neither count nor prevent judging.

A judged waiver is **stale** when it covers no failing result (failed or waived, whichever
waiver of the file absorbed it): the accepted risk is gone and the waiver should be removed.
Expired waivers are never stale (they are listed as expired).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.waivers.match import covers, in_scope, is_glob
from pytest_awscompliance.waivers.model import Waiver

DECIDED = frozenset({"passed", "failed", "waived"})
FAILING = frozenset({"failed", "waived"})


@dataclass(frozen=True)
class Stale:
    """A judged waiver that covered no failing result among ``scanned`` results."""

    waiver: Waiver
    scanned: int

    @property
    def reason(self) -> str:
        return (f"stale waiver: {self.waiver.label} ({self.waiver.where}) {self.waiver.control}"
                f" covered no failing result among {self.scanned} result(s) scanned in its "
                f"scope; remove it ({self.waiver.terms()})")


def judge(waivers: Iterable[Waiver], today: date, results: Iterable[ControlResult], *,
          partly_deselected: Collection[int] = (), sharded: bool = False) -> list[Stale]:
    """The stale waivers among ``waivers``, in file order (see the module docstring).

    ``results`` are every control result of a finished run; ``partly_deselected`` the
    indices of waivers with a deselected result in their scope.
    """
    found = list(results)
    stale = []
    for waiver in waivers:
        if waiver.is_expired(today) or waiver.index in partly_deselected:
            continue
        if sharded and (waiver.account is None or is_glob(waiver.account)):
            continue
        scope = [r for r in found if in_scope(waiver, control=r.control_id, account=r.account,
                                              region=r.region)]
        decided = [r for r in scope if r.outcome in DECIDED]
        if not decided or any(r.outcome == "error" for r in scope):
            continue
        if not any(r.outcome in FAILING and covers(waiver, control=r.control_id,
                                                   account=r.account, region=r.region,
                                                   resource=r.resource) for r in decided):
            stale.append(Stale(waiver, len(decided)))
    return stale
