"""Benchmark the bundled catalog against a seeded moto scenario; print the figures.

    python benchmarks/run.py --accounts 10 --regions 2 --resources 50 \
        --latency-ms 50

Starts moto's server and a counting proxy on 127.0.0.1, seeds N accounts x R regions x M
resources, then runs ``pytest --pyargs compliance_tests`` once per ``--workers`` value
(default -n 0, 2, 4) and, if installed, Prowler on the same scenario. For every run it
prints wall time, API requests (total, top operations, identical reads repeated), peak
memory and findings, then the comparisons of docs/performance.md. Needs root (it adds
and removes /etc/hosts names for S3 Control, see ``hosts.py``). Writes logs, JUnit XML
and ``summary.json`` / ``summary.md`` under ``benchmarks/results/`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import hosts
import prowler
import timings
from procmon import TreeMonitor
from proxy import CountingProxy, Injection, Traffic
from scenario import CALLER_ACCOUNT, CREDENTIALS, ROLE_NAME, MotoServer, Shape, seed

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
STS_OPERATIONS = frozenset({"sts:AssumeRole", "sts:GetCallerIdentity"})
DEAD_PROXY = "http://127.0.0.1:9"  # anything not meant for 127.0.0.1 goes nowhere


@dataclass
class RunResult:
    """One scanner run's figures."""

    name: str
    workers: int
    wall_s: float
    cpu_s: float
    moto_cpu_s: float
    exit_code: int | None
    timed_out: bool
    requests: int
    requests_without_sts: int
    throttled: int
    gap_answers: list[tuple[str, int]]
    top_operations: list[tuple[str, int]]
    slowest_operations: list[tuple[str, float, int]]  # (operation, seconds, requests)
    answer_seconds: float  # sum of all answer times at the proxy
    response_mb: float
    largest_responses: list[tuple[str, float, int]]  # (operation, MB, requests)
    repeated_reads: int
    repeated_without_sts: int
    repeated_by_operation: list[tuple[str, int]]
    peak_in_flight: int
    mean_in_flight: float
    tree_peak_rss_mb: float
    process_peak_rss_mb: float  # the largest single process (controller or a worker)
    worker_peak_rss_mb: float  # largest xdist worker (the controller for -n 0)
    findings: int
    passed: int
    errors: int
    skipped: int
    error_messages: list[tuple[str, int]] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=dict)  # every operation's count
    phases: list[tuple[str, float]] = field(default_factory=list)  # timings.phases()
    controller_cpu_s: float = 0.0  # CPU seconds of pytest's own process (-n 0: all of it)
    worker_cpu_s: float = 0.0  # of the busiest xdist worker (0 for -n 0)
    controller_peak_rss_mb: float = 0.0  # pytest's own process (-n N: the xdist controller)

    def bound_s(self, latency_s: float) -> float:
        """requests x latency / concurrency, with the concurrency the proxy observed."""
        return self.requests * latency_s / max(1, self.peak_in_flight)

    def cpu_bound_s(self, cores: int = os.cpu_count() or 1) -> float:
        """No faster than its busiest process's CPU, nor than scanner + moto CPU over the
        machine's cores (the proxy's own CPU is left out)."""
        return max(self.controller_cpu_s, self.worker_cpu_s,
                   (self.cpu_s + self.moto_cpu_s) / cores)

    @property
    def tests(self) -> int:
        return self.findings + self.passed + self.errors + self.skipped


