"""Benchmark the fan-out: N accounts in S shards (each shard its own process, as one engine
task) against one unsharded run, on the seeded moto scenario of run.py; print the figures.

    python benchmarks/fleet.py --accounts 30 --regions 2 --resources 20 --shards 6

Per shard: wall, CPU (user + system of its process tree), peak RSS (tree and largest
process); then the merge's wall time. Shards run one after the other, each with
``-n WORKERS`` (default 2, a 2-core task): the slowest shard's wall is what the fan-out
takes when every shard has its own task. Findings of the merge are checked against the
unsharded run (same finding uids, same outcomes).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hosts
from proxy import CountingProxy, Injection
from run import RESULTS, measure, scan_env, warm_up
from scenario import CALLER_ACCOUNT, ROLE_NAME, MotoServer, Shape, seed


def scan_cmd(shape: Shape, workers: int, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "compliance_tests", "-p",
           "no:cacheprovider", "-q", "--tb=no", "-n", str(workers), "--aws-role-name",
           ROLE_NAME]
    for account in shape.account_ids():
        cmd += ["--aws-account", account]
    for region in shape.region_names():
        cmd += ["--aws-region", region]
    return cmd + extra


def outcomes(path: Path) -> dict[str, str]:
    return {r["finding_info"]["uid"]: r["unmapped"]["outcome"]
            for r in json.loads(path.read_text())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=30)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--resources", type=int, default=20)
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="xdist -n of every run")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)
    shape = Shape(args.accounts, args.regions, args.resources)
    out = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-fleet-{shape.label}-{args.shards}"
    out.mkdir(parents=True, exist_ok=True)
    print(f"scenario {shape.label}, {args.shards} shards, -n {args.workers}; results in {out}")
    server = MotoServer.start(out / "moto.log")
    proxy = CountingProxy(server.port, Injection(args.latency_ms, 0.0, 1),
                          caller_account=CALLER_ACCOUNT).start()
    rows = []
    try:
        seconds = seed(server.endpoint, shape, progress=lambda line: None)
        print(f"seeded in {seconds:.1f} s (moto RSS {server.rss_mb():.0f} MB)")
        with hosts.s3control_names([CALLER_ACCOUNT, *shape.account_ids()]), \
                tempfile.TemporaryDirectory(prefix="awsfleet-") as tmp:
            cwd = Path(tmp)
            env = scan_env(proxy, cwd)
            warm_up(env, cwd, out)
            whole = out / "whole.json"
            m = measure(scan_cmd(shape, args.workers, ["--compliance-json", str(whole)]),
                        env=env, cwd=cwd, log=out / "whole.log", proxy=proxy,
                        timeout=args.timeout, moto_pid=server.process.pid)
            rows.append(("one run", m.wall_s, m.cpu_s, m.tree_peak_mb, m.process_peak_mb,
                         m.exit_code))
            print(f"one run: wall {m.wall_s:.1f} s, CPU {m.cpu_s:.1f} s, peak RSS "
                  f"{m.tree_peak_mb:.0f} MB (largest process {m.process_peak_mb:.0f} MB)")
            for index in range(args.shards):
                directory = out / f"shard-{index}"
                cmd = scan_cmd(shape, args.workers, [
                    "--aws-shard-index-from", "SHARD", "--aws-shard-count", str(args.shards),
                    "--compliance-output-dir", str(directory)])
                m = measure(cmd, env={**env, "SHARD": str(index)}, cwd=cwd,
                            log=out / f"shard-{index}.log", proxy=proxy, timeout=args.timeout,
                            moto_pid=server.process.pid)
                accounts = len(json.loads((directory / "manifest.json").read_text())["accounts"])
                rows.append((f"shard {index} ({accounts} accounts)", m.wall_s, m.cpu_s,
                             m.tree_peak_mb, m.process_peak_mb, m.exit_code))
                print(f"{rows[-1][0]}: wall {m.wall_s:.1f} s, CPU {m.cpu_s:.1f} s, peak RSS "
                      f"{m.tree_peak_mb:.0f} MB (largest process {m.process_peak_mb:.0f} MB)")
    finally:
        proxy.stop()
        server.stop()
    merged = out / "merged"
    merged.mkdir()
    start = time.monotonic()
    merge = subprocess.run(
        [sys.executable, "-m", "pytest_awscompliance", "merge",
         *[str(out / f"shard-{i}") for i in range(args.shards)],
         "--compliance-json", str(merged / "findings.json"), "--junitxml",
         str(merged / "junit.xml"), "--html", str(merged / "report.html")],
        capture_output=True, text=True, check=False)
    merge_s = time.monotonic() - start
    same = outcomes(merged / "findings.json") == outcomes(out / "whole.json")
    shards = rows[1:]
    lines = [f"## Fan-out: {shape.label} (accounts x regions x resources), {args.shards} "
             f"shards, -n {args.workers}", "",
             "| run | wall s | CPU s | peak RSS MB (tree / largest process) | exit |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {wall:.1f} | {cpu:.1f} | {tree:.0f} / {proc:.0f} | {code} |"
              for name, wall, cpu, tree, proc, code in rows]
    lines += ["", f"slowest shard: {max(r[1] for r in shards):.1f} s; one run: "
              f"{rows[0][1]:.1f} s; total CPU of the shards {sum(r[2] for r in shards):.1f} s "
              f"vs {rows[0][2]:.1f} s; largest shard tree {max(r[3] for r in shards):.0f} MB",
              f"merge: {merge_s:.2f} s (exit {merge.returncode}); merged findings equal the "
              f"unsharded run's: {same}"]
    text = "\n".join(lines)
    print("\n" + text)
    (out / "summary.md").write_text(text + "\n")
    return 0 if same else 1


def _stop(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    raise SystemExit(main())
