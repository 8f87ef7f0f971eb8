"""``awscompliance merge`` and ``awscompliance diff`` (also ``python -m pytest_awscompliance``).

Exit codes: merge 0 all accounts scanned, nothing failed; 1 all scanned, failures or
errors (``--fail-on-severity`` as in a scan); 2 an account was NOT SCANNED; 4 bad input.
diff 0 no blocking change; 1 new failures at or above ``--fail-on``; 4 bad input.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NoReturn

from pytest_awscompliance.fleet import diff, html, manifest, merge, records
from pytest_awscompliance.fleet.closed import closed_lines
from pytest_awscompliance.model.severity import LEVELS, parse_level
from pytest_awscompliance.reporting import ocsf
from pytest_awscompliance.settings import outputs

BAD_INPUT = 4
REPORT_HTML = "report.html"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")


def _level(text: str) -> str:
    try:
        return parse_level(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


MERGE_DESCRIPTION = """Merge the output directories of a sharded scan (written by
pytest --compliance-output-dir) into one report set for the whole organization."""
MERGE_EPILOG = """exit status:
  0  every account scanned, nothing failed
  1  every account scanned; failures or errors
  2  an account NOT SCANNED: its shard missing, failed or incomplete
     (the reports are still written)
  4  bad input; nothing written"""
DIFF_DESCRIPTION = """Compare two scans: new failures, fixed, gone, still failing, new errors,
newly waived (findings matched by control, account, region and resource), as a
markdown summary fit for a pull request comment."""
DIFF_EPILOG = """exit status:
  0  no blocking change
  1  a new failure at or above --fail-on
  4  bad input"""


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="awscompliance", description="Merge and compare pytest-awscompliance "
                 "scans (see docs/organizations.md). Also: python -m pytest_awscompliance.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser,
                             metavar="{merge,diff}")
    raw = argparse.RawDescriptionHelpFormatter
    m = sub.add_parser("merge", help="merge shard output directories into one report set",
                       description=MERGE_DESCRIPTION, epilog=MERGE_EPILOG, formatter_class=raw)
    m.add_argument("directories", nargs="+", type=Path, metavar="DIR",
                   help="a shard's output directory (one per shard)")
    m.add_argument("--output-dir", type=Path, metavar="DIR",
                   help=f"write the whole merged set into DIR: {manifest.FINDINGS}, "
                        f"{manifest.JUNIT}, {REPORT_HTML} and, last, {manifest.NAME}")
    m.add_argument("--compliance-json", type=Path, metavar="PATH", help="merged OCSF findings")
    m.add_argument("--junitxml", type=Path, metavar="PATH", help="merged JUnit XML")
    m.add_argument("--html", type=Path, metavar="PATH", help="self-contained HTML page")
    m.add_argument("--fail-on-severity", type=_level, metavar="LEVEL",
                   help=f"failures below LEVEL do not fail the merge ({', '.join(LEVELS)})")
    d = sub.add_parser("diff", help="what changed between two scans",
                       description=DIFF_DESCRIPTION, epilog=DIFF_EPILOG, formatter_class=raw)
    d.add_argument("old", type=Path, metavar="OLD",
                   help="the earlier scan: an OCSF file, or a directory holding findings.json")
    d.add_argument("new", type=Path, metavar="NEW", help="the later scan (the same)")
    d.add_argument("--markdown", type=Path, metavar="PATH",
                   help="write the summary there (default: print it)")
    d.add_argument("--fail-on", type=_level, metavar="LEVEL",
                   help=f"exit 1 when a new failure is at or above LEVEL ({', '.join(LEVELS)})")
    return top


def _fail(message: str) -> int:
    print(f"awscompliance: error: {message}", file=sys.stderr)
    return BAD_INPUT


def _outputs(*paths: Path | None) -> str | None:
    for path in paths:
        if path is not None:
            problem = outputs.path_problem(path.absolute())
            if problem:
                return problem
    return None


def _output_dir(args: argparse.Namespace) -> str | None:
    """Point the three reports into ``--output-dir``; the problem with it, if any."""
    out = args.output_dir.absolute()
    taken = [name for name, value in (("--compliance-json", args.compliance_json),
                                      ("--junitxml", args.junitxml), ("--html", args.html))
             if value is not None]
    if taken:
        return (f"{taken[0]}: not with --output-dir, which writes {manifest.FINDINGS}, "
                f"{manifest.JUNIT}, {REPORT_HTML} and {manifest.NAME}")
    if any(out.resolve() == d.absolute().resolve() for d in args.directories):
        return f"--output-dir {out} is one of the directories being merged"
    if out.exists() and not out.is_dir():
        return f"--output-dir {out} exists and is not a directory"
    problem = outputs.path_problem(out / manifest.NAME, creates_parents=True)
    if problem:
        return f"--output-dir: {problem}"
    args.compliance_json, args.junitxml, args.html = \
        out / manifest.FINDINGS, out / manifest.JUNIT, out / REPORT_HTML
    return None


def run_merge(args: argparse.Namespace) -> int:
    if args.output_dir is not None:
        problem = _output_dir(args)
        if problem:
            return _fail(problem)
    else:
        problem = _outputs(args.compliance_json, args.junitxml, args.html)
        if problem:
            return _fail(problem)
    try:
        merged = merge.collect(list(args.directories))
        tree = merge.junit(merged) if args.junitxml else None
    except merge.MergeError as exc:
        return _fail(str(exc))
    if args.output_dir is not None:
        try:
            args.output_dir.absolute().mkdir(parents=True, exist_ok=True)
            (args.output_dir.absolute() / manifest.NAME).unlink(missing_ok=True)
        except OSError as exc:
            return _fail(f"--output-dir: cannot write {args.output_dir}: {exc.strerror}")
    if args.compliance_json:
        ocsf.write_atomic(args.compliance_json.absolute(), merged.findings)
    if tree is not None:
        ET.indent(tree)
        outputs.write_text_atomic(args.junitxml.absolute(), ET.tostring(
            tree, encoding="unicode", xml_declaration=True) + "\n")
    if args.html:
        outputs.write_text_atomic(args.html.absolute(), html.render(merged))
    status = merge.exit_status(merged, args.fail_on_severity)
    if args.output_dir is not None:  # last: until it is there, the directory is incomplete
        files = {p.name: p.name for p in (args.compliance_json, args.junitxml, args.html)}
        manifest.write_json_atomic(args.output_dir.absolute() / manifest.NAME,
                                   merge.merged_manifest(merged, status, files))
    complete = sum(1 for s in merged.shards if not s.problem)
    print(f"merged {complete}/{len(merged.shards)} shard(s): {len(merged.accounts)} account(s),"
          f" {len(merged.findings)} finding(s)")
    for line in closed_lines({c["target"]: c["reason"] for c in merged.closed}):
        print(line)
    for shard in merged.shards:
        if shard.problem:
            print(f"incomplete: {shard.problem}")
    for account, reason in merged.not_scanned.items():
        print(f"NOT SCANNED {account}: {reason}")
    if args.output_dir is not None:
        print(f"merged output: {args.output_dir.absolute()} ({manifest.NAME})")
    return status


def run_diff(args: argparse.Namespace) -> int:
    problem = _outputs(args.markdown)
    if problem:
        return _fail(problem)
    try:
        old, new = records.load(args.old), records.load(args.new)
    except records.FindingsError as exc:
        return _fail(str(exc))
    changes = diff.compare(old, new)
    text = diff.markdown(changes)
    if args.markdown:
        outputs.write_text_atomic(args.markdown.absolute(), text)
    else:
        print(text)
    if args.fail_on and diff.blocking(changes, args.fail_on):
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run_merge(args) if args.command == "merge" else run_diff(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
