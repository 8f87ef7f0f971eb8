"""How the HTML report holds up at organization size: size, load and sort time in Chromium.

    python benchmarks/report_html.py --accounts 10 --regions 2 --resources 50

Generates a synthetic results set shaped like the benchmark scenario (``run.py``): every
control of a small table judged on each resource of each account and region, about 40 %
failing, a few errors and waivers. The results go through pytest, this plugin's reporting
and pytest-html, exactly as in a scan (inline "controls" carry the properties a control item
gets, so no AWS is needed). Then headless Chromium (a fresh profile, no network) opens the
report with a probe script appended that measures, with the page's own clock, the time to
load and render, and the time to sort by severity (a click on the Severity header and the
redraw, layout included). Prints the figures, and with ``--screenshot PATH`` saves a
screenshot of the report.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")

# (control id, severity, fails on every n-th resource, title)
BASE = (
    ("s3-bucket-not-publicly-accessible", "critical", 9, "No S3 bucket is public"),
    ("iam-no-administratoraccess-for-humans", "critical", 7, "No human is an admin"),
    ("ec2-instance-imdsv2-required", "high", 2, "EC2 instances require IMDSv2"),
    ("security-group-admin-ports-closed", "high", 3, "No admin port open to the world"),
    ("ebs-volume-encrypted", "high", 2, "EBS volumes are encrypted"),
    ("s3-bucket-ssl-only", "medium", 2, "S3 buckets deny plain HTTP"),
    ("vpc-flow-logs-enabled", "medium", 3, "VPC flow logs are on"),
    ("log-group-retention-set", "medium", 2, "Log groups keep logs long enough"),
    ("ecr-lifecycle-policy", "low", 2, "ECR repositories expire stale images"),
    ("resource-tagged-owner", "low", 4, "Resources name their owner"),
    ("iam-access-analyzer-enabled", "info", 5, "Access Analyzer is enabled"),
    ("resource-in-allowed-region", "info", 6, "Resources stay in allowed regions"),
    ("kms-key-rotation", "medium", 3, "KMS keys rotate"),
)
CONTROLS = BASE + tuple((f"{cid}-2", sev, every + 1, f"{title} (second check)")
                        for cid, sev, every, title in BASE)
"""26 controls: 10 accounts x 2 regions x 50 resources give 26,000 results."""

CONFTEST = '''
import pytest


def pytest_itemcollected(item):
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return
    control, severity, title, account, region, resource = callspec.params["case"]
    item.user_properties.extend([
        ("control_id", control), ("severity", severity), ("account", account),
        ("region", region), ("resource", resource), ("title", title),
        ("frameworks", "aws-fsbp:X.1 cis-aws-3.0:1.1"),
        ("remediation", "aws example fix --resource " + resource)])
'''

TESTS = '''
import json
import pathlib

import pytest
from pytest_awscompliance.model.errors import AwsApiError

CASES = json.loads(pathlib.Path(__file__).with_name("cases.json").read_text())


@pytest.mark.parametrize("case", [c[:6] for c in CASES], ids=[c[6] for c in CASES])
def test_control(case):
    control, severity, title, account, region, resource = case
    outcome = OUTCOMES[case[5] + control]
    if outcome == "error":
        raise AwsApiError("s3", "GetBucketPolicy", "AccessDenied", "not authorized",
                          account + "/" + region)
    if outcome == "failed":
        values = {"setting": "off", "resource": resource}
        assert values["setting"] == "on", (
            f"{resource} of {account} in {region} has setting=off (expected on)")


OUTCOMES = {c[5] + c[0]: c[7] for c in CASES}
'''


def cases(accounts: int, regions: int, resources: int) -> list[list[str]]:
    """Every control on each resource of each account and region, with its outcome."""
    region_names = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"][:regions]
    found = []
    for a in range(accounts):
        account = f"{100000000000 + a * 11111:012d}"
        for region in region_names:
            for r in range(resources):
                for i, (control, severity, every, title) in enumerate(CONTROLS):
                    resource = f"res-{a:02d}-{region}-{r:03d}-{i:02d}"
                    number = a * 7 + r + i
                    outcome = ("error" if number % 397 == 0 else
                               "failed" if number % every == 0 else "passed")
                    found.append([control, severity, title, account, region, resource,
                                  f"{account}/{region}/{resource}", outcome])
    return found


def generate(workdir: Path, accounts: int, regions: int, resources: int,
             workers: int) -> tuple[Path, float, int]:
    """Run the synthetic results through pytest and pytest-html; the report and its time."""
    all_cases = cases(accounts, regions, resources)
    (workdir / "cases.json").write_text(json.dumps(all_cases), encoding="utf-8")
    (workdir / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (workdir / "test_synthetic.py").write_text(TESTS, encoding="utf-8")
    report = workdir / "report.html"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "no:hypothesispytest", f"--html={report}", "--self-contained-html"]
    if workers:
        args += ["-n", str(workers)]
    started = time.monotonic()
    subprocess.run(args, cwd=workdir, capture_output=True, text=True, check=False,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(
                       [str(Path(__file__).resolve().parent.parent),
                        os.environ.get("PYTHONPATH", "")])})
    elapsed = time.monotonic() - started
    if not report.exists():
        raise SystemExit(f"pytest wrote no report in {workdir}")
    return report, elapsed, len(all_cases)


PROBE = """<script>
(function () {
  const out = {};
  try {
    out.loadMs = Math.round(performance.now());
    out.rows = document.querySelectorAll(
      '#results-table tbody.results-table-row, #aws-results tbody tr').length;
    document.body.offsetHeight;
    out.renderedMs = Math.round(performance.now());
    const header = document.querySelector('th[data-column-type="severity"]') ||
      document.querySelector('#aws-results th[data-key="key"]');
    const start = performance.now();
    header.click();
    document.body.offsetHeight;
    out.sortMs = Math.round(performance.now() - start);
    const back = performance.now();
    header.click();
    document.body.offsetHeight;
    out.sortBackMs = Math.round(performance.now() - back);
    out.first = [...document.querySelectorAll(
      '#results-table .col-severity, #aws-results td.aws-sev')]
      .slice(0, 3).map((td) => td.textContent);
  } catch (error) {
    out.error = String(error);
  }
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = JSON.stringify(out);
  document.body.appendChild(probe);
})();
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("Chromium is needed: apt-get install -y chromium")
    return found


