"""pytest-html's results table: the compliance columns, their cells, and the cut of a
large table (see ``html.py``).

Severity sorts by rank: pytest-html sorts a column by the cell's inner HTML (plain string
comparison, ascending on the first click), so each severity cell starts with a hidden key:
the outcome group (0 failed or error, 1 waived, 2 the rest), then the rank (0 = critical ...
4 = info); ``9`` for a test that is not a control. Every value is escaped here.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping, Sequence
from html import escape
from typing import Any

from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.results import is_waived, properties_of, result_of
from pytest_awscompliance.model.severity import RANK

SORT_RANK = {level: 4 - rank for level, rank in RANK.items()}  # critical 0 ... info 4
NO_RANK = 9
GROUP = {"failed": 0, "error": 0, "waived": 1}  # everything else: 2
LARGE = 2000
TABLE_LIMIT = 1000

HEADERS = {
    "severity": '<th class="sortable" data-column-type="severity">Severity</th>',
    "control": '<th class="sortable" data-column-type="control">Control</th>',
    "account": '<th class="sortable" data-column-type="account">Account</th>',
    "region": '<th class="sortable" data-column-type="region">Region</th>',
    "resource": '<th class="sortable" data-column-type="resource">Resource</th>',
    "evidence": "<th>Evidence</th>",
}


def _index(cells: Sequence[str], marker: str, default: int) -> int:
    for i, cell in enumerate(cells):
        if marker in str(cell):
            return i
    return default


def add_header_cells(cells: list[str]) -> None:
    """Result | Severity | Control | Test | Account | Region | Resource | Evidence | Duration
    | Links."""
    test = _index(cells, 'data-column-type="testId"', 1)
    cells.insert(test + 1, HEADERS["evidence"])
    cells.insert(test + 1, HEADERS["resource"])
    cells.insert(test + 1, HEADERS["region"])
    cells.insert(test + 1, HEADERS["account"])
    cells.insert(test, HEADERS["control"])
    cells.insert(test, HEADERS["severity"])


def sort_key(level: str, outcome: str) -> str:
    """``"03"``: a failed low. Findings first, then the most severe; ``"9"``: no control."""
    if level not in SORT_RANK:
        return str(NO_RANK)
    return f"{GROUP.get(outcome, 2)}{SORT_RANK[level]}"


def severity_cell(level: str, outcome: str = "failed") -> str:
    """A sortable severity cell: a hidden sort key first, then a coloured badge."""
    badge = (f'<span class="aws-sev aws-sev-{escape(level)}">{escape(level)}</span>'
             if level in SORT_RANK else "")
    return f'<td class="col-severity"><span hidden>{sort_key(level, outcome)}</span>{badge}</td>'


def text_cell(column: str, value: str) -> str:
    return f'<td class="col-{column}">{escape(value)}</td>'


def row_values(report: Any) -> dict[str, str]:
    """The compliance columns of a report (empty strings for a non-control test)."""
    props = properties_of(report)
    control = props.get(prop.CONTROL_ID, "")
    if control and report.skipped and is_waived(report):
        control += " (waived)"
    return {"severity": props.get(prop.SEVERITY, ""), "control": control,
            "account": props.get(prop.ACCOUNT, ""), "region": props.get(prop.REGION, ""),
            "resource": props.get(prop.RESOURCE, "")}


def test_id_of(report: Any) -> str:
    """The Test column text, as pytest-html builds it (nodeid, plus ``::setup`` etc.)."""
    when = getattr(report, "when", "call")
    return str(report.nodeid) + ("" if when == "call" else f"::{when}")


def add_row_cells(cells: list[str], report: Any) -> None:
    """Insert the compliance cells and re-escape the Test cell (it holds resource names)."""
    values = row_values(report)
    result = result_of(report)
    test = _index(cells, 'class="col-testId"', 1)
    cells[test] = text_cell("testId", test_id_of(report))
    evidence = result.message if result is not None and result.is_finding else ""
    cells.insert(test + 1, text_cell("evidence", evidence))
    cells.insert(test + 1, text_cell("resource", values["resource"]))
    cells.insert(test + 1, text_cell("region", values["region"]))
    cells.insert(test + 1, text_cell("account", values["account"]))
    cells.insert(test, text_cell("control", values["control"]))
    cells.insert(test, severity_cell(values["severity"],
                                     result.outcome if result is not None else ""))


def cut_table(tests: MutableMapping[str, list[dict[str, Any]]],
              limit: int = TABLE_LIMIT) -> set[str]:
    """Keep the ``limit`` first control rows in the report's order (findings, most severe
    first) and every non-control test, in place; the node ids kept."""
    def key(item: tuple[str, list[dict[str, Any]]]) -> str:
        cell = str(item[1][0].get("severity", "")) if item[1] else ""
        found = re.match(r"<span hidden>(\d+)</span>", cell)
        return found.group(1) if found else str(NO_RANK)

    ranked = sorted(tests.items(), key=key)
    controls = [nodeid for nodeid, rows in ranked if key((nodeid, rows)) != str(NO_RANK)]
    keep = set(controls[:limit]) | {n for n, rows in ranked if key((n, rows)) == str(NO_RANK)}
    for nodeid in list(tests):
        if nodeid not in keep:
            del tests[nodeid]
    return keep


def severity_badge(level: str) -> str:
    if level not in SORT_RANK:
        return escape(level)
    return f'<span class="aws-sev aws-sev-{level}">{level}</span>'
