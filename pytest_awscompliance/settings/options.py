"""Command-line options and ini settings, parsed once into a frozen ``Settings``.

Every option has an ini twin so a project can pin its scan in ``pytest.ini`` /
``pyproject.toml``; the command line wins over the ini file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_awscompliance.model.severity import LEVELS, parse_level
from pytest_awscompliance.settings import fleet_options, report_options, waiver_options
from pytest_awscompliance.settings.sharding import parse_shard

GROUP = "aws-compliance"
ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,128}$")


@dataclass(frozen=True)
class Tunable:
    """A control threshold or allow-list, set in the ini file (documented in docs/options.md)."""

    name: str
    help: str
    default: str | list[str]
    kind: str = "string"  # "string" or "linelist"


TUNABLES: tuple[Tunable, ...] = (
    Tunable("aws_log_archive_accounts", "account ids that hold the CloudTrail log archive", [],
            "linelist"),
    Tunable("aws_public_bucket_allowlist", "bucket names (globs) meant to be public", [],
            "linelist"),
    Tunable("aws_public_ecr_allowlist", "ECR Public repository names (globs) allowed", [],
            "linelist"),
    Tunable("aws_admin_role_allowlist", "role or user names (globs) allowed admin, e.g. "
            "break-glass", [], "linelist"),
    Tunable("aws_ecr_vulnerability_threshold", "lowest ECR finding severity that fails an image",
            "HIGH"),
    Tunable("aws_log_retention_days", "minimum CloudWatch Logs retention in days", "365"),
    Tunable("aws_environment_tag_key", "account tag key naming its environment", "Environment"),
    Tunable("aws_unused_access_days", "days after which an unused service permission fails",
            "90"),
    Tunable("aws_unused_credentials_days", "days after which an unused password or key fails",
            "45"),
    Tunable("aws_access_key_max_age_days", "maximum access key age in days", "90"),
    Tunable("aws_password_min_length", "minimum password length", "14"),
    Tunable("aws_password_reuse_prevention", "passwords remembered", "24"),
    Tunable("aws_password_max_age_days", "maximum password age in days", "90"),
    Tunable("aws_root_max_unused_days", "root must not have been used in this many days", "1"),
)


RETRY_MODES = ("standard", "adaptive")


@dataclass(frozen=True)
class Settings:
    """What the user asked for, validated."""

    profiles: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    role_name: str | None = None
    external_id: str | None = field(default=None, repr=False)  # a secret: never printed
    organization: bool = False
    regions: tuple[str, ...] = ()
    demo: bool = False
    severity_min: str | None = None
    frameworks: tuple[str, ...] = ()
    snapshot_save: str | None = None
    snapshot: str | None = None
    shard: tuple[int, int] | None = None
    retry_mode: str = "standard"
    lookahead: bool = True
    account_order: bool = True
    tunables: dict[str, Any] = field(default_factory=dict)

    @property
    def explicit_target(self) -> bool:
        """True when the command line or ini names the accounts to scan."""
        return bool(self.profiles or self.accounts or self.organization or self.demo)

    def tunable(self, name: str) -> Any:
        return self.tunables[name]

    def tunable_int(self, name: str) -> int:
        return int(self.tunables[name])


def fill_unset_tunables(settings: Settings, values: dict[str, Any]) -> None:
    """Give the tunables the ini file left at their defaults these values (an estate's own
    configuration, such as the demo's); a value the user set always wins."""
    defaults = {t.name: t.default for t in TUNABLES}
    for name, value in values.items():
        if settings.tunables.get(name) == defaults[name]:
            settings.tunables[name] = value


def add_options(parser: pytest.Parser) -> None:
    """Declare the plugin's options in one ``--help`` group, each with an ini twin."""
    group = parser.getgroup(GROUP, "AWS compliance (pytest-awscompliance)")
    group.addoption("--aws-profile", action="append", default=[], metavar="NAME",
                    help="scan the account of this AWS profile (repeatable). ini: aws_profiles")
    group.addoption("--aws-account", action="append", default=[], metavar="ID",
                    help="scan this account by assuming --aws-role-name in it (repeatable). "
                         "ini: aws_accounts")
    group.addoption("--aws-role-name", metavar="NAME",
                    help="role to assume in --aws-account / --aws-organization accounts. "
                         "ini: aws_role_name")
    group.addoption("--aws-external-id", metavar="ID",
                    help="external id passed when assuming --aws-role-name")
    group.addoption("--aws-organization", action="store_true", default=None,
                    help="scan every ACTIVE account of the caller's AWS Organization. "
                         "ini: aws_organization")
    group.addoption("--aws-region", action="append", default=[], metavar="NAME",
                    help="region to scan (repeatable); 'all' = every enabled region. "
                         "Default: the credential chain's region, else us-east-1. ini: aws_regions")
    group.addoption("--aws-demo", action="store_true", default=False,
                    help="scan the embedded, deliberately misconfigured demo organization "
                         "(moto; no credentials, no network)")
    group.addoption("--severity-min", metavar="LEVEL",
                    help=f"deselect controls below LEVEL ({', '.join(LEVELS)}). ini: severity_min")
    group.addoption("--aws-framework", action="append", default=[], metavar="NAME",
                    help="run only controls mapped to this framework, e.g. cis-aws-3.0 "
                         "(repeatable). ini: aws_frameworks")

    group.addoption("--aws-snapshot-save", metavar="PATH",
                    help="record every AWS answer of this run into PATH (replay with "
                         "--aws-snapshot)")
    group.addoption("--aws-snapshot", metavar="PATH",
                    help="run offline from a snapshot recorded with --aws-snapshot-save: no "
                         "credentials, no network")
    group.addoption("--aws-shard", metavar="K/N",
                    help="scan only shard K of N of the target accounts (CI matrix jobs). "
                         "ini: aws_shard")
    group.addoption("--aws-retry-mode", metavar="MODE",
                    help="botocore retry mode when AWS throttles: standard (default: back off "
                         "and retry, up to 8 times) or adaptive (also slows every later "
                         "request of a throttled client). ini: aws_retry_mode")

    group.addoption("--aws-no-lookahead", action="store_true", default=False,
                    help="run each bundled control only in its turn, not also ahead of it "
                         "for its first reads. ini: aws_lookahead = false")
    group.addoption("--aws-collection-order", action="store_true", default=False,
                    help="without xdist, run the tests in collection order (control by "
                         "control) instead of account by account (where an account's "
                         "clients go after its last test). ini: aws_account_order = false")

    parser.addini("aws_shard", "default for --aws-shard", default="")
    parser.addini("aws_lookahead", "run the bundled controls' first reads ahead "
                  "(--aws-no-lookahead turns it off)", type="bool", default=True)
    parser.addini("aws_account_order", "without xdist, run account by account "
                  "(--aws-collection-order turns it off)", type="bool", default=True)
    parser.addini("aws_retry_mode", "default for --aws-retry-mode", default="standard")
    parser.addini("aws_profiles", "default for --aws-profile", type="linelist", default=[])
    parser.addini("aws_accounts", "default for --aws-account", type="linelist", default=[])
    parser.addini("aws_role_name", "default for --aws-role-name", default="")
    parser.addini("aws_organization", "default for --aws-organization", type="bool",
                  default=False)
    parser.addini("aws_regions", "default for --aws-region", type="linelist", default=[])
    parser.addini("severity_min", "default for --severity-min", default="")
    parser.addini("aws_frameworks", "default for --aws-framework", type="linelist", default=[])
    waiver_options.add_options(parser, group)  # --compliance-waivers & co (waivers/options.py)
    report_options.add_options(parser, group)  # --compliance-json, --fail-on-severity
    fleet_options.add_options(parser, group)  # --compliance-output-dir & co (fleet/options.py)
    for tunable in TUNABLES:
        parser.addini(tunable.name, f"{tunable.help} (default: {tunable.default!r})",
                      type=tunable.kind, default=tunable.default)


def _pick(cli: Any, ini: Any) -> Any:
    return cli if cli not in (None, [], "") else ini


def source_of(config: pytest.Config, option: str, ini: str | None = None) -> str:
    """Where a value came from, for messages: ``--aws-account`` or ``ini aws_accounts``."""
    value = config.getoption(option.lstrip("-").replace("-", "_"))
    if ini is not None and value in (None, [], ""):
        return f"ini {ini}"
    return option


_ini_bool = fleet_options.ini_bool  # an ini boolean, or a usage error naming the key


def load_settings(config: pytest.Config) -> Settings:
    """Read options and ini values; raise ``pytest.UsageError`` naming the first bad one."""
    opt = config.getoption
    profiles = tuple(_pick(opt("aws_profile"), config.getini("aws_profiles")))
    accounts = tuple(_pick(opt("aws_account"), config.getini("aws_accounts")))
    role_name = _pick(opt("aws_role_name"), config.getini("aws_role_name")) or None
    organization = bool(opt("aws_organization")) or _ini_bool(config, "aws_organization")
    regions = tuple(_pick(opt("aws_region"), config.getini("aws_regions")))
    demo = bool(opt("aws_demo"))
    severity_min = _pick(opt("severity_min"), config.getini("severity_min")) or None
    if severity_min is not None:
        try:
            severity_min = parse_level(severity_min)
        except ValueError as exc:
            raise pytest.UsageError(f"--severity-min: {exc}") from None
    frameworks = tuple(_pick(opt("aws_framework"), config.getini("aws_frameworks")))
    tunables = {t.name: config.getini(t.name) for t in TUNABLES}
    shard_text = _pick(opt("aws_shard"), config.getini("aws_shard")) or None
    try:
        shard = parse_shard(shard_text) if shard_text else None
    except ValueError as exc:
        message = str(exc)
        if not opt("aws_shard"):
            message = message.replace("--aws-shard:", "ini aws_shard:", 1)
        raise pytest.UsageError(message) from None
    settings = Settings(
        profiles=profiles,
        accounts=accounts,
        role_name=role_name,
        external_id=opt("aws_external_id") or None,
        organization=organization,
        regions=regions,
        demo=demo,
        severity_min=severity_min,
        frameworks=frameworks,
        snapshot_save=opt("aws_snapshot_save") or None,
        snapshot=opt("aws_snapshot") or None,
        shard=shard,
        retry_mode=_pick(opt("aws_retry_mode"), config.getini("aws_retry_mode")) or "standard",
        lookahead=not opt("aws_no_lookahead") and _ini_bool(config, "aws_lookahead"),
        account_order=(not opt("aws_collection_order")
                       and _ini_bool(config, "aws_account_order")),
        tunables=tunables,
    )
    sources = {
        "accounts": source_of(config, "--aws-account", "aws_accounts"),
        "regions": source_of(config, "--aws-region", "aws_regions"),
        "role_name": source_of(config, "--aws-role-name", "aws_role_name"),
        "frameworks": source_of(config, "--aws-framework", "aws_frameworks"),
        "retry_mode": source_of(config, "--aws-retry-mode", "aws_retry_mode"),
    }
    validate(settings, sources)
    return settings


def validate(settings: Settings, sources: dict[str, str] | None = None) -> None:
    """Raise ``pytest.UsageError`` with one readable line for the first invalid value.

    ``sources`` names where a value came from (``ini aws_accounts``); default: its option.
    """
    fail = pytest.UsageError
    named = {"accounts": "--aws-account", "regions": "--aws-region",
             "role_name": "--aws-role-name", "frameworks": "--aws-framework",
             **(sources or {})}
    for account in settings.accounts:
        if not ACCOUNT_ID.match(account):
            raise fail(f"{named['accounts']}: {account!r} is not a 12-digit AWS account id")
    for region in settings.regions:
        if region != "all" and not REGION_NAME.match(region):
            raise fail(f"{named['regions']}: {region!r} is not a region name (e.g. eu-west-1) "
                       "or 'all'")
    if "all" in settings.regions and len(settings.regions) > 1:
        raise fail(f"{named['regions']}: 'all' cannot be combined with named regions")
    if (settings.accounts or settings.organization) and not settings.role_name:
        raise fail("--aws-account and --aws-organization need --aws-role-name")
    if settings.role_name and not ROLE_NAME.match(settings.role_name):
        raise fail(f"{named['role_name']}: {settings.role_name!r} is not a valid IAM role name")
    if not (settings.accounts or settings.organization):
        ignored = [name for name, value in ((named["role_name"], settings.role_name),
                                            ("--aws-external-id", settings.external_id))
                   if value]
        if ignored:
            raise fail(f"{' and '.join(ignored)} would be ignored: "
                       f"{'they are' if len(ignored) > 1 else 'it is'} only used with "
                       "--aws-account or --aws-organization (a profile's own account needs no "
                       "role)")
    for framework in settings.frameworks:
        if not framework.strip():
            raise fail(f"{named['frameworks']}: an empty framework name selects no control; "
                       "give a name such as cis-aws-3.0")
    if settings.organization and settings.accounts:
        raise fail("--aws-organization and --aws-account are exclusive: choose one")
    if settings.profiles and (settings.accounts or settings.organization):
        raise fail("--aws-profile scans each profile's own account and cannot be combined with "
                   "--aws-account or --aws-organization (to assume roles from a profile's "
                   "credentials, set AWS_PROFILE=NAME)")
    if settings.demo and (settings.profiles or settings.accounts or settings.organization):
        raise fail("--aws-demo scans the embedded demo organization and cannot be combined "
                   "with --aws-profile, --aws-account or --aws-organization")
    if settings.snapshot and (settings.explicit_target or settings.regions):
        raise fail("--aws-snapshot replays the accounts and regions it recorded and cannot be "
                   "combined with target options")
    if settings.snapshot and settings.snapshot_save:
        raise fail("--aws-snapshot and --aws-snapshot-save are exclusive")
    if settings.retry_mode not in RETRY_MODES:
        raise fail(f"{named.get('retry_mode', '--aws-retry-mode')}: {settings.retry_mode!r} "
                   f"is not one of {', '.join(RETRY_MODES)}")
    # --aws-snapshot-save's path is checked with the reports' (outputs.check_paths)
    for name in ("aws_ecr_vulnerability_threshold",):
        value = str(settings.tunables.get(name, "")).upper()
        if value not in {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}:
            raise fail(f"ini {name}: {value!r} is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, "
                       "CRITICAL")
    for tunable in TUNABLES:
        if tunable.kind == "string" and isinstance(tunable.default, str) \
                and tunable.default.isdigit():
            value = str(settings.tunables.get(tunable.name, ""))
            if not value.isdigit():
                raise fail(f"ini {tunable.name}: {value!r} is not a whole number of "
                           "days/characters")


def framework_problem(requested: tuple[str, ...], known: set[str],
                      source: str = "--aws-framework") -> str | None:
    """``--aws-framework`` names that no collected control maps to, as one line, or None."""
    lower = {name.lower() for name in known}
    unknown = [name for name in requested if name.lower() not in lower]
    if not unknown:
        return None
    return (f"{source}: unknown framework {', '.join(map(repr, unknown))}; the "
            f"collected controls map to {', '.join(sorted(known)) or 'no framework'}")
