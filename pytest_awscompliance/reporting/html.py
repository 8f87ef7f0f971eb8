"""pytest-html 4.x: compliance columns, per-finding details, a summary and the title.

Cells and extras are raw HTML in pytest-html, and resource names, tags and messages come
from the scanned accounts: every value is escaped (``html_table``, ``html_summary``,
``html_page``, ``html_environment`` hold the logic; this module is the hooks). The row and
summary hooks run on the xdist controller with deserialized reports, so they read report
data only.

Severity sorts by rank: pytest-html sorts a column by the cell's inner HTML (plain string
comparison, ascending on the first click), so each severity cell starts with a hidden key:
the outcome group (0 failed or error, 1 waived, 2 the rest), then the rank (0 = critical ...
4 = info); ``9`` for a test that is not a control. The report opens sorted that way, every
row folded.

At organization size pytest-html's table (which renders every row into the page, and again
on each sort) cannot stay usable: above ``LARGE`` control results it keeps the
``TABLE_LIMIT`` first findings in that order, and every result goes to a results page
beside the report (``results_page``), which renders rows on demand.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting.html_environment import environment, report_title
from pytest_awscompliance.reporting.html_page import results_page, results_page_path
from pytest_awscompliance.reporting.html_summary import add_finding_extra, summary_html
from pytest_awscompliance.reporting.html_table import (
    LARGE,
    add_header_cells,
    add_row_cells,
    cut_table,
)
from pytest_awscompliance.settings import outputs


class ScanView(Protocol):
    """What the HTML hooks need from the reporting plugin."""

    started: datetime

    def results(self) -> list[ControlResult]: ...

    def accounts(self) -> list[str]: ...

    def targets(self) -> dict[str, str]: ...

    def partition(self) -> str | None: ...

    def versions(self) -> dict[str, str]: ...


class HtmlHooks:
    """pytest-html hooks; registered only when pytest-html is installed and enabled."""

    def __init__(self, config: pytest.Config, scan: ScanView) -> None:
        self.config = config
        self.scan = scan
        self.report_data: Any = None

    def _environment(self) -> None:
        try:
            from pytest_metadata.plugin import metadata_key
        except ImportError:  # pragma: no cover - pytest-html depends on pytest-metadata
            return
        metadata = self.config.stash.get(metadata_key, None)
        if metadata is not None:
            environment(metadata, targets=self.scan.targets(), partition=self.scan.partition(),
                        started=self.scan.started, versions=self.scan.versions())

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._environment()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        add_finding_extra(report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        self.report_data = report
        report.title = report_title(self.scan.accounts(), self.scan.started)
        # open sorted by severity (findings first), every row folded, unless the ini says
        if self.config.getini("initial_sort") == "result":
            report.set_data("initialSort", "severity")
        if self.config.getini("render_collapsed") == "passed":
            report.set_data("renderCollapsed", ["all"])

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        add_header_cells(cells)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        add_row_cells(cells, report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str],
                                    postfix: list[str], session: pytest.Session) -> None:
        results = self.scan.results()
        tests = getattr(self.report_data, "data", {}).get("tests")
        html_path = self.config.getoption("htmlpath", None)
        if len(results) <= LARGE or tests is None or not html_path:
            postfix.append(summary_html(results))
            return
        page = results_page_path(html_path)
        try:
            outputs.write_text_atomic(page, results_page(results, report_title(
                self.scan.accounts(), self.scan.started), Path(html_path).name))
        except OSError as exc:  # reported at the end, exit 4 (outputs.py)
            outputs.record_failure(self.config, "--html", page, exc)
            postfix.append(summary_html(results))
            return
        shown = cut_table(tests)
        postfix.append(summary_html(results, shown=shown, page=page.name))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Name the accounts actually scanned (xdist: known only from results), and redo the
        environment table: pytest-metadata merges each xdist worker's table into it (same
        dict), which brings back what was scrubbed and drops the added package versions."""
        self._environment()
        if self.report_data is not None:
            self.report_data.title = report_title(self.scan.accounts(), self.scan.started)
