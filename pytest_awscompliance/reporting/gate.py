"""``--fail-on-severity``: which failures fail the run (the exit code policy). Pure.

Exit codes of a compliance run:

* 0: every control passed, was waived or skipped, or failed *below* ``--fail-on-severity``;
* 1: a control failed at or above ``--fail-on-severity`` (any failure without it), any
  control ERRORed (it could not look at the account), or a non-control test failed;
* 2: interrupted (Ctrl-C, collection errors);
* 3: internal error; 4: usage error (bad option, missing ``--compliance-json`` directory);
* 5: no test was collected.

Only 1 can turn into 0; every other code is kept as pytest set it.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.model.severity import RANK

OK = 0
TESTS_FAILED = 1


def blocking(results: Iterable[ControlResult], fail_on: str) -> list[ControlResult]:
    """Results that fail the run under ``fail_on``: every error, failures at or above it."""
    return [r for r in results
            if r.outcome == "error"
            or (r.outcome == "failed" and RANK.get(r.severity, len(RANK)) >= RANK[fail_on])]


def exit_status(exitstatus: int, results: Iterable[ControlResult], fail_on: str | None,
                other_failures: int = 0) -> int:
    """The run's exit status once ``--fail-on-severity`` is applied.

    ``other_failures`` counts failed reports that are not control results (ordinary tests,
    collection errors): they always fail the run. A failure of unknown severity blocks.
    """
    if fail_on is None or int(exitstatus) != TESTS_FAILED:
        return int(exitstatus)
    if other_failures or blocking(results, fail_on):
        return TESTS_FAILED
    return OK