def scan_env(proxy: CountingProxy, home: Path) -> dict[str, str]:
    """The environment of a scanner process: fake keys, every endpoint on the proxy."""
    # No AWS_* from the caller; bytecode allowed, so pytest's assertion rewriting is cached
    # as on a developer's machine (the sandbox sets PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"}
    (home / "aws-config").touch()
    env.update({
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-config"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": proxy.endpoint,
        "AWS_ENDPOINT_URL_S3_CONTROL": f"http://{hosts.DOMAIN}:{proxy.port}",
        "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY,
        "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY,
        "NO_PROXY": f"127.0.0.1,localhost,{hosts.DOMAIN}",
        "no_proxy": f"127.0.0.1,localhost,{hosts.DOMAIN}",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class Measured:
    """What one measured process (tree) did."""

    wall_s: float
    exit_code: int | None
    timed_out: bool
    traffic: Traffic
    tree_peak_mb: float
    process_peak_mb: float
    worker_peak_mb: float
    cpu_s: float = 0.0  # user + system time of the measured process tree
    moto_cpu_s: float = 0.0  # user + system time moto spent meanwhile
    started: float = 0.0  # time.monotonic() at launch and at exit
    ended: float = 0.0
    controller_cpu_s: float = 0.0  # the launched process's own CPU seconds
    worker_cpu_s: float = 0.0  # the busiest process below it
    controller_peak_mb: float = 0.0  # the launched process's own peak RSS


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """User + system seconds of a live process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(cmd: list[str], *, env: dict[str, str], cwd: Path, log: Path, proxy: CountingProxy,
            timeout: float, moto_pid: int = 0) -> Measured:
    """Run ``cmd`` once, bounded by ``timeout``; count its traffic, memory and CPU."""
    proxy.reset()
    cpu_before, moto_before = _children_cpu(), process_cpu(moto_pid)
    start = time.monotonic()
    timed_out = False
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        monitor = TreeMonitor(process.pid).start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except BaseException:  # interrupted: take the run's process group down with us
            os.killpg(process.pid, signal.SIGKILL)
            monitor.stop()
            raise
    ended = time.monotonic()
    wall = ended - start
    memory = monitor.stop()
    traffic = proxy.reset()
    root = process.pid
    workers = [mb for pid, mb in memory.process_peak_mb.items() if pid != root]
    worker_cpu = [s for pid, s in memory.process_cpu_s.items() if pid != root]
    return Measured(wall, None if timed_out else process.returncode, timed_out, traffic,
                    memory.tree_peak_mb, max(memory.process_peak_mb.values(), default=0.0),
                    max(workers) if workers else memory.peak_of(root),
                    _children_cpu() - cpu_before, process_cpu(moto_pid) - moto_before,
                    start, ended, memory.process_cpu_s.get(root, 0.0),
                    max(worker_cpu, default=0.0), memory.peak_of(root))


def junit_counts(path: Path) -> tuple[int, int, int, int, list[tuple[str, int]]]:
    """(failed, passed, errors, skipped, most common error messages) from a JUnit file."""
    if not path.exists():
        return 0, 0, 0, 0, []
    failed = passed = errors = skipped = 0
    messages: Counter[str] = Counter()
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        if "error" in kinds:
            errors += 1
            node = case.find("error")
            text = (node.get("message") or node.text or "") if node is not None else ""
            messages[text.strip().splitlines()[0][:160] if text.strip() else "?"] += 1
        elif "failure" in kinds:
            failed += 1
        elif "skipped" in kinds:
            skipped += 1
        else:
            passed += 1
    return failed, passed, errors, skipped, messages.most_common(5)


def warm_up(env: dict[str, str], cwd: Path, out: Path) -> None:
    """Collect once against the (nearly empty) caller account, not measured: byte-compiles
    and caches pytest's assertion rewriting, as any second run on a machine would find."""
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "compliance_tests", "--collect-only",
           "-q", "-p", "no:cacheprovider"]
    with (out / "warm-up.log").open("wb") as log:
        subprocess.run(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                       timeout=600, check=False)


def run_scanner(workers: int, shape: Shape, proxy: CountingProxy, out: Path, env: dict[str, str],
                cwd: Path, timeout: float, extra: list[str], moto_pid: int) -> RunResult:
    name = f"pytest -n {workers}"
    junit = out / f"junit-n{workers}.xml"
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "compliance_tests",
           "-p", "no:cacheprovider", "-p", "timings", "-q", "--tb=no", "-n", str(workers),
           f"--junitxml={junit}", "--aws-role-name", ROLE_NAME]
    for account in shape.account_ids():
        cmd += ["--aws-account", account]
    for region in shape.region_names():
        cmd += ["--aws-region", region]
    cmd += extra
    stamps = out / f"timings-n{workers}.json"
    env = {**env, "AWSBENCH_TIMINGS": str(stamps),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))}
    measured = measure(cmd, env=env, cwd=cwd, log=out / f"pytest-n{workers}.log", proxy=proxy,
                       timeout=timeout, moto_pid=moto_pid)
    failed, passed, errors, skipped, messages = junit_counts(junit)
    result = _result(name, workers, measured, failed, passed, errors, skipped, messages)
    if stamps.exists():
        result.phases = timings.phases(json.loads(stamps.read_text()), measured.started,
                                       measured.ended, measured.traffic.first,
                                       timings.worker_stamps(str(stamps)))
    return result


