"""Report and snapshot files: checked before the scan, written atomically, never lost.

Every output path is checked before any AWS call (``check_paths``): a path that cannot be
written is a usage error, one line naming the option. A write that still fails at the end
(full disk, a mount turned read-only) is recorded (``record_failure``) instead of raised:
the terminal summary and the other reports still come out, and the run exits 4 with one
line per file that could not be written. pytest's JUnit XML and pytest-html's report are
written to a temporary file beside their target and moved into place (``guard_writer``),
and not at all when the run ends in a usage error, so an earlier report stays untouched.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import pytest

SPECIAL_FILESYSTEMS = ("/proc", "/sys", "/dev")
"""Pseudo filesystems: a report written there is lost or harmful, never a file."""

FAILURES = pytest.StashKey[list[str]]()
SESSION = pytest.StashKey[pytest.Session]()


def _special_root(path: Path) -> str | None:
    for root in SPECIAL_FILESYSTEMS:
        if path == Path(root) or Path(root) in path.parents:
            return root
    return None


def path_problem(path: Path, *, creates_parents: bool = False) -> str | None:
    """Why ``path`` cannot receive a report, or None when it can.

    ``creates_parents``: the writer creates missing directories (pytest's ``--junitxml``,
    pytest-html's ``--html``), so the nearest existing ancestor must be writable instead.
    """
    path = Path(os.path.abspath(path))
    resolved = path.resolve()
    special = _special_root(resolved)
    if special is not None:
        return f"{path} is under {special}, a pseudo filesystem, not a place for a report"
    if resolved.is_dir():
        return f"{path} is a directory; give a file name, e.g. {path / 'report'}"
    if resolved.exists() and not resolved.is_file():
        return f"{path} exists and is not a regular file"
    parent = resolved.parent
    if creates_parents:
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
    if parent.exists() and not parent.is_dir():
        return f"{parent} is not a directory"
    if not parent.is_dir():
        return f"directory {parent} does not exist (create it first)"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"directory {parent} is not writable"
    return None


OutputPath = tuple[str, "Path | str | None", bool]
"""(option, path or None when not given, whether the writer creates missing parents)."""


def check_paths(paths: Iterable[OutputPath]) -> None:
    """Raise ``pytest.UsageError`` naming the first option whose path cannot be written."""
    for option, path, creates_parents in paths:
        if not path:
            continue
        problem = path_problem(Path(path).expanduser(), creates_parents=creates_parents)
        if problem:
            raise pytest.UsageError(f"{option}: {problem}")


def output_paths(config: pytest.Config) -> list[OutputPath]:
    """Every report and snapshot path of this run. A new output option joins with one line."""
    from pytest_awscompliance.settings.options import source_of
    from pytest_awscompliance.settings.report_options import read_options

    opt = config.getoption
    report = read_options(config)
    cwd = Path.cwd()
    return [
        ("--junitxml", _under(cwd, opt("xmlpath", None)), True),
        ("--html", _under(cwd, opt("htmlpath", None)), True),
        (source_of(config, "--compliance-json", "compliance_json"), report.json_path, False),
        ("--compliance-asff", getattr(report, "asff_path", None)
         or _under(config.invocation_params.dir, opt("compliance_asff", None)), False),
        ("--aws-snapshot-save", _under(cwd, opt("aws_snapshot_save", None)), False),
    ]


def _under(base: Path, value: str | None) -> Path | None:
    return base / Path(os.path.expandvars(value)).expanduser() if value else None


def temp_beside(path: Path) -> Path:
    """The temporary file a report is written to before it replaces ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def discard(tmp: Path) -> None:
    """Remove a temporary file if it is there (its directory may be gone too)."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def replace_atomic(path: Path, write: Callable[[TextIO], None]) -> None:
    """Replace ``path`` with what ``write`` writes: a temporary file in the same directory,
    synced, then ``os.replace``; on any failure the old file stays and no temporary file.
    Every report, snapshot, manifest and merged file of the plugin is written through it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would make the report unreadable to others
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        discard(Path(tmp))
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: all of it, or (on failure) nothing and no stray file."""
    replace_atomic(path, lambda handle: handle.write(text))


def reason(exc: OSError) -> str:
    """``OSError`` in words, without Python's ``[Errno 28]`` wrapping."""
    return exc.strerror or str(exc) or type(exc).__name__


def record_failure(config: pytest.Config, option: str, path: Path | str, exc: OSError) -> None:
    """A report that could not be written at the end: reported once, the run exits 4."""
    why = path_problem(Path(path)) or reason(exc)  # e.g. "directory ... does not exist"
    config.stash.setdefault(FAILURES, []).append(f"{option}: cannot write {path}: {why}")


def failures(config: pytest.Config) -> list[str]:
    return config.stash.get(FAILURES, [])


def finish(config: pytest.Config) -> None:
    """At unconfigure, after the terminal summary: one ``ERROR:`` line per unwritten report
    on stderr, exit status 4."""
    lines = failures(config)
    session = config.stash.get(SESSION, None)
    if not lines:
        return
    for line in lines:
        sys.stderr.write(f"ERROR: {line}\n")
    # a lost report outranks failed controls; an interrupted or broken run keeps its status
    if session is not None and session.exitstatus in (
            pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


def guard_writer(config: pytest.Config, plugin: Any, attribute: str, option: str,
                 *, forget: Callable[[], None]) -> None:
    """Make ``plugin`` (pytest's LogXML, pytest-html's report) write atomically.

    ``attribute`` holds the plugin's target path. It is pointed at a temporary file beside
    the target; the plugin's ``pytest_sessionfinish`` is wrapped to move that file into
    place, to write nothing when the run ends in a usage error, and to record (not raise) a
    write that fails. ``forget`` unregisters the plugin, so that it does not announce a
    report that was not written.
    """
    original = getattr(plugin, attribute)
    target = Path(os.path.abspath(original))
    tmp = temp_beside(target)
    setattr(plugin, attribute, type(original)(tmp))
    write = plugin.pytest_sessionfinish
    takes_session = "session" in inspect.signature(write).parameters

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(session: pytest.Session) -> None:
        try:
            if session.exitstatus == pytest.ExitCode.USAGE_ERROR:
                forget()
                return
            write(session) if takes_session else write()
            os.replace(tmp, target)
        except OSError as exc:
            record_failure(config, option, target, exc)
            forget()
        finally:
            discard(tmp)
            setattr(plugin, attribute, original)

    config.pluginmanager.unregister(plugin)
    plugin.pytest_sessionfinish = pytest_sessionfinish
    config.pluginmanager.register(plugin)


def guard_report_writers(config: pytest.Config) -> None:
    """Guard pytest's JUnit XML and pytest-html's report of this run (controller only)."""
    from _pytest.junitxml import LogXML, xml_key

    xml = config.stash.get(xml_key, None)
    if isinstance(xml, LogXML):
        def forget_xml() -> None:
            if config.stash.get(xml_key, None) is xml:
                del config.stash[xml_key]
                config.pluginmanager.unregister(xml)

        guard_writer(config, xml, "logfile", "--junitxml", forget=forget_xml)
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__module__.startswith("pytest_html.") \
                and hasattr(plugin, "_report_path"):
            def forget_html(plugin: Any = plugin) -> None:
                if config.pluginmanager.is_registered(plugin):
                    config.pluginmanager.unregister(plugin)

            guard_writer(config, plugin, "_report_path", "--html", forget=forget_html)