def measure(report: Path, workdir: Path) -> dict[str, object]:
    """Open the report in headless Chromium; the page's own load and sort times."""
    page = report.with_name(f"probe-{report.name}")
    text = report.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=workdir))
    started = time.monotonic()
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                           "--virtual-time-budget=600000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=900, check=False)
    wall = time.monotonic() - started
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise SystemExit(f"no probe output (exit {done.returncode}): {done.stderr[-2000:]}")
    seen = json.loads(html.unescape(found.group(1)))
    seen["chromiumWallS"] = round(wall, 1)
    return seen


def screenshot(report: Path, path: Path, workdir: Path, size: str = "1600,1200") -> None:
    profile = Path(tempfile.mkdtemp(prefix="chromium-shot-", dir=workdir))
    subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    f"--window-size={size}", f"--screenshot={path}", report.as_uri()],
                   capture_output=True, text=True, timeout=900, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--resources", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the report")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        report, pytest_s, count = generate(workdir, args.accounts, args.regions,
                                           args.resources, args.workers)
        sizes = {p.name: p.stat().st_size for p in sorted(workdir.glob("*.html"))}
        seen = measure(report, workdir)
        pages = {"report.html": seen}
        beside = report.with_name("report.results.html")
        if beside.exists():
            pages["report.results.html"] = measure(beside, workdir)
        if args.screenshot:
            screenshot(report, args.screenshot, workdir)
        print(f"results: {count} ({args.accounts} accounts x {args.regions} regions x "
              f"{args.resources} resources x {len(CONTROLS)} controls)")
        print(f"pytest run with the HTML report: {pytest_s:.1f} s")
        for name, size in sizes.items():
            print(f"{name}: {size / 1e6:.1f} MB")
        for name, found in pages.items():
            print(f"Chromium, {name}: loaded and rendered in {found.get('renderedMs')} ms "
                  f"({found.get('rows')} rows in the page), sort by severity "
                  f"{found.get('sortMs')} ms, back {found.get('sortBackMs')} ms, "
                  f"whole Chromium process {found['chromiumWallS']} s")
            if found.get("error"):
                print(f"probe error in {name}: {found['error']}")
        if args.keep:
            print(f"files kept in {workdir}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