def _result(name: str, workers: int, m: Measured, failed: int, passed: int, errors: int,
            skipped: int, messages: list[tuple[str, int]]) -> RunResult:
    traffic = m.traffic
    repeated = traffic.duplicates()
    without_sts = sum(n for op, n in traffic.requests.items() if op not in STS_OPERATIONS)
    return RunResult(
        name=name, workers=workers, wall_s=m.wall_s, cpu_s=m.cpu_s, moto_cpu_s=m.moto_cpu_s,
        exit_code=m.exit_code,
        timed_out=m.timed_out, requests=traffic.total, requests_without_sts=without_sts,
        throttled=sum(traffic.throttled.values()),
        gap_answers=traffic.gaps.most_common(),
        top_operations=traffic.requests.most_common(12),
        slowest_operations=[(op, round(sec, 2), traffic.requests[op])
                            for op, sec in traffic.seconds.most_common(6)],
        answer_seconds=sum(traffic.seconds.values()),
        response_mb=sum(traffic.response_bytes.values()) / 2**20,
        largest_responses=[(op, round(size / 2**20, 1), traffic.requests[op])
                           for op, size in traffic.response_bytes.most_common(4)],
        repeated_reads=sum(repeated.values()),
        repeated_without_sts=sum(n for op, n in repeated.items() if op not in STS_OPERATIONS),
        repeated_by_operation=repeated.most_common(8),
        peak_in_flight=traffic.peak_in_flight, mean_in_flight=traffic.mean_in_flight(),
        tree_peak_rss_mb=m.tree_peak_mb, process_peak_rss_mb=m.process_peak_mb,
        worker_peak_rss_mb=m.worker_peak_mb, findings=failed, passed=passed, errors=errors,
        skipped=skipped, error_messages=messages, operations=dict(traffic.requests),
        controller_cpu_s=m.controller_cpu_s, worker_cpu_s=m.worker_cpu_s,
        controller_peak_rss_mb=m.controller_peak_mb,
    )


def run_prowler(shape: Shape, proxy: CountingProxy, out: Path, env: dict[str, str], cwd: Path,
                timeout: float, moto_pid: int) -> tuple[RunResult | None, str]:
    """Prowler over every account in turn; (figures, note) or (None, why it did not run)."""
    if not prowler.PROWLER.exists():
        return None, (f"Prowler is not installed at {prowler.PROWLER} (see prowler.py for the "
                      "install command)")
    controls = prowler.bundled_controls()
    checks, unmatched = prowler.matching_checks(controls, prowler.available_checks())
    if not checks:
        return None, "no bundled control has a Prowler check to compare with"
    note = (f"{len(checks)} Prowler checks for {len(controls) - len(unmatched)} of "
            f"{len(controls)} bundled controls (without equivalent: "
            f"{', '.join(unmatched) or 'none'})")
    (out / "prowler-checks.txt").write_text("\n".join(checks) + "\n")
    walls, traffic, failed, total, trees, peaks, codes = 0.0, Traffic(), 0, 0, [], [], []
    timed_out = False
    cpu = moto_cpu = 0.0
    for account in shape.account_ids():
        target = out / f"prowler-{account}"
        cmd = prowler.command(account, ROLE_NAME, shape.region_names(), checks, target)
        m = measure(cmd, env=env, cwd=cwd, log=out / f"prowler-{account}.log", proxy=proxy,
                    timeout=timeout, moto_pid=moto_pid)
        walls += m.wall_s
        cpu += m.cpu_s
        moto_cpu += m.moto_cpu_s
        timed_out |= m.timed_out
        codes.append(m.exit_code)
        _merge(traffic, m.traffic)
        trees.append(m.tree_peak_mb)
        peaks.append(m.process_peak_mb)
        f, t = prowler.count_failures(target)
        failed, total = failed + f, total + t
    exit_code = next((c for c in codes if c not in (0,)), 0)
    merged = Measured(walls, exit_code, timed_out, traffic, max(trees), max(peaks), max(peaks),
                      cpu, moto_cpu)
    result = _result(f"prowler ({shape.accounts} runs)", 0, merged, failed, total - failed, 0,
                     0, [])
    return result, note


