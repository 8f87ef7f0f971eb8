"""pytest's JUnit XML writer, with each finished testcase spooled to a temporary file.

pytest's ``LogXML`` keeps every finished testcase as an ElementTree element until the session
ends (with a control's eight properties, about 3 KB per test: some 80 MB for 27,000 tests, in
the one process that writes the file), then serializes them all at once. ``spool_testcases``
makes the run's ``LogXML`` serialize each testcase as soon as pytest finalizes it and append
the text to an anonymous temporary file. At the end pytest writes its document as usual, with
one small placeholder element where spooled testcases go, and the placeholders are replaced by
the spooled text. ElementTree serializes an element alone exactly as it does inside its
parent (no namespaces, no tails here), so the file's bytes are pytest's own.

Anything unexpected in pytest's internals (no ``node_reporters``, a reporter not found under
its key) leaves that testcase to pytest: it is kept in memory and written as before.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Any

import pytest

TAG = "awscompliance-spooled-testcases"
PLACEHOLDER = re.compile(rb'<' + TAG.encode() + rb' at="(\d+)" size="(\d+)" />')
SPOOLED = "_awscompliance_spooled"  # (offset, size) on a finalized reporter


class _Placeholder:
    """Stands for a run of spooled testcases in ``node_reporters_ordered`` while pytest
    writes its document."""

    def __init__(self, at: int, size: int) -> None:
        self.at, self.size = at, size

    def to_xml(self) -> ET.Element:
        return ET.Element(TAG, at=str(self.at), size=str(self.size))


class TestcaseSpool:
    """Wraps one ``LogXML`` instance's ``finalize`` and ``pytest_sessionfinish``."""

    def __init__(self, xml: Any) -> None:
        self.xml = xml
        self.file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed at the end
            prefix="awscompliance-junit-")
        self.size = 0
        self._finalize = xml.finalize
        self._write = xml.pytest_sessionfinish

    def finalize(self, report: pytest.TestReport) -> None:
        key = (getattr(report, "id", report.nodeid), getattr(report, "node", None))
        reporter = self.xml.node_reporters.get(key)
        self._finalize(report)
        if reporter is None or key in self.xml.node_reporters:
            return
        text = ET.tostring(reporter.to_xml(), encoding="unicode").encode("utf-8")
        self.file.write(text)
        reporter.__dict__.clear()  # pytest's closure over the element goes with it
        setattr(reporter, SPOOLED, (self.size, len(text)))
        self.size += len(text)

    def ordered_with_placeholders(self) -> list[Any]:
        """pytest's reporters in order, each run of contiguous spooled ones as one placeholder."""
        out: list[Any] = []
        for reporter in self.xml.node_reporters_ordered:
            spooled = getattr(reporter, SPOOLED, None)
            if spooled is None:
                out.append(reporter)
                continue
            at, size = spooled
            last = out[-1] if out else None
            if isinstance(last, _Placeholder) and last.at + last.size == at:
                last.size += size
            else:
                out.append(_Placeholder(at, size))
        return out

    def pytest_sessionfinish(self) -> None:
        ordered = self.xml.node_reporters_ordered
        self.xml.node_reporters_ordered = self.ordered_with_placeholders()
        try:
            self._write()
        finally:
            self.xml.node_reporters_ordered = ordered
        self.file.flush()
        splice(Path(self.xml.logfile), self.file)
        self.file.close()


def splice(path: Path, spool: IO[bytes]) -> None:
    """Rewrite ``path`` with every placeholder replaced by its bytes from ``spool``."""
    written = path.read_bytes()
    with path.open("wb") as out:
        start = 0
        for match in PLACEHOLDER.finditer(written):
            out.write(written[start:match.start()])
            at, size = int(match[1]), int(match[2])
            spool.seek(at)
            while size:
                chunk = spool.read(min(size, 1 << 20))
                if not chunk:
                    raise OSError(f"JUnit spool ended early at byte {at}")
                out.write(chunk)
                size -= len(chunk)
            start = match.end()
        out.write(written[start:])


def spool_testcases(config: pytest.Config) -> TestcaseSpool | None:
    """Make this run's JUnit writer (if any) spool finished testcases; ``None`` if it can't."""
    from _pytest.junitxml import LogXML, xml_key

    xml = config.stash.get(xml_key, None)
    if not isinstance(xml, LogXML) or not hasattr(xml, "node_reporters") \
            or not hasattr(xml, "node_reporters_ordered"):
        return None
    spool = TestcaseSpool(xml)
    config.pluginmanager.unregister(xml)  # pluggy reads the hook methods at registration
    xml.finalize = spool.finalize
    xml.pytest_sessionfinish = spool.pytest_sessionfinish
    config.pluginmanager.register(xml)
    return spool
