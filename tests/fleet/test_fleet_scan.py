"""12 moto accounts in 4 shards, each run as its own process exactly as an engine runs it
(index variable set, own output directory), then merged, resumed and compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pytest_awscompliance.fleet import diff, merge, records
from pytest_awscompliance.settings.sharding import shard_of

ACCOUNTS = [str(300000000001 + i) for i in range(12)]
ROLE = "audit"
REGION = "us-east-1"
SHARDS = 4
CONTROLS = '''
import pytest

from pytest_awscompliance.facts.s3 import OWNER_ENFORCED, object_ownership


@pytest.mark.severity("high")
@pytest.mark.control("tst-bucket-acls", title="bucket ACLs disabled")
def test_bucket_acls(s3_bucket, aws):
    assert object_ownership(aws, s3_bucket) == OWNER_ENFORCED, f"{s3_bucket.name} uses ACLs"


@pytest.mark.severity("low")
@pytest.mark.control("tst-account", title="account reachable")
def test_account(aws_account):
    pass
'''


class Org:
    """A moto server seeded with ACCOUNTS, and the scans run against it."""

    def __init__(self, endpoint: str, root: Path) -> None:
        self.endpoint = endpoint
        self.root = root
        self.controls = root / "test_controls.py"
        self.controls.write_text(CONTROLS)

    def s3(self, account: str):
        base = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             region_name=REGION)
        creds = base.client("sts", endpoint_url=self.endpoint).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
        return boto3.client("s3", region_name=REGION, endpoint_url=self.endpoint,
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])

    def bucket(self, account: str, name: str, *, compliant: bool) -> None:
        s3 = self.s3(account)
        s3.create_bucket(Bucket=name)
        self.ownership(account, name, compliant=compliant)

    def ownership(self, account: str, name: str, *, compliant: bool) -> None:
        value = "BucketOwnerEnforced" if compliant else "ObjectWriter"
        self.s3(account).put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": value}]})

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION=REGION, AWS_ENDPOINT_URL=self.endpoint,
                   AWS_CONFIG_FILE="/nonexistent/aws-config",
                   AWS_SHARED_CREDENTIALS_FILE="/nonexistent/aws-credentials")
        env.update(extra)
        return env

    def argv(self, *extra: str) -> list[str]:
        argv = [sys.executable, "-m", "pytest", str(self.controls), "-q", "-p",
                "no:cacheprovider", "-p", "no:hypothesispytest", "--aws-role-name", ROLE,
                "--aws-region", REGION, *extra]
        for account in ACCOUNTS:
            argv += ["--aws-account", account]
        return argv

    def shard_dir(self, index: int) -> Path:
        return self.root / "out" / f"shard-{index}"

    def start_shard(self, index: int, *extra: str) -> subprocess.Popen[str]:
        """As a Kubernetes Indexed Job pod runs it: JOB_COMPLETION_INDEX set, own dir."""
        return subprocess.Popen(
            self.argv("--aws-shard-index-from", "JOB_COMPLETION_INDEX", "--aws-shard-count",
                      str(SHARDS), "--compliance-output-dir", str(self.shard_dir(index)),
                      *extra),
            env=self.env(JOB_COMPLETION_INDEX=str(index)), cwd=self.root, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def run(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*extra), env=self.env(), cwd=self.root, text=True,
                              capture_output=True, timeout=120)


def awscompliance(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest_awscompliance", *map(str, args)],
                          text=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    org = Org(f"http://{host}:{port}", tmp_path_factory.mktemp("fleet"))
    try:
        for n, account in enumerate(ACCOUNTS):
            org.bucket(account, f"b-{account}", compliant=n % 2 == 0)
        procs = [org.start_shard(i) for i in range(SHARDS)]
        for proc in procs:
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode in (0, 1), out  # 1: an odd account fails tst-bucket-acls
        whole = org.run("--compliance-json", str(org.root / "whole.json"))
        assert whole.returncode == 1, whole.stdout + whole.stderr
        yield org
    finally:
        server.stop()


def outcomes(findings: list[dict]) -> dict[str, str]:
    return {records.uid(r): records.outcome(r) for r in findings}


def test_merged_shards_equal_the_unsharded_scan(org: Org) -> None:
    dirs = [org.shard_dir(i) for i in range(SHARDS)]
    for i, directory in enumerate(dirs):
        data = json.loads((directory / "manifest.json").read_text())
        assert data["shard"] == {"index": i + 1, "count": SHARDS}
        assert data["exit_status"] in (0, 1) and data["organization_accounts"] == ACCOUNTS
        assert data["accounts"] == [a for a in ACCOUNTS if shard_of(a, SHARDS) == i + 1]
        assert data["versions"]["botocore"] and data["files"]["junit.xml"] == "junit.xml"
    out = org.root / "merged"
    out.mkdir()
    result = awscompliance("merge", *dirs, "--compliance-json", out / "findings.json",
                           "--junitxml", out / "junit.xml", "--html", out / "report.html")
    assert result.returncode == 1, result.stdout + result.stderr  # findings, all scanned
    merged = json.loads((out / "findings.json").read_text())
    whole = json.loads((org.root / "whole.json").read_text())
    assert outcomes(merged) == outcomes(whole)
    assert len(merged) == 2 * len(ACCOUNTS)
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert sum(int(s.get("tests")) for s in suites) == 2 * len(ACCOUNTS)
    page = (out / "report.html").read_text()
    assert "NOT SCANNED" not in page and "b-300000000002" in page


def test_a_missing_shard_fails_the_merge_naming_its_accounts(org: Org, tmp_path: Path) -> None:
    present = [org.shard_dir(i) for i in (0, 1, 3)]
    missing = sorted(a for a in ACCOUNTS if shard_of(a, SHARDS) == 3)
    result = awscompliance("merge", *present, "--compliance-json", tmp_path / "f.json",
                           "--html", tmp_path / "r.html")
    assert result.returncode == 2, result.stdout + result.stderr
    named = sorted(line.split()[2].rstrip(":") for line in result.stdout.splitlines()
                   if line.startswith("NOT SCANNED"))
    assert named == missing
    findings = json.loads((tmp_path / "f.json").read_text())
    assert sorted(records.account(r) for r in findings
                  if records.control(r) == merge.NOT_SCANNED) == missing
    assert all(a in (tmp_path / "r.html").read_text() for a in missing)


def test_an_incomplete_or_duplicated_shard_is_recognised(org: Org, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "findings.json").write_text("[")  # a shard killed before its manifest
    dirs = [org.shard_dir(i) for i in range(SHARDS - 1)] + [broken]
    result = awscompliance("merge", *dirs)
    assert result.returncode == 2
    assert f"incomplete: {broken}: incomplete (no manifest.json)" in result.stdout
    dup = awscompliance("merge", org.shard_dir(0), org.shard_dir(0), org.shard_dir(1))
    assert dup.returncode == 4 and "duplicated shard 1/4" in dup.stderr


def test_resume_skips_complete_shards_and_completes_the_merge(org: Org) -> None:
    done = org.shard_dir(0) / "manifest.json"
    before = done.read_text()
    again = org.start_shard(0, "--compliance-resume")
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0 and "already complete" in out, out
    assert done.read_text() == before
    lost = org.shard_dir(2) / "manifest.json"
    lost.unlink()  # the pod of index 2 died: the engine re-runs that index
    assert awscompliance("merge", *[org.shard_dir(i) for i in range(SHARDS)]).returncode == 2
    rerun = org.start_shard(2, "--compliance-resume")
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode in (0, 1) and lost.is_file(), out
    assert awscompliance("merge", *[org.shard_dir(i) for i in range(SHARDS)]).returncode == 1


def test_merge_into_one_output_dir_with_a_manifest(org: Org, tmp_path: Path) -> None:
    dirs = [org.shard_dir(i) for i in range(SHARDS)]
    out = tmp_path / "organization" / "nightly"  # created, parents too
    result = awscompliance("merge", *dirs, "--output-dir", out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"merged output: {out} (manifest.json)" in result.stdout
    data = json.loads((out / "manifest.json").read_text())
    assert data["shard"] is None and data["exit_status"] == 1
    assert data["accounts"] == data["organization_accounts"] == ACCOUNTS
    assert data["files"] == {n: n for n in ("findings.json", "junit.xml", "report.html")}
    assert [d["shard"]["index"] for d in data["merged_from"]] == [1, 2, 3, 4]
    assert data["versions"]["botocore"] and data["counts"] == {"passed": 18, "failed": 6}
    whole = records.load(org.root / "whole.json")
    assert outcomes(records.load(out)) == outcomes(whole)
    assert "b-300000000002" in (out / "report.html").read_text()
    assert sum(int(s.get("tests")) for s in
               ET.parse(out / "junit.xml").getroot().findall("testsuite")) == 2 * len(ACCOUNTS)
    # The merged directory is a scan in its own right: diff and merge read it.
    changes = diff.compare(whole, records.load(out))
    assert {c for c, found in changes.items() if found} == {"still_failing"}
    assert awscompliance("diff", org.root / "whole.json", out, "--fail-on", "info").returncode == 0
    assert awscompliance("merge", out).returncode == 1
    # A merge with an account NOT SCANNED writes exit status 2: itself incomplete.
    partial = tmp_path / "partial"
    assert awscompliance("merge", *dirs[:3], "--output-dir", partial).returncode == 2
    assert json.loads((partial / "manifest.json").read_text())["exit_status"] == 2
    assert awscompliance("merge", partial).returncode == 2


@pytest.mark.parametrize(("extra", "line"), [
    (["--html", "r.html"], "--html: not with --output-dir"),
    (["--output-dir", "SHARD"], "is one of the directories being merged"),
    (["--output-dir", "FILE"], "exists and is not a directory"),
])
def test_merge_output_dir_refuses_bad_input(org: Org, tmp_path: Path, extra: list[str],
                                            line: str) -> None:
    before = sorted(p.name for p in org.shard_dir(0).iterdir())
    (tmp_path / "FILE").write_text("x")
    args = [str(org.shard_dir(0)) if a == "SHARD" else str(tmp_path / a) if a == "FILE" else a
            for a in extra]
    if "--output-dir" not in args:
        args += ["--output-dir", str(tmp_path / "out")]
    result = awscompliance("merge", org.shard_dir(0), *args)
    assert result.returncode == 4 and line in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    assert sorted(p.name for p in org.shard_dir(0).iterdir()) == before


def test_a_shard_under_xdist_writes_the_same_findings(org: Org, tmp_path: Path) -> None:
    out = tmp_path / "shard-1-xdist"
    proc = subprocess.run(
        org.argv("-n", "2", "--aws-shard-index-from", "JOB_COMPLETION_INDEX",
                 "--aws-shard-count", str(SHARDS), "--compliance-output-dir", str(out)),
        env=org.env(JOB_COMPLETION_INDEX="1"), cwd=org.root, text=True, capture_output=True,
        timeout=180)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "bringing up nodes" in proc.stdout, proc.stdout  # xdist really ran
    serial = json.loads((org.shard_dir(1) / "manifest.json").read_text())
    xdist = json.loads((out / "manifest.json").read_text())
    for key in ("shard", "accounts", "regions", "organization_accounts", "counts",
                "exit_status", "files", "closed_regions"):
        assert xdist[key] == serial[key], key
    assert xdist["counts"]
    assert outcomes(records.load(out / "findings.json")) \
        == outcomes(records.load(org.shard_dir(1) / "findings.json"))
    cases = ET.parse(out / "junit.xml").getroot().iter("testcase")
    assert sum(1 for _ in cases) == sum(xdist["counts"].values())


def test_every_fleet_option_has_an_ini_twin(org: Org) -> None:
    ini_dir = org.root / "ini"
    ini_dir.mkdir()
    ini = ini_dir / "pytest.ini"
    ini.write_text("[pytest]\naws_shard_index_from = JOB_COMPLETION_INDEX\n"
                   f"aws_shard_count = {SHARDS}\ncompliance_output_dir = out\n"
                   "compliance_output_snapshot = true\ncompliance_resume = true\n"
                   "compliance_baseline = ../whole.json\n")

    def shard() -> subprocess.CompletedProcess[str]:
        return subprocess.run(org.argv("-c", str(ini)), env=org.env(JOB_COMPLETION_INDEX="1"),
                              cwd=org.root, text=True, capture_output=True, timeout=120)

    first = shard()
    out = ini_dir / "out"  # relative to the ini file, not to the working directory
    assert first.returncode in (0, 1), first.stdout + first.stderr
    data = json.loads((out / "manifest.json").read_text())
    assert data["shard"] == {"index": 2, "count": SHARDS}
    assert data["files"] == {name: name for name in ("findings.json", "junit.xml",
                                                     "snapshot.json")}
    findings = records.load(out / "findings.json")
    assert outcomes(findings) == outcomes(records.load(org.shard_dir(1) / "findings.json"))
    failed = [r for r in findings if records.outcome(r) == "failed"]
    assert failed and {r["unmapped"]["baseline"] for r in failed} == {"known"}
    again = shard()
    assert again.returncode == 0 and "already complete" in again.stdout, again.stdout


def test_diff_of_a_changed_organization_lists_exactly_the_changes(org: Org) -> None:
    a, b, c, d = ACCOUNTS[0], ACCOUNTS[1], ACCOUNTS[3], ACCOUNTS[4]
    org.ownership(a, f"b-{a}", compliant=False)  # new failure
    org.ownership(b, f"b-{b}", compliant=True)  # fixed
    org.s3(c).delete_bucket(Bucket=f"b-{c}")  # gone
    org.bucket(d, f"new-{d}", compliant=False)  # new failure, new resource
    second = org.run("--compliance-json", str(org.root / "second.json"),
                     "--compliance-baseline", str(org.root / "whole.json"),
                     "--junitxml", str(org.root / "second.xml"))
    assert second.returncode == 1, second.stdout + second.stderr
    assert "2 new failure(s), 4 known" in second.stdout
    old = records.load(org.root / "whole.json")
    new = records.load(org.root / "second.json")
    changes = diff.compare(old, new)
    resources = {cat: sorted(ch.resource for ch in found) for cat, found in changes.items()}
    assert resources["new_failures"] == [f"arn:aws:s3:::b-{a}", f"arn:aws:s3:::new-{d}"]
    assert resources["fixed"] == [f"arn:aws:s3:::b-{b}"]
    assert resources["gone"] == [f"arn:aws:s3:::b-{c}"]
    assert len(changes["still_failing"]) == 4
    assert not changes["new_errors"] and not changes["newly_waived"]
    marks = {r["resources"][0]["uid"]: r["unmapped"]["baseline"] for r in new
             if records.outcome(r) == "failed"}
    assert marks[f"arn:aws:s3:::b-{a}"] == "new" and marks[f"arn:aws:s3:::b-{ACCOUNTS[5]}"] \
        == "known"
    xml = (org.root / "second.xml").read_text()
    assert xml.count('name="baseline" value="new"') == 2
    result = awscompliance("diff", org.root / "whole.json", org.root / "second.json",
                           "--fail-on", "high")
    assert result.returncode == 1 and "**2** new failures" in result.stdout, result.stdout
    low = awscompliance("diff", org.root / "whole.json", org.root / "second.json",
                        "--fail-on", "critical")
    assert low.returncode == 0