def _merge(into: Traffic, part: Traffic) -> None:
    into.requests.update(part.requests)
    into.throttled.update(part.throttled)
    into.gaps.update(part.gaps)
    into.statuses.update(part.statuses)
    into.seconds.update(part.seconds)
    into.response_bytes.update(part.response_bytes)
    into.answered.update(part.answered)
    into.digest_operation.update(part.digest_operation)
    into.by_account.update(part.by_account)
    into.peak_in_flight = max(into.peak_in_flight, part.peak_in_flight)
    into.busy_seconds += part.busy_seconds
    span = (part.last or 0) - (part.first or 0)
    into.first = 0.0 if into.first is None else into.first
    into.last = (into.last or 0.0) + span


# -- printing --------------------------------------------------------------------------------


def table(results: list[RunResult], shape: Shape) -> str:
    head = ("| scenario | run | wall s | requests | repeated reads | peak RSS MB (tree / "
            "largest process) | findings | passed / errors / skipped |")
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {shape.label} | {r.name} | {r.wall_s:.1f} | {r.requests} | "
                     f"{r.repeated_reads} | {r.tree_peak_rss_mb:.0f} / "
                     f"{r.process_peak_rss_mb:.0f} | {r.findings} | "
                     f"{r.passed} / {r.errors} / {r.skipped} |")
    return "\n".join(lines)


def report_run(r: RunResult, latency_s: float) -> None:
    state = "TIMED OUT" if r.timed_out else f"exit {r.exit_code}"
    print(f"\n== {r.name}: {r.wall_s:.1f} s ({state})")
    print(f"   CPU: scanner {r.cpu_s:.1f} s (pytest's process {r.controller_cpu_s:.1f} s, "
          f"busiest worker {r.worker_cpu_s:.1f} s; "
          f"{1000 * r.cpu_s / max(1, r.tests):.2f} ms per test), moto meanwhile "
          f"{r.moto_cpu_s:.1f} s")
    print(f"   requests {r.requests} ({r.requests_without_sts} without sts), throttled "
          f"{r.throttled}, in flight peak {r.peak_in_flight} / mean {r.mean_in_flight:.1f}")
    print("   top operations: " + ", ".join(f"{op} {n}" for op, n in r.top_operations))
    print(f"   time answering (sum over requests) {r.answer_seconds:.1f} s; slowest: "
          + ", ".join(f"{op} {sec:.1f} s/{n}" for op, sec, n in r.slowest_operations))
    print(f"   response bytes {r.response_mb:.1f} MB; largest: "
          + ", ".join(f"{op} {mb:.1f} MB/{n}" for op, mb, n in r.largest_responses))
    if r.gap_answers:
        print("   answered by the proxy for moto (gaps.py): "
              + ", ".join(f"{op} {n}" for op, n in r.gap_answers))
    print(f"   identical reads sent more than once: {r.repeated_reads} extra sends "
          f"({r.repeated_without_sts} outside sts)"
          + (": " + ", ".join(f"{op} {n}" for op, n in r.repeated_by_operation)
             if r.repeated_by_operation else ""))
    print(f"   peak RSS: tree {r.tree_peak_rss_mb:.0f} MB, largest process "
          f"{r.process_peak_rss_mb:.0f} MB, largest worker {r.worker_peak_rss_mb:.0f} MB, "
          f"pytest's process (xdist controller) {r.controller_peak_rss_mb:.0f} MB")
    print(f"   findings (failed) {r.findings}, passed {r.passed}, errors {r.errors}, "
          f"skipped {r.skipped}")
    if r.phases:
        print("   where the time went: " + ", ".join(f"{name} {sec:.2f} s"
                                                   for name, sec in r.phases))
    for message, count in r.error_messages:
        print(f"     error x{count}: {message}")
    if latency_s:
        bound = r.bound_s(latency_s)
        print(f"   bound: requests x {latency_s * 1000:.0f} ms / concurrency "
              f"{max(1, r.peak_in_flight)} = {bound:.1f} s; wall / bound = "
              f"{r.wall_s / bound if bound else float('nan'):.2f}")
        both = max(bound, r.cpu_bound_s())
        print(f"   CPU bound {r.cpu_bound_s():.1f} s; wall / max(latency bound, CPU bound) = "
              f"{r.wall_s / both if both else float('nan'):.2f}")


