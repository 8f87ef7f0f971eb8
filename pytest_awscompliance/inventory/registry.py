"""The registry of resource types: what a per-resource fixture is called, how its resources
are discovered and named, and how reports call them.

Every type, bundled or a team's own, is one ``ResourceType`` returned by the
``pytest_awscompliance_resource_types`` hook (``hooks.py``); the fixtures, the report
resource types and docs/fixtures.md are generated from the registry.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import Resource

SCOPES = ("account", "regional")
RESERVED = frozenset({"aws", "aws_account", "aws_settings"})


@dataclass(frozen=True)
class ResourceType:
    """One per-resource fixture.

    ``discover(aws)`` lists the resources of one target (one account for scope ``account``,
    one account and region for ``regional``) with ``aws.read`` / ``aws.paginate``, so that
    the reads are shared by xdist workers and recorded in snapshots. It returns ``Resource``
    objects, or the API's items (dicts) when ``name`` and ``arn`` say how to form them:
    ``name(item)`` is the last part of the test id ``account/region/name`` and
    ``arn(aws, item)`` the resource's ARN.
    """

    fixture: str
    scope: str
    discover: Callable[[AwsContext], list[Any]]
    description: str
    report_type: str = ""
    """The resource type as OCSF and ASFF findings spell it, e.g. ``AwsRdsDbInstance``."""
    arn_kind: tuple[str, str] | None = None
    """(ARN service, ARN resource kind), e.g. ``("rds", "db")``: how reports recognise it."""
    name: Callable[[dict[str, Any]], str] | None = None
    arn: Callable[[AwsContext, dict[str, Any]], str] | None = None
    value_type: str = "Resource"
    discovered_with: str = ""
    fields: str = ""

    def problem(self) -> str | None:
        """Why this registration cannot be used, or ``None``."""
        if not self.fixture.isidentifier() or keyword.iskeyword(self.fixture):
            return f"resource type {self.fixture!r}: the fixture name must be a Python name"
        if self.fixture in RESERVED:
            return f"resource type {self.fixture!r}: the name is one of the plugin's fixtures"
        if self.scope not in SCOPES:
            return (f"resource type {self.fixture!r}: scope {self.scope!r} must be "
                    f"{' or '.join(SCOPES)}")
        if not callable(self.discover):
            return f"resource type {self.fixture!r}: discover must be a function of aws"
        if (self.name is None) != (self.arn is None):
            return f"resource type {self.fixture!r}: give both name and arn, or neither"
        return None

    def list(self, aws: AwsContext) -> list[Resource]:
        """The resources of one target, as ``Resource`` objects."""
        found = []
        for item in self.discover(aws):
            if isinstance(item, Resource):
                found.append(item)
            elif self.name is not None and self.arn is not None and isinstance(item, dict):
                found.append(Resource(account_id=aws.account_id, region=aws.region,
                                      name=str(self.name(item)), arn=str(self.arn(aws, item)),
                                      raw=item))
            else:
                raise TypeError(f"discovery of {self.fixture} returned {type(item).__name__}: "
                                "return Resource objects, or dicts and give name and arn")
        return found


class Registry:
    """The resource types of this run, by fixture name, in registration order."""

    def __init__(self) -> None:
        self._types: dict[str, ResourceType] = {}
        self._learned: dict[tuple[str, str], str] = {}
        self.problems: list[str] = []

    def add(self, rtype: Any, source: str) -> bool:
        """Register one type; a bad or duplicate one is remembered as a problem."""
        if not isinstance(rtype, ResourceType):
            self.problems.append(f"{source}: pytest_awscompliance_resource_types returned "
                                 f"{type(rtype).__name__}, not a ResourceType")
            return False
        problem = rtype.problem()
        if problem is None and rtype.fixture in self._types:
            problem = f"resource type {rtype.fixture!r} is declared twice"
        if problem is not None:
            self.problems.append(f"{source}: {problem}")
            return False
        self._types[rtype.fixture] = rtype
        return True

    def __contains__(self, fixture: object) -> bool:
        return fixture in self._types

    def __getitem__(self, fixture: str) -> ResourceType:
        return self._types[fixture]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def types(self) -> list[ResourceType]:
        return list(self._types.values())

    def report_types(self) -> dict[tuple[str, str], str]:
        """(ARN service, kind) -> report resource type, for OCSF and ASFF findings: the
        registered types', and those learned from xdist workers (``learn``)."""
        own = {t.arn_kind: t.report_type for t in self._types.values()
               if t.arn_kind and t.report_type}
        return {**self._learned, **own}

    def shared_report_types(self) -> list[list[str]]:
        """``report_types()`` as plain data (``[service, kind, type]`` rows), for JSON."""
        return [[service, kind, name] for (service, kind), name in self.report_types().items()]

    def learn(self, rows: Any) -> None:
        """Add report types another process registered (``shared_report_types`` rows): the
        xdist controller collects nothing, so a ``conftest.py`` below the directories it
        was started with declares its types on the workers only."""
        for row in rows or ():
            if isinstance(row, (list, tuple)) and len(row) == 3 and all(
                    isinstance(part, str) for part in row) and row[0] and row[2]:
                self._learned.setdefault((row[0], row[1]), row[2])


TABLE_START = "<!-- resource types: generated from the registry (inventory/bundled.py) -->"
TABLE_END = "<!-- end of resource types -->"


def fixtures_table(types: list[ResourceType]) -> str:
    """The resource fixtures table of docs/fixtures.md, between its two markers."""
    lines = [TABLE_START, "| fixture | type | scope | discovered with | fields |",
             "|---|---|---|---|---|"]
    lines += [f"| `{t.fixture}` | `{t.value_type}` | {t.scope} | {t.discovered_with} | "
              f"{t.fields} |" for t in types]
    return "\n".join([*lines, TABLE_END])


def with_fixtures_table(doc: str, types: list[ResourceType]) -> str:
    """``doc`` with its generated table replaced by the registry's."""
    start, end = doc.index(TABLE_START), doc.index(TABLE_END) + len(TABLE_END)
    return doc[:start] + fixtures_table(types) + doc[end:]
