"""Read and validate a waiver file. Pure (no pytest): every problem becomes one line.

``WaiverFileError.problems`` holds one line per problem, each naming the file, the
waiver (1-based, in file order) and the field, e.g.
``waivers.yaml: waiver #3: field 'expires': 'tomorrow' is not an ISO date (YYYY-MM-DD)``.
All problems of a file are reported at once, not just the first.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import reprlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from pytest_awscompliance.waivers.match import is_glob, matches_any
from pytest_awscompliance.waivers.model import Waiver

REQUIRED = ("control", "justification", "owner")
TEXT_FIELDS = ("control", "account", "region", "resource", "justification", "owner", "ticket")
FIELDS = (*TEXT_FIELDS, "expires", "permanent")
MERGE_TAG = "tag:yaml.org,2002:merge"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ACCOUNT_REGION = re.compile(r"^\d{12}/[a-z0-9-]+$")
KIND = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number",
        float: "a number", type(None): "nothing (null)", date: "a date", bytes: "binary data"}

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlevel = 2
_short.maxlist = _short.maxtuple = _short.maxdict = _short.maxset = 4


class WaiverFileError(Exception):
    """The waiver file cannot be used; ``problems`` has one readable line per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (checked here, with a clear message) and rejects
    a key given twice in one mapping (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_TAG:
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"field {key_node.value!r} is given twice",
                        key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))


def show(value: Any) -> str:
    """A short repr: a huge or deeply nested value never floods the message."""
    try:
        return _short.repr(value)
    except Exception:  # a pathological value: say what it is rather than fail
        return f"<{type(value).__name__}>"


def kind(value: Any) -> str:
    return KIND.get(type(value), type(value).__name__)