def report_checks(results: list[RunResult], latency_s: float) -> list[str]:
    """The issue's targets, one line each."""
    lines = []
    by_workers = {r.workers: r for r in results if r.name.startswith("pytest")}
    base, wide = by_workers.get(0), by_workers.get(max(by_workers, default=0))
    if base and wide and wide is not base:
        lines.append(f"(1) requests -n {wide.workers} == -n 0: "
                     f"{'yes' if wide.requests == base.requests else 'NO'} "
                     f"({wide.requests} vs {base.requests}; without sts "
                     f"{wide.requests_without_sts} vs {base.requests_without_sts})")
    for r in by_workers.values():
        if base and r is not base:
            diff = operation_diff(base.operations, r.operations)
            if diff:
                lines.append(f"    -n {r.workers} minus -n 0, by operation: {diff}")
    for r in by_workers.values():
        lines.append(f"(1) no identical read sent twice, -n {r.workers}: "
                     f"{'yes' if r.repeated_reads == 0 else 'NO'} ({r.repeated_reads} extra, "
                     f"{r.repeated_without_sts} outside sts)")
    if latency_s:
        for r in by_workers.values():
            ratio = r.wall_s / r.bound_s(latency_s) if r.bound_s(latency_s) else float("nan")
            lines.append(f"(2) -n {r.workers}: wall {r.wall_s:.1f} s vs bound "
                         f"{r.bound_s(latency_s):.1f} s (x{ratio:.2f}; target <= 2)")
    for r in by_workers.values():
        lines.append(f"(4) -n {r.workers}: peak RSS per worker {r.worker_peak_rss_mb:.0f} MB "
                     f"({'<' if r.worker_peak_rss_mb < 200 else 'NOT <'} 200 MB)")
    for r in by_workers.values():  # issue 17's targets
        both = max(r.bound_s(latency_s), r.cpu_bound_s())
        per_test = 1000 * r.cpu_s / max(1, r.tests)
        lines.append(
            f"(17) -n {r.workers}: wall / max(latency bound {r.bound_s(latency_s):.1f} s, CPU "
            f"bound {r.cpu_bound_s():.1f} s) = x{r.wall_s / both if both else float('nan'):.2f} "
            f"(target <= 1.5); scanner CPU {per_test:.2f} ms per test (target <= 1); largest "
            f"process {r.process_peak_rss_mb:.0f} MB (target <= 300)")
    return lines


def operation_diff(base: dict[str, int], other: dict[str, int]) -> str:
    """Operations whose request counts differ, e.g. ``s3:GetBucketAcl +142``."""
    changed = {op: other.get(op, 0) - base.get(op, 0) for op in {*base, *other}}
    return ", ".join(f"{op} {n:+d}" for op, n in sorted(changed.items(), key=lambda x: -abs(x[1]))
                     if n)


