"""Keep a seeded scenario up behind the counting proxy, for profiling one scanner run by hand.

    python benchmarks/serve.py --accounts 4 --regions 2 --resources 50 --latency-ms 50 \
        --env /tmp/scenario.env

Starts moto and the proxy as ``run.py`` does, seeds the scenario, adds the S3 Control host
names (needs root), writes the scanner's environment to ``--env`` as ``export`` lines and the
scanner's target options to ``<env>.args``, then waits until interrupted (or ``--timeout``
seconds) and removes everything again. Then, for example::

    . /tmp/scenario.env && cd "$AWSBENCH_CWD" && \
        python -m cProfile -o /tmp/n0.prof -m pytest --pyargs compliance_tests \
        -p no:cacheprovider -q --tb=no $(cat /tmp/scenario.env.args)
"""

from __future__ import annotations

import argparse
import shlex
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import hosts
from proxy import CountingProxy, Injection
from run import scan_env, warm_up
from scenario import CALLER_ACCOUNT, ROLE_NAME, MotoServer, Shape, seed


def target_args(shape: Shape) -> list[str]:
    """The scanner options that name the scenario's targets."""
    args = ["--aws-role-name", ROLE_NAME]
    for account in shape.account_ids():
        args += ["--aws-account", account]
    for region in shape.region_names():
        args += ["--aws-region", region]
    return args


def _stop(signum: int, _: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2)
    parser.add_argument("--regions", type=int, default=1)
    parser.add_argument("--resources", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--env", type=Path, required=True, help="where to write the exports")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to stay up")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    shape = Shape(args.accounts, args.regions, args.resources)
    log_dir = Path(tempfile.mkdtemp(prefix="awsbench-serve-"))
    server = MotoServer.start(log_dir / "moto.log")
    proxy = CountingProxy(server.port, Injection(args.latency_ms),
                          caller_account=CALLER_ACCOUNT).start()
    try:
        seconds = seed(server.endpoint, shape, progress=lambda line: None)
        with hosts.s3control_names([CALLER_ACCOUNT, *shape.account_ids()]), \
                tempfile.TemporaryDirectory(prefix="awsbench-") as tmp:
            env = scan_env(proxy, Path(tmp))
            warm_up(env, Path(tmp), log_dir)
            exports = {k: v for k, v in env.items() if k.startswith(("AWS_", "HTTP", "http",
                                                                     "NO_", "no_"))}
            exports["AWSBENCH_CWD"] = tmp
            args.env.write_text("".join(f"export {k}={shlex.quote(v)}\n"
                                        for k, v in sorted(exports.items())))
            Path(f"{args.env}.args").write_text(" ".join(target_args(shape)) + "\n")
            print(f"scenario {shape.label} seeded in {seconds:.1f} s, proxy {proxy.endpoint} "
                  f"({args.latency_ms:g} ms); environment in {args.env}", flush=True)
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
