"""The guard's decision on every operation of every service botocore ships.

The check reads the raw JSON models (not botocore's ``Shape`` objects the guard uses), so a
mistake in the guard's walk of the output shapes shows up here. The counts are the table in
docs/security.md.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import botocore
import botocore.session

from pytest_awscompliance.aws import readonly
from pytest_awscompliance.aws.models import service_model, shared_loader

DOC = Path(__file__).resolve().parents[1] / "docs" / "security.md"
WRITE_VERB = re.compile(r"^(?:Create|Put|Delete|Update|Modify|Start|Stop|Tag|Untag|Attach|"
                        r"Detach|Associate|Disassociate|Enable|Disable|Set|Add|Remove|Invoke|"
                        r"Send|Run|Terminate|Import|Export|Copy|Restore|Reset|Reboot|Revoke|"
                        r"Authorize|Cancel|Accept|Reject|Register|Deregister|Search|Query|Scan)")


def _raw_sensitive(shapes: dict[str, Any], name: str | None) -> bool:
    """Whether any shape reachable from ``name``, or any member reference, is sensitive."""
    todo, seen = [name] if name else [], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        shape = shapes[current]
        if shape.get("sensitive"):
            return True
        refs = list(shape.get("members", {}).values())
        refs += [shape[k] for k in ("member", "key", "value") if k in shape]
        if any(ref.get("sensitive") for ref in refs):
            return True
        todo += [ref["shape"] for ref in refs]
    return False


def walk() -> tuple[Counter[str], int, list[str]]:
    """Every operation's decision kind, the number of services, and any disagreements."""
    session = botocore.session.get_session()
    session.register_component("data_loader", shared_loader())
    kinds: Counter[str] = Counter()
    wrong = []
    services = session.get_available_services()
    for service in services:
        raw = shared_loader().load_service_model(service, "service-2")
        model = service_model(service)
        for name, operation in raw["operations"].items():
            verdict = readonly.decision(model.operation_model(name))
            kinds[verdict.kind] += 1
            if verdict.allowed and (verdict.revealing or verdict.hiding):
                kinds["checked"] += 1
            key = (service, name)
            secret = _raw_sensitive(raw["shapes"], operation.get("output", {}).get("shape"))
            if key in readonly.EXCEPTIONS:
                ok = verdict.allowed and verdict.masks == secret
            elif WRITE_VERB.match(name) or not readonly.READ_VERB.match(name):
                ok = not verdict.allowed and verdict.kind == "write"
            elif secret:
                ok = not verdict.allowed and verdict.kind == "secret"
            else:
                ok = verdict.allowed or verdict.kind in ("secret", "data")
            if not ok:
                wrong.append(f"{service}:{name} -> {verdict}")
    return kinds, len(services), wrong


def table(kinds: Counter[str], services: int) -> str:
    rows = [("allowed: read", kinds["read"]),
            ("(of the allowed, parameters checked at call time)", kinds["checked"]),
            ("allowed: exception (needed by the catalog, sensitive members masked)",
             kinds["exception"]),
            ("refused: not a read", kinds["write"]),
            ("refused: secret read (sensitive output, or hands out access)", kinds["secret"]),
            ("refused: data read (streamed content)", kinds["data"])]
    lines = ["| decision | operations |", "|---|---|"]
    lines += [f"| {label} | {count} |" for label, count in rows]
    lines.append(f"| **total, over {services} services (botocore {botocore.__version__})** | "
                 f"**{sum(kinds.values()) - kinds['checked']}** |")
    return "\n".join(lines)


def test_every_operation_botocore_ships() -> None:
    kinds, services, wrong = walk()
    assert not wrong, f"{len(wrong)} wrong decisions, e.g. {wrong[:5]}"
    assert services > 300 and sum(kinds.values()) > 15000
    # Reads whose answer holds a secret are refused by name as the issue reproduced them.
    assert kinds["exception"] == len(readonly.EXCEPTIONS)
    assert kinds["read"] > 5000 and kinds["secret"] > 500 and kinds["write"] > 5000
    print("\n" + table(kinds, services))
    documented = re.search(r"\(botocore ([\d.]+)\)", DOC.read_text())
    assert documented, "docs/security.md has no guard table"
    if documented.group(1) == botocore.__version__:
        # The figures are documented for one botocore release; a newer botocore (a fresh
        # install) ships more operations, and the decisions above still hold for them.
        assert table(kinds, services) in DOC.read_text(), (
            "docs/security.md's guard table is out of date; it should read:\n"
            + table(kinds, services))
