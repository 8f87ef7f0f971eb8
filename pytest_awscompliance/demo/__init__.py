"""The embedded demo organization: moto on 127.0.0.1, seeded with a deliberately mixed estate.

``--aws-demo`` starts it in the controller process; xdist workers reach the same server,
so every process scans one organization. Nothing here ever talks to real AWS.
"""

from __future__ import annotations

from pytest_awscompliance.demo.server import DemoServer, start_demo

__all__ = ["DemoServer", "start_demo"]
