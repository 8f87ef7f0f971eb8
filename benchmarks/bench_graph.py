"""Benchmark: the escalation graph for 2,000 principals, 500 of them roles with trust policies.

Run with ``python benchmarks/bench_graph.py [--users N] [--roles N] [--seed S]``.
Users get three policies from ``bench_privesc``'s mix plus, for one in five, an
``sts:AssumeRole`` grant on a few roles; roles trust the account, named users, other roles
or a service (Lambda, EC2, Glue, ECS tasks), a few under a condition; one role in fifty is
an administrator and one in ten may pass roles. The figure is the time to build the graph
and find every principal's shortest path to admin (the per-principal control's work).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_privesc import TEMPLATES

from pytest_awscompliance.analysis.iam import parse_policy
from pytest_awscompliance.analysis.iam.graph import EscalationGraph, Subject

ACCOUNT = "123456789012"
SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "glue.amazonaws.com",
            "ecs-tasks.amazonaws.com"]
Doc = dict[str, Any]


def _doc(*statements: Doc) -> Doc:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def _trust(rng: random.Random, users: int, roles: int) -> Doc:
    pick = rng.random()
    if pick < 0.4:
        principal: Any = {"Service": rng.choice(SERVICES)}
    elif pick < 0.6:
        principal = {"AWS": ACCOUNT}
    elif pick < 0.8:
        principal = {"AWS": [_arn("user", f"u{rng.randrange(users)}") for _ in range(3)]}
    else:
        principal = {"AWS": _arn("role", f"r{rng.randrange(roles)}")}
    statement: Doc = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if rng.random() < 0.1:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return _doc(statement)


def generate(users: int, roles: int, seed: int) -> list[Subject]:
    rng = random.Random(seed)
    makers = [t for t, _ in TEMPLATES]
    weights = [w for _, w in TEMPLATES]
    subjects = []
    for i in range(users + roles):
        kind, name = ("user", f"u{i}") if i < users else ("role", f"r{i - users}")
        docs = [maker(rng) for maker in rng.choices(makers, weights, k=3)]
        if rng.random() < 0.2:
            targets = [_arn("role", f"r{rng.randrange(roles)}") for _ in range(3)]
            docs.append(_doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                              "Resource": targets}))
        if kind == "role" and rng.random() < 0.02:
            docs.append(_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
        if kind == "role" and rng.random() < 0.1:
            docs.append(_doc({"Effect": "Allow", "Action": [
                "iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                "Resource": "*"}))
        trust = parse_policy(_trust(rng, users, roles), kind="trust") if kind == "role" \
            else None
        subjects.append(Subject(kind, name, _arn(kind, name), ACCOUNT,
                                tuple(parse_policy(d) for d in docs), trust=trust))
    return subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--roles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()

    start = time.perf_counter()
    subjects = generate(args.users, args.roles, args.seed)
    generate_time = time.perf_counter() - start

    gc.collect()  # as in bench_privesc: the timed part does not collect the parse's garbage
    start, cpu_start = time.perf_counter(), time.process_time()
    graph = EscalationGraph(subjects)
    paths = {s.arn: graph.path_to_admin(s.arn) for s in subjects}
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    found = [p for p in paths.values() if p is not None]
    kinds = Counter("definite" if p.definite else "conditional" for p in found)
    hops = Counter(len(p.hops) for p in found)
    edges = sum(len(graph.edges(s.arn)) for s in subjects)
    admins = sum(1 for s in subjects if graph.is_admin(s.arn))
    total = len(subjects)
    print(f"principals:          {total} ({args.users} users, {args.roles} roles with trust "
          f"policies; seed {args.seed})")
    print(f"generate + parse:    {generate_time:.3f} s")
    print(f"graph + all paths:   {wall:.3f} s wall, {cpu:.3f} s CPU  "
          f"({total / cpu:,.0f} principals/s)")
    print(f"edges:               {edges}; administrators: {admins}")
    print(f"paths to admin:      {len(found)} (definite {kinds['definite']}, conditional "
          f"{kinds['conditional']}); hops: {dict(sorted(hops.items()))}")


if __name__ == "__main__":
    main()
