"""Identity: password policies, root users, people, roles, policies and escalation paths.

management: the well-run account (passes nearly everything).
prod: the legacy account (admins by accident, old keys, public trust, busy root user).
dev: the sandbox, with one role per privilege-escalation family.

moto keeps no ``<root_account>`` report row, never sets ``AccountMFAEnabled``, never ages
credentials and lacks Access Advisor and ``ListOrganizationsFeatures``: the root state and
the dates are written into moto's in-process backend while seeding (the demo's moto server
runs in this process), and the two missing APIs are answered by ``GAPS``. docs/demo.md says
which.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_awscompliance.demo.gaps import DemoGapError
from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld
from pytest_awscompliance.facts.credential_report import FIELDS as REPORT_FIELDS

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
GITHUB = "token.actions.githubusercontent.com"

# One role per escalation family in dev: (family, method the demo shows, actions granted).
ESCALATION_ROLES = (
    ("iam-policy", "CreateNewPolicyVersion", ["iam:CreatePolicyVersion"]),
    ("iam-credentials", "CreateAccessKey", ["iam:CreateAccessKey"]),
    ("passrole-compute", "PassRole+AppRunnerCreateService",
     ["iam:PassRole", "apprunner:CreateService"]),
    ("lambda", "PassExistingRoleToNewLambdaThenInvoke",
     ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]),
    ("glue", "PassRole+GlueCreateDevEndpoint", ["iam:PassRole", "glue:CreateDevEndpoint"]),
    ("cloudformation", "PassExistingRoleToNewCloudFormation",
     ["iam:PassRole", "cloudformation:CreateStack"]),
    ("datapipeline", "PassExistingRoleToNewDataPipeline",
     ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]),
    ("codestar", "PassExistingRoleToNewCodeStarProject",
     ["iam:PassRole", "codestar:CreateProject"]),
    ("codebuild", "CodeBuildStartBuild", ["codebuild:StartBuild"]),
    ("ecs", "PassRole+ECS+RegisterTaskDef+CreateService",
     ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:CreateService"]),
    ("sagemaker", "PassRole+SageMakerCreateNotebookInstance",
     ["iam:PassRole", "sagemaker:CreateNotebookInstance"]),
    ("ssm", "SSMStartSession", ["ssm:StartSession"]),
    ("autoscaling", "PassRole+CreateAutoScaling",
     ["iam:PassRole", "autoscaling:CreateLaunchConfiguration",
      "autoscaling:CreateAutoScalingGroup"]),
    ("ec2", "CreateEC2WithExistingIP", ["iam:PassRole", "ec2:RunInstances"]),
    ("other", "AppRunnerUpdateService", ["apprunner:UpdateService"]),
)


def _ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _trust(principal: Any, action: str = "sts:AssumeRole", **extra: Any) -> str:
    return _policy({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


SERVICE_TRUST = {"Service": "ec2.amazonaws.com"}
PASSABLE_TO = ["lambda.amazonaws.com", "ec2.amazonaws.com", "tasks.apprunner.amazonaws.com",
               "glue.amazonaws.com", "cloudformation.amazonaws.com",
               "datapipeline.amazonaws.com", "codestar.amazonaws.com",
               "ecs-tasks.amazonaws.com", "sagemaker.amazonaws.com"]
"""Services ci-deploy-admin trusts: a role can only be passed to a service it trusts."""
OWN_CREDENTIALS = "arn:aws:iam::*:user/${aws:username}"


# --- moto's gaps: written into the in-process backend ---------------------------------------

def _backend(account: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account]["global"]


def _root(account: str, *, mfa: bool, keys: bool, **row: str) -> None:
    """Account-summary flags and a ``<root_account>`` credential report row."""
    iam = _backend(account)
    iam.account_summary._account_mfa_enabled = int(mfa)
    iam.account_summary._account_access_keys_present = int(keys)
    values = {field: "N/A" for field in REPORT_FIELDS}
    values.update(user="<root_account>", arn=f"arn:aws:iam::{account}:root",
                  user_creation_time=_stamp(900), password_enabled="not_supported",
                  password_last_changed="not_supported", password_next_rotation="not_supported",
                  mfa_active=str(mfa).lower(), access_key_1_active="false",
                  access_key_2_active="false", cert_1_active="false", cert_2_active="false")
    values.update(row)
    line = ",".join(values[field] for field in REPORT_FIELDS) + "\n"
    original = type(iam).get_credential_report
    iam.get_credential_report = lambda: original(iam).rstrip("\n") + "\n" + line


def _stamp(days: float) -> str:
    return _ago(days).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _age_user(account: str, name: str, created: float, password_used: float | None = None
              ) -> None:
    user = _backend(account).users[name]
    user.create_date = _ago(created)
    if password_used is not None:
        user.password_last_used = _ago(password_used)


def _age_key(account: str, user: str, *, rotated: float, used: float | None) -> None:
    key = _backend(account).users[user].access_keys[0]
    key.create_date = _ago(rotated)
    if used is not None:
        key.last_used = _ago(used)


def _age_role(account: str, name: str, created: float, used: float | None) -> None:
    role = _backend(account).get_role(name)
    role.create_date = _ago(created)
    if used is not None:
        role.last_used, role.last_used_region = _ago(used), "us-east-1"


# --- moto's gaps: answered through GAPS ------------------------------------------------------

def _service(namespace: str, used: float | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"ServiceName": namespace, "ServiceNamespace": namespace,
                             "TotalAuthenticatedEntities": int(used is not None)}
    if used is not None:
        entry["LastAuthenticated"] = _ago(used)
    return entry


ACCESS_ADVISOR: dict[str, list[tuple[str, float | None]]] = {
    f"arn:aws:iam::{MANAGEMENT}:user/alice": [("s3", 2), ("ec2", 10)],
    f"arn:aws:iam::{MANAGEMENT}:role/app-runtime": [("s3", 1), ("dynamodb", 3)],
    f"arn:aws:iam::{PROD}:user/ops-carol": [("ec2", 5), ("rds", None), ("redshift", 200)],
    f"arn:aws:iam::{PROD}:user/ci-bot": [("s3", 70), ("sts", 70)],
    f"arn:aws:iam::{PROD}:role/legacy-ops": [("ec2", None), ("s3", 300)],
}
"""Canned Access Advisor answers (days since last use; ``None`` = never) by principal ARN."""


def _job_id(arn: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, arn))


def _param(params: dict[str, Any], name: str) -> Any:
    """An API parameter from what a before-call hook sees (the query protocol's body)."""
    body = params.get("body")
    return body.get(name) if isinstance(body, dict) and name in body else params.get(name)


def _generate_last_accessed(account: str, region: str, params: dict[str, Any]
                            ) -> dict[str, Any]:
    return {"JobId": _job_id(str(_param(params, "Arn")))}


def _get_last_accessed(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    job = _param(params, "JobId")
    services = next((used for arn, used in ACCESS_ADVISOR.items() if _job_id(arn) == job), [])
    return {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL", "JobCreationDate": _ago(0),
            "JobCompletionDate": _ago(0), "IsTruncated": False,
            "ServicesLastAccessed": [_service(n, d) for n, d in services]}


def _organizations_features(account: str, region: str, params: dict[str, Any]
                            ) -> dict[str, Any]:
    if account != MANAGEMENT:
        raise DemoGapError("AccountNotManagementOrDelegatedAdministratorException",
                           "The request was made from a member account.")
    return {"OrganizationId": "o-demo", "EnabledFeatures": ["RootCredentialsManagement"]}


GAPS = {
    ("iam", "GenerateServiceLastAccessedDetails"): _generate_last_accessed,
    ("iam", "GetServiceLastAccessedDetails"): _get_last_accessed,
    ("iam", "ListOrganizationsFeatures"): _organizations_features,
}


# --- the accounts ----------------------------------------------------------------------------

def _password_policies(world: DemoWorld) -> None:
    # management: a policy that meets every password control (passes)
    world.client(MANAGEMENT, "iam").update_account_password_policy(
        MinimumPasswordLength=16, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        PasswordReusePrevention=24, MaxPasswordAge=90,
    )
    # prod: a weak policy (min length 8, numbers only, no reuse limit, no expiry): fails
    world.client(PROD, "iam").update_account_password_policy(
        MinimumPasswordLength=8, RequireNumbers=True,
    )
    # dev: no password policy at all (IAM's default of 8 characters): fails


def _mfa(iam: Any, user: str) -> None:
    serial = iam.create_virtual_mfa_device(
        VirtualMFADeviceName=f"{user}-phone")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")


def _management(world: DemoWorld) -> None:
    iam = world.client(MANAGEMENT, "iam")
    # root: hardware MFA, no keys, last used 40 days ago; central root access half on
    _root(MANAGEMENT, mfa=True, keys=False, password_last_used=_stamp(40))
    readonly = iam.create_policy(PolicyName="readonly-s3", PolicyDocument=_policy(
        _allow(["s3:GetObject", "s3:ListBucket", "ec2:Describe*"]),
        _allow("sts:AssumeRole", f"arn:aws:iam::{MANAGEMENT}:role/app-runtime"),
    ))["Policy"]["Arn"]
    # managing one's own keys and password is no escalation
    own = iam.create_policy(PolicyName="own-credentials", PolicyDocument=_policy(_allow(
        ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateLoginProfile"],
        OWN_CREDENTIALS)))["Policy"]["Arn"]
    iam.create_group(GroupName="developers")
    iam.attach_group_policy(GroupName="developers", PolicyArn=readonly)
    iam.attach_group_policy(GroupName="developers", PolicyArn=own)
    # alice: permissions through a group, console with MFA, a fresh key, all in use
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9!")
    _mfa(iam, "alice")
    iam.create_access_key(UserName="alice")
    _age_user(MANAGEMENT, "alice", created=200, password_used=3)
    _age_key(MANAGEMENT, "alice", rotated=20, used=1)
    # roles: a used workload role, an org-only trust and a pinned GitHub OIDC trust
    iam.create_role(RoleName="app-runtime", AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
    iam.attach_role_policy(RoleName="app-runtime", PolicyArn=readonly)
    _age_role(MANAGEMENT, "app-runtime", created=200, used=1)
    iam.create_role(RoleName="org-auditor", AssumeRolePolicyDocument=_trust(
        "*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-demo"}}))
    iam.create_role(RoleName="github-release", AssumeRolePolicyDocument=_trust(
        {"Federated": f"arn:aws:iam::{MANAGEMENT}:oidc-provider/{GITHUB}"},
        "sts:AssumeRoleWithWebIdentity",
        Condition={"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com",
                                    f"{GITHUB}:sub": "repo:acme/platform:ref:refs/heads/main"}}))