def load_waivers(path: str | Path) -> tuple[Waiver, ...]:
    """Read and validate the waiver file at ``path`` (raises ``WaiverFileError``)."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise WaiverFileError([f"{source}: waiver file not found"]) from None
    except OSError as exc:
        raise WaiverFileError([f"{source}: cannot read the waiver file: "
                               f"{exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WaiverFileError([f"{source}: not UTF-8 text (byte {exc.start})"]) from None
    return parse_waivers(text, source)


def _yaml_problem(exc: BaseException) -> str:
    """One line saying what is wrong with the YAML and where."""
    return " ".join(_yaml_detail(exc).split())


def _yaml_detail(exc: BaseException) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "syntax error"
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{problem}{where}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def parse_waivers(text: str, source: str = "<waivers>") -> tuple[Waiver, ...]:
    """Parse YAML text and validate it (raises ``WaiverFileError``, never anything else)."""
    try:  # what yaml.load does, keeping the node tree for the entries' line numbers
        loader = _Loader(text)  # a SafeLoader subclass
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except Exception as exc:  # any loader failure means "this is not a usable YAML file"
        raise WaiverFileError([f"{source}: not valid YAML: {_yaml_problem(exc)}"]) from None
    lines = ([entry.start_mark.line + 1 for entry in node.value]
             if isinstance(node, yaml.SequenceNode) else [])
    return validate_waivers(data, source, lines)


def validate_waivers(data: Any, source: str = "<waivers>",
                     lines: Sequence[int] = ()) -> tuple[Waiver, ...]:
    """Turn loaded YAML into waivers, or raise ``WaiverFileError`` listing every problem.

    ``lines`` are the 1-based file lines of the entries, in order (when known). An empty
    file (or one holding only comments) declares no waivers.
    """
    if data is None:
        return ()
    if not isinstance(data, list):
        raise WaiverFileError([f"{source}: must be a YAML list of waivers (each starting "
                               f"with '- control: ...'), found {kind(data)}"])
    problems: list[str] = []
    waivers: list[Waiver] = []
    for index, entry in enumerate(data, start=1):
        waiver = _waiver(entry, index, source, problems)
        if waiver is not None:
            line = lines[index - 1] if index <= len(lines) else None
            waivers.append(dataclasses.replace(waiver, line=line))
    problems += duplicates(waivers)
    if problems:
        raise WaiverFileError(problems)
    return tuple(waivers)


def _waiver(entry: Any, index: int, source: str, problems: list[str]) -> Waiver | None:
    """One entry as a ``Waiver``, or ``None`` after appending its problems."""
    where = f"{source}: waiver #{index}"
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping of fields (control, justification, owner, "
                        f"expires, ...), found {kind(entry)} {show(entry)}")
        return None
    before = len(problems)
    for key in entry:
        if key not in FIELDS:
            hint = difflib.get_close_matches(str(key), FIELDS, n=1)
            problems.append(f"{where}: unknown field {show(key)}"
                            + (f" (did you mean {hint[0]!r}?)" if hint
                               else f" (known: {', '.join(FIELDS)})"))
    values: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in entry:
            text = _text(entry[name], name, where, problems)
            if text is not None:
                values[name] = text
        elif name in REQUIRED:
            problems.append(f"{where}: field {name!r} is required")
    for name in ("account", "region", "resource"):
        if name in values:
            _check_scope(name, values[name], where, problems)
    permanent = _permanent(entry, where, problems)
    expires = _expires(entry, where, problems)
    if "expires" in entry and permanent:
        problems.append(f"{where}: 'expires' and 'permanent: true' exclude each other: "
                        "keep one")
    elif "expires" not in entry and not permanent:
        problems.append(f"{where}: field 'expires' is required (YYYY-MM-DD), unless the "
                        "waiver says 'permanent: true'")
    if len(problems) > before:
        return None
    return Waiver(index=index, control=values["control"],
                  justification=values["justification"], owner=values["owner"],
                  expires=expires, permanent=permanent, account=values.get("account"),
                  region=values.get("region"), resource=values.get("resource"),
                  ticket=values.get("ticket"), source=source)


def _text(value: Any, name: str, where: str, problems: list[str]) -> str | None:
    if name == "ticket" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # "ticket: 1234" is a fine ticket number
    if name == "account" and isinstance(value, int) and not isinstance(value, bool):
        problems.append(f"{where}: field 'account': {show(value)} must be quoted, e.g. "
                        "account: '012345678901' (YAML reads unquoted digits as a number "
                        "and can drop leading zeros)")
        return None
    if not isinstance(value, str):
        problems.append(f"{where}: field {name!r} must be text, found {kind(value)} "
                        f"{show(value)}")
        return None
    if not value.strip():
        problems.append(f"{where}: field {name!r} must not be empty")
        return None
    return value.strip()


def _check_scope(name: str, value: str, where: str, problems: list[str]) -> None:
    """Literal (non-glob) scopes must look like what they are compared with."""
    if is_glob(value):
        return
    if name == "account" and not ACCOUNT_ID.match(value):
        problems.append(f"{where}: field 'account': {show(value)} is not a 12-digit account "
                        "id or a glob such as '1111*'")
    elif name == "region" and value != "global" and not REGION_NAME.match(value):
        problems.append(f"{where}: field 'region': {show(value)} is not a region name "
                        "(e.g. eu-west-1), 'global' (account-wide settings) or a glob")
    elif name == "resource" and not (value.startswith("arn:") or ACCOUNT_REGION.match(value)):
        problems.append(f"{where}: field 'resource': {show(value)} is neither an ARN "
                        "('arn:aws:s3:::my-bucket'), 'account/region' nor a glob such as "
                        f"{show('*:' + value)}")


def _permanent(entry: dict[Any, Any], where: str, problems: list[str]) -> bool:
    value = entry.get("permanent", False)
    if not isinstance(value, bool):
        problems.append(f"{where}: field 'permanent' must be true or false, found "
                        f"{show(value)}")
        return False
    return value


def _expires(entry: dict[Any, Any], where: str, problems: list[str]) -> date | None:
    if "expires" not in entry:
        return None
    value = entry["expires"]
    if isinstance(value, datetime):
        problems.append(f"{where}: field 'expires': {show(value)} has a time; give a date "
                        "(YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        problems.append(f"{where}: field 'expires': {show(value)} is not an ISO date "
                        "(YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        problems.append(f"{where}: field 'expires': {show(value)} is not a valid date ({exc})")
        return None


def duplicates(waivers: Iterable[Waiver]) -> list[str]:
    """One line per waiver whose control/account/region/resource repeat an earlier one."""
    first: dict[tuple[str, str, str, str], Waiver] = {}
    problems = []
    for waiver in waivers:
        earlier = first.setdefault(waiver.scope, waiver)
        if earlier is not waiver:
            problems.append(f"{waiver.source}: {waiver.label}: duplicates {earlier.label} "
                            "(same control, account, region and resource)")
    return problems


def unknown_controls(waivers: Iterable[Waiver], known: Iterable[str]) -> list[str]:
    """One line per waiver whose control id (or glob) names no known control."""
    names = sorted(set(known))
    return [f"{w.source}: {w.label}: field 'control': {show(w.control)} matches no known control"
            + (f" (did you mean {hint[0]!r}?)"
               if (hint := difflib.get_close_matches(w.control, names, n=1)) else "")
            for w in waivers if not matches_any(w.control, names)]