def report_prowler(ours: list[RunResult], theirs: RunResult) -> list[str]:
    lines = []
    for r in ours:
        lines.append(
            f"(3) Prowler / {r.name}: wall x{theirs.wall_s / r.wall_s:.2f}, requests "
            f"x{theirs.requests / max(1, r.requests):.2f}, peak RSS (largest process) "
            f"x{theirs.process_peak_rss_mb / max(1.0, r.process_peak_rss_mb):.2f}, tree "
            f"x{theirs.tree_peak_rss_mb / max(1.0, r.tree_peak_rss_mb):.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the bundled catalog on moto.")
    parser.add_argument("--small", action="store_true",
                        help="the small organization: 3 accounts x 2 regions x 3 resources, "
                             "-n 0 (explicit --accounts/--regions/--resources/--workers win)")
    parser.add_argument("--accounts", type=int, default=None)
    parser.add_argument("--regions", type=int, default=None)
    parser.add_argument("--resources", type=int, default=None, help="per type, account, region")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to each request")
    parser.add_argument("--throttle", type=float, default=0.0,
                        help="fraction of requests answered with a throttling error")
    parser.add_argument("--seed", type=int, default=1, help="seed of the throttled fraction")
    parser.add_argument("--workers", default=None, help="xdist -n values, comma-separated")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument("--prowler", choices=("auto", "yes", "no"), default="auto",
                        help="run the Prowler anchor (auto: if installed)")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments")
    args = parser.parse_args(argv)
    for name, usual, small in (("accounts", 2, 3), ("regions", 1, 2), ("resources", 5, 3),
                               ("workers", "0,2,4", "0")):
        if getattr(args, name) is None:
            setattr(args, name, small if args.small else usual)
    shape = Shape(args.accounts, args.regions, args.resources)
    shape.region_names()
    out = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{shape.label}-{args.latency_ms:g}ms"
    out.mkdir(parents=True, exist_ok=True)
    latency_s = args.latency_ms / 1000.0
    print(f"scenario {shape.label} (accounts x regions x resources per type), latency "
          f"{args.latency_ms:g} ms, throttle {args.throttle:g}; results in {out}")
    server = MotoServer.start(out / "moto.log")
    proxy = CountingProxy(server.port, Injection(args.latency_ms, args.throttle, args.seed),
                          caller_account=CALLER_ACCOUNT).start()
    results: list[RunResult] = []
    notes: list[str] = []
    try:
        seconds = seed(server.endpoint, shape, progress=lambda line: None)
        print(f"seeded in {seconds:.1f} s (moto RSS {server.rss_mb():.0f} MB)")
        with hosts.s3control_names([CALLER_ACCOUNT, *shape.account_ids()]), \
                tempfile.TemporaryDirectory(prefix="awsbench-") as tmp:
            cwd = Path(tmp)
            env = scan_env(proxy, cwd)
            warm_up(env, cwd, out)
            for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
                result = run_scanner(workers, shape, proxy, out, env, cwd, args.timeout,
                                     args.pytest_args.split(), server.process.pid)
                results.append(result)
                report_run(result, latency_s)
            ours = list(results)
            if args.prowler != "no":
                theirs, note = run_prowler(shape, proxy, out, env, cwd, args.timeout,
                                           server.process.pid)
                notes.append(f"prowler: {note}")
                print(f"\nprowler: {note}")
                if theirs is None and args.prowler == "yes":
                    return 2
                if theirs is not None:
                    results.append(theirs)
                    report_run(theirs, latency_s)
    finally:
        proxy.stop()
        server.stop()
    checks = report_checks(results, latency_s)
    if len(results) > len(ours):
        checks += report_prowler(ours, results[-1])
    summary = table(results, shape)
    print("\n" + summary + "\n\n" + "\n".join(checks))
    (out / "summary.md").write_text(summary + "\n\n" + "\n".join(checks + notes) + "\n")
    (out / "summary.json").write_text(json.dumps({
        "scenario": asdict(shape), "latency_ms": args.latency_ms, "throttle": args.throttle,
        "runs": [asdict(r) for r in results], "checks": checks, "notes": notes,
    }, indent=2, default=str))
    return 0 if all(not r.timed_out for r in results) else 1


def _stop(signum: int, _: Any) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    raise SystemExit(main())
