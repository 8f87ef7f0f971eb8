"""Benchmark: privilege-escalation analysis for 1,000 principals x 10 policies.

Run with ``python benchmarks/bench_privesc.py [--principals N] [--seed S]``.
Every principal gets ten *distinct* policy documents (random names, ARNs and
mixes of read-only, scoped, wildcard, Deny, NotAction and conditional
statements), so no compiled policy is shared between principals: this is the
worst case for the evaluator's per-policy caches. About one principal in ten
has a permissions boundary; all share a two-level SCP chain. The budget is
2 s on one core for the escalation analysis.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytest_awscompliance.analysis.iam import Decision, escalation_paths, parse_policy

Doc = dict[str, Any]
SERVICES = ["s3", "dynamodb", "sqs", "sns", "logs", "cloudwatch", "kms", "ec2", "lambda", "ecs"]


def _doc(*statements: Doc) -> Doc:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _read_only(rng: random.Random) -> Doc:
    services = rng.sample(SERVICES, 4)
    actions = [f"{s}:{verb}*" for s in services for verb in ("Get", "List", "Describe")]
    return _doc({"Effect": "Allow", "Action": actions, "Resource": "*"})


def _scoped(rng: random.Random) -> Doc:
    n, acct = rng.randrange(10**6), rng.randrange(10**11, 10**12)
    return _doc(
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"arn:aws:s3:::bucket-{n}/*",
        },
        {
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem", "dynamodb:Query"],
            "Resource": f"arn:aws:dynamodb:eu-west-1:{acct}:table/t-{n}",
        },
        {
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": f"arn:aws:lambda:eu-west-1:{acct}:function:fn-{n}",
        },
    )


def _wildcard(rng: random.Random) -> Doc:
    return _doc(
        {"Effect": "Allow", "Action": [f"{s}:*" for s in rng.sample(SERVICES, 2)], "Resource": "*"}
    )


def _deny(rng: random.Random) -> Doc:
    n = rng.randrange(10**6)
    return _doc(
        {"Effect": "Deny", "Action": ["iam:DeleteRole", "s3:DeleteBucket"], "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "NotResource": [f"arn:aws:s3:::team-{n}/*"]},
    )


def _not_action(rng: random.Random) -> Doc:
    excluded = ["iam:*", "organizations:*", "account:*"][: rng.randint(1, 3)]
    return _doc({"Effect": "Allow", "NotAction": excluded, "Resource": "*"})


def _conditional(rng: random.Random) -> Doc:
    region = rng.choice(["eu-west-1", "us-east-1", "ap-southeast-2"])
    return _doc(
        {
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
        },
        {
            "Effect": "Deny",
            "NotAction": [
                "iam:CreateVirtualMFADevice",
                "iam:EnableMFADevice",
                "sts:GetSessionToken",
            ],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )


def _developer(rng: random.Random) -> Doc:
    acct = rng.randrange(10**11, 10**12)
    return _doc(
        {
            "Effect": "Allow",
            "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:Get*"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": f"arn:aws:iam::{acct}:role/app-*",
        },
        {"Effect": "Allow", "Action": "cloudformation:*", "Resource": "*"},
    )


def _self_service(rng: random.Random) -> Doc:
    acct = rng.randrange(10**11, 10**12)
    return _doc(
        {
            "Effect": "Allow",
            "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateLoginProfile"],
            "Resource": f"arn:aws:iam::{acct}:user/${{aws:username}}",
        }
    )


def _admin(rng: random.Random) -> Doc:
    return _doc({"Effect": "Allow", "Action": "*", "Resource": "*", "Sid": f"Admin{rng.random()}"})


TEMPLATES = [
    (_read_only, 30),
    (_scoped, 25),
    (_wildcard, 12),
    (_deny, 8),
    (_not_action, 3),
    (_conditional, 10),
    (_developer, 6),
    (_self_service, 5),
    (_admin, 1),
]


def generate(principals: int, seed: int) -> list[tuple[list[Doc], Doc | None]]:
    """``principals`` x (10 distinct policy documents, optional boundary)."""
    rng = random.Random(seed)
    makers = [t for t, _ in TEMPLATES]
    weights = [w for _, w in TEMPLATES]
    result = []
    for _ in range(principals):
        docs = [maker(rng) for maker in rng.choices(makers, weights, k=10)]
        boundary = _wildcard(rng) if rng.random() < 0.1 else None
        result.append((docs, boundary))
    return result


SCP_LEVELS = [
    [_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})],
    [
        _doc(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
        )
    ],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principals", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    data = generate(args.principals, args.seed)
    start = time.perf_counter()
    parsed = [
        ([parse_policy(d) for d in docs], b and parse_policy(b, kind="boundary"))
        for docs, b in data
    ]
    scps = [[parse_policy(d, kind="scp") for d in level] for level in SCP_LEVELS]
    parse_time = time.perf_counter() - start

    # The timed section starts from a collected heap: it should not pay for a full garbage
    # collection of the objects the untimed parse made (about 0.1 s under load).
    gc.collect()
    start, cpu_start = time.perf_counter(), time.process_time()
    results = [escalation_paths(policies, boundary=b, scp_levels=scps) for policies, b in parsed]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    decisions = Counter(f.decision for findings in results for f in findings)
    flagged = sum(1 for findings in results if findings)
    print(f"principals:          {len(parsed)} x 10 distinct policies (seed {args.seed})")
    print(f"parse time:          {parse_time:.3f} s")
    print(f"escalation wall:     {wall:.3f} s  ({len(parsed) / wall:,.0f} principals/s)")
    print(f"escalation CPU:      {cpu:.3f} s  ({len(parsed) / cpu:,.0f} principals/s)")
    print(f"total (parse+eval):  {parse_time + wall:.3f} s")
    print(
        f"findings:            {sum(decisions.values())} "
        f"(ALLOW {decisions[Decision.ALLOW]}, CONDITIONAL {decisions[Decision.CONDITIONAL]}); "
        f"principals with a finding: {flagged}"
    )
    print("budget (< 2 s):      " + ("OK" if wall < 2.0 else "EXCEEDED"))


if __name__ == "__main__":
    main()
