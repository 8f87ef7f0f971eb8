"""The waivers' lines of the terminal and HTML summaries: the count, then each waiver to act
on (expired, expiring, stale)."""

from __future__ import annotations

import html
from typing import Any

from pytest_awscompliance.waivers.model import Waiver
from pytest_awscompliance.waivers.state import WaiverState


def _scope(waiver: Waiver | dict[str, Any]) -> str:
    data = waiver.to_dict() if isinstance(waiver, Waiver) else waiver
    parts = [f"{name} {data[name]}" for name in ("account", "region", "resource") if data[name]]
    return f" [{', '.join(parts)}]" if parts else ""


def summary_lines(state: WaiverState) -> list[tuple[str, str]]:
    """(kind, text) lines of the terminal and HTML summary: a count line ("count"), then one
    per waiver to act on ("expired", "expiring", "stale"), then why staleness was not judged
    ("note"), if so."""
    waived = sum(state.waived.values())
    lines = [("count", f"{state.options.path}: {len(state.waivers)} waiver(s); {waived} "
                       f"result(s) waived by {len(state.waived)} waiver(s); expiry judged on "
                       f"{state.today}")]
    for w in state.expired():
        days = -(w.days_left(state.today) or 0)
        lines.append(("expired", f"EXPIRED {w.label} {w.control}{_scope(w)}: expired "
                                 f"{w.expires} ({days} day(s) ago), {_who(w)}: not applied, "
                                 "its failures show"))
    for w in state.expiring():
        lines.append(("expiring", f"EXPIRING {w.label} {w.control}{_scope(w)}: expires "
                                  f"{w.expires} (in {w.days_left(state.today)} day(s)), "
                                  f"{_who(w)}"))
    verb = "fails the run" if state.options.stale == "fail" else "warning only"
    for stale in state.stale:
        w = stale.waiver
        lines.append(("stale", f"STALE {w.label} ({w.where}) {w.control}{_scope(w)}: covered "
                               f"no failing result among {stale.scanned} scanned, {_who(w)}: "
                               f"remove it ({verb})"))
    if state.not_judged:
        lines.append(("note", f"stale waivers not judged: {state.not_judged}"))
    return lines


def _who(waiver: Waiver) -> str:
    return f"owner {waiver.owner}" + (f", ticket {waiver.ticket}" if waiver.ticket else "")


def summary_html(state: WaiverState) -> str:
    """pytest-html: the same lines under the summary, one list item per waiver."""
    (_, head), *rest = summary_lines(state)
    items = "".join(f'<li class="waiver-{kind}">{html.escape(text)}</li>'
                    for kind, text in rest)
    return ('<div class="compliance-waivers"><h2>Compliance waivers</h2>'
            f"<p>{html.escape(head)}</p>"
            + (f"<ul>{items}</ul>" if items else "") + "</div>")