def _prod(world: DemoWorld) -> None:
    iam = world.client(PROD, "iam")
    # root: no MFA, an access key used two hours ago
    _root(PROD, mfa=False, keys=True, access_key_1_active="true",
          access_key_1_last_rotated=_stamp(700), access_key_1_last_used_date=_stamp(0.08))
    # ops-carol: AdministratorAccess through the admins group; console without MFA, password
    # never used since it was set 400 days ago, services unused for 90+ days
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=ADMIN)
    iam.create_user(UserName="ops-carol")
    iam.add_user_to_group(GroupName="admins", UserName="ops-carol")
    iam.create_login_profile(UserName="ops-carol", Password="Summer2024!")
    _age_user(PROD, "ops-carol", created=400)
    # ci-bot: a direct policy allowing sts:AssumeRole on every role; a key 200 days old,
    # last used 70 days ago; no MFA
    assume_any = iam.create_policy(PolicyName="assume-anything", PolicyDocument=_policy(
        _allow("sts:AssumeRole")))["Policy"]["Arn"]
    iam.create_user(UserName="ci-bot")
    iam.attach_user_policy(UserName="ci-bot", PolicyArn=assume_any)
    iam.create_access_key(UserName="ci-bot")
    _age_user(PROD, "ci-bot", created=300)
    _age_key(PROD, "ci-bot", rotated=200, used=70)
    # contractor-bob: an inline "*:*" policy of his own
    iam.create_user(UserName="contractor-bob")
    iam.put_user_policy(UserName="contractor-bob", PolicyName="temp-admin",
                        PolicyDocument=_policy(_allow("*:*")))
    # legacy-ops: a customer-managed full-admin policy; 500 days old and never used
    legacy = iam.create_policy(PolicyName="legacy-full-access", PolicyDocument=_policy(
        _allow("*")))["Policy"]["Arn"]
    iam.create_role(RoleName="legacy-ops", AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
    iam.attach_role_policy(RoleName="legacy-ops", PolicyArn=legacy)
    _age_role(PROD, "legacy-ops", created=500, used=None)
    iam.create_policy(PolicyName="s3-full", PolicyDocument=_policy(_allow("s3:*")))
    # partner-access: trusts every AWS principal, with no condition
    iam.create_role(RoleName="partner-access", AssumeRolePolicyDocument=_trust({"AWS": "*"}))


def _dev(world: DemoWorld) -> None:
    iam = world.client(DEV, "iam")
    # root credentials removed centrally (no password, no keys): the root controls pass
    _root(DEV, mfa=False, keys=False, password_enabled="false", password_last_used="N/A")
    # an admin role every escalation role below can pass (it trusts each launched service),
    # also held by an instance profile
    iam.create_role(RoleName="ci-deploy-admin", AssumeRolePolicyDocument=_trust(
        {"Service": PASSABLE_TO}))
    iam.attach_role_policy(RoleName="ci-deploy-admin", PolicyArn=ADMIN)
    iam.create_instance_profile(InstanceProfileName="ci-deploy-admin")
    iam.add_role_to_instance_profile(InstanceProfileName="ci-deploy-admin",
                                     RoleName="ci-deploy-admin")
    for family, _method, actions in ESCALATION_ROLES:
        name = f"privesc-{family}"
        arn = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=_policy(
            _allow(actions)))["Policy"]["Arn"]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    # dev-dave: may attach policies to users, but only in one region (conditional), and has
    # CloudShell full access
    iam.create_user(UserName="dev-dave")
    iam.put_user_policy(UserName="dev-dave", PolicyName="self-service", PolicyDocument=_policy(
        _allow("iam:AttachUserPolicy",
               Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})))
    iam.attach_user_policy(UserName="dev-dave", PolicyArn=CLOUDSHELL)
    _escalation_paths(iam)
    # github-deploy: any GitHub repository's workflow can assume it (no sub condition)
    iam.create_role(RoleName="github-deploy", AssumeRolePolicyDocument=_trust(
        {"Federated": f"arn:aws:iam::{DEV}:oidc-provider/{GITHUB}"},
        "sts:AssumeRoleWithWebIdentity",
        Condition={"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}}))


def _escalation_paths(iam: Any) -> None:
    """Paths of the escalation graph (docs/demo.md lists them)."""
    runner = f"arn:aws:iam::{DEV}:role/dev-ci-runner"
    # user/dev-hopper -> assume role/dev-ci-runner -> pass role/ci-deploy-admin to lambda
    iam.create_user(UserName="dev-hopper")
    iam.put_user_policy(UserName="dev-hopper", PolicyName="assume-ci", PolicyDocument=_policy(
        _allow("sts:AssumeRole", runner)))
    iam.create_role(RoleName="dev-ci-runner", AssumeRolePolicyDocument=_trust(
        {"AWS": f"arn:aws:iam::{DEV}:root"}))
    iam.put_role_policy(RoleName="dev-ci-runner", PolicyName="deploy", PolicyDocument=_policy(
        _allow("iam:PassRole", f"arn:aws:iam::{DEV}:role/ci-deploy-admin",
               Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        _allow(["lambda:CreateFunction", "lambda:InvokeFunction"])))
    # PutUserPolicy on its own user: definitely admin
    iam.create_user(UserName="dev-self-writer")
    iam.put_user_policy(UserName="dev-self-writer", PolicyName="own-policy",
                        PolicyDocument=_policy(_allow("iam:PutUserPolicy", OWN_CREDENTIALS)))
    # associate ci-deploy-admin's instance profile with an instance
    iam.create_role(RoleName="privesc-instance-profile",
                    AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
    iam.put_role_policy(RoleName="privesc-instance-profile", PolicyName="associate",
                        PolicyDocument=_policy(_allow(
                            ["iam:PassRole", "ec2:AssociateIamInstanceProfile"])))
    # only autoscaling:CreateAutoScalingGroup, no iam:PassRole: a new group from the existing
    # launch configuration dev-workers-lc (compute.py), which launches as ci-deploy-admin
    iam.create_role(RoleName="dev-fleet-scaler", AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
    iam.put_role_policy(RoleName="dev-fleet-scaler", PolicyName="scale",
                        PolicyDocument=_policy(_allow(["autoscaling:CreateAutoScalingGroup",
                                                       "autoscaling:Describe*"])))
    # PassRole + RunInstances limited to a role that trusts Lambda only: no path
    iam.create_role(RoleName="lambda-runtime", AssumeRolePolicyDocument=_trust(
        {"Service": "lambda.amazonaws.com"}))
    iam.create_role(RoleName="ec2-passer", AssumeRolePolicyDocument=_trust(SERVICE_TRUST))
    iam.put_role_policy(RoleName="ec2-passer", PolicyName="launch", PolicyDocument=_policy(
        _allow("iam:PassRole", f"arn:aws:iam::{DEV}:role/lambda-runtime"),
        _allow("ec2:RunInstances")))


def seed(world: DemoWorld) -> None:
    _password_policies(world)
    _management(world)
    _prod(world)
    _dev(world)
