"""Peak memory and CPU time of a process tree, sampled from /proc (no psutil needed).

Each process's own peak (``VmHWM``) is exact; the tree's peak (sum of ``VmRSS`` over the
live processes) is sampled every ``interval`` seconds, so a very short spike can escape it.
Each process's CPU seconds (user + system) are those of its last sample: up to ``interval``
seconds of a process's end can escape them.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _status(pid: int) -> dict[str, int]:
    found: dict[str, int] = {}
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return found
    for line in text.splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            found[line.split(":")[0]] = int(line.split()[1])  # kB
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system seconds of a live process (0 if it is gone)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    tree, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def _cmdline(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


@dataclass
class TreeMemory:
    """What the monitor saw, in MB."""

    tree_peak_mb: float = 0.0
    process_peak_mb: dict[int, float] = field(default_factory=dict)
    process_cpu_s: dict[int, float] = field(default_factory=dict)
    commands: dict[int, str] = field(default_factory=dict)

    def peak_of(self, root: int) -> float:
        return self.process_peak_mb.get(root, 0.0)

    def others_peak_mb(self, root: int) -> float:
        """The largest peak among the processes below ``root`` (xdist workers)."""
        return max((mb for pid, mb in self.process_peak_mb.items() if pid != root), default=0.0)


class TreeMonitor:
    """Sample the tree below ``root`` until ``stop()``."""

    def __init__(self, root: int, interval: float = 0.1):
        self.root = root
        self.interval = interval
        self.memory = TreeMemory()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMonitor:
        self._thread.start()
        return self

    def stop(self) -> TreeMemory:
        self._stop.set()
        self._thread.join()
        return self.memory

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        total = 0
        for pid in descendants(self.root):
            status = _status(pid)
            if not status:
                continue
            total += status.get("VmRSS", 0)
            cpu = _cpu_seconds(pid)
            if cpu > self.memory.process_cpu_s.get(pid, 0.0):
                self.memory.process_cpu_s[pid] = cpu
            peak = status.get("VmHWM", 0) / 1024
            if peak > self.memory.process_peak_mb.get(pid, 0.0):
                self.memory.process_peak_mb[pid] = peak
                self.memory.commands.setdefault(pid, _cmdline(pid))
        self.memory.tree_peak_mb = max(self.memory.tree_peak_mb, total / 1024)
