"""The read-only guard refuses anything but reads, and reads of secrets, before sending."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import ServiceModel

from pytest_awscompliance.aws import readonly
from pytest_awscompliance.aws.readonly import decision_for, is_read_only
from pytest_awscompliance.aws.redact import REDACTED
from pytest_awscompliance.aws.sessions import base_session
from pytest_awscompliance.model.errors import ReadOnlyViolation
from tests.harness import MotoWorld


@pytest.mark.parametrize(
    ("service", "operation"),
    [("s3", "ListBuckets"), ("iam", "GetAccountPasswordPolicy"), ("ec2", "DescribeInstances"),
     ("s3", "HeadBucket"), ("iam", "GenerateCredentialReport"), ("iam", "GetCredentialReport"),
     ("inspector2", "BatchGetAccountStatus"), ("cloudtrail", "LookupEvents"),
     ("secretsmanager", "DescribeSecret"), ("secretsmanager", "ListSecrets"),
     ("ssm", "DescribeParameters"), ("organizations", "ListAccounts")],
)
def test_reads_are_allowed(service: str, operation: str) -> None:
    assert is_read_only(service, operation)


@pytest.mark.parametrize(
    ("service", "operation"),
    [("s3", "CreateBucket"), ("s3", "PutBucketPolicy"), ("iam", "CreateUser"),
     ("ec2", "RunInstances"), ("ec2", "ModifyInstanceMetadataOptions"),
     ("cloudtrail", "StopLogging"), ("iam", "UpdateAssumeRolePolicy"), ("iam", "TagRole"),
     ("s3", "DeleteBucket"), ("organizations", "LeaveOrganization"), ("lambda", "Invoke"),
     ("dynamodb", "Scan"), ("dynamodb", "Query"), ("s3", "SelectObjectContent"),
     ("nosuchservice", "ListThings"), ("s3", "GetNoSuchThing")],
)
def test_writes_are_refused(service: str, operation: str) -> None:
    assert not is_read_only(service, operation)


@pytest.mark.parametrize(
    ("service", "operation"),
    [("secretsmanager", "GetSecretValue"), ("secretsmanager", "BatchGetSecretValue"),
     ("ssm", "GetParameter"), ("ssm", "GetParameters"), ("ssm", "GetParametersByPath"),
     ("ssm", "GetParameterHistory"), ("sts", "GetSessionToken"),
     ("sts", "GetFederationToken"), ("ecr", "GetAuthorizationToken"),
     ("ecr-public", "GetAuthorizationToken"), ("ecr", "GetDownloadUrlForLayer"),
     ("cognito-identity", "GetCredentialsForIdentity"), ("cognito-identity", "GetOpenIdToken"),
     ("sso", "GetRoleCredentials"), ("lambda", "GetFunction"), ("s3", "GetObject"),
     ("redshift", "GetClusterCredentials"), ("lightsail", "GetInstanceAccessDetails"),
     ("rds", "DownloadDBLogFilePortion")],
)
def test_secret_reads_are_refused(service: str, operation: str) -> None:
    assert not is_read_only(service, operation)


def test_assume_role_only_for_the_scanner_itself() -> None:
    assert not is_read_only("sts", "AssumeRole")
    assert is_read_only("sts", "AssumeRole", scanner=True)
    assert not is_read_only("sts", "GetSessionToken", scanner=True)


def test_the_reason_names_the_sensitive_member() -> None:
    verdict = decision_for("secretsmanager", "BatchGetSecretValue")
    assert verdict.kind == "secret"
    assert "SecretValues[].SecretString" in verdict.reason


def test_every_exception_exists_in_the_models_and_is_needed() -> None:
    """An exception that the rules would allow anyway, or that botocore lacks, is a mistake."""
    for (service, operation), reason in readonly.EXCEPTIONS.items():
        model = readonly.service_model(service).operation_model(operation)
        assert reason
        verdict = readonly.decision(model)
        assert verdict.allowed and verdict.kind == "exception"
        needed_as_write = not readonly.READ_VERB.match(operation)
        assert needed_as_write or verdict.masks, f"{service}:{operation} needs no exception"


def _fake_model(output_sensitive: bool = False) -> Any:
    """A tiny service with one read that takes ``WithDecryption``."""
    value: dict[str, Any] = {"type": "string"}
    if output_sensitive:
        value["sensitive"] = True
    return ServiceModel({
        "metadata": {"protocol": "json", "apiVersion": "2020-01-01", "endpointPrefix": "fake",
                     "serviceId": "Fake", "signatureVersion": "v4", "targetPrefix": "Fake"},
        "operations": {"GetThing": {"name": "GetThing", "http": {"method": "POST",
                                                                  "requestUri": "/"},
                                    "input": {"shape": "In"}, "output": {"shape": "Out"}}},
        "shapes": {"In": {"type": "structure",
                          "members": {"Name": {"shape": "S"}, "WithDecryption": {"shape": "B"}}},
                   "Out": {"type": "structure", "members": {"Value": {"shape": "V"}}},
                   "S": {"type": "string"}, "B": {"type": "boolean"}, "V": value},
    }, service_name="fake").operation_model("GetThing")


def test_with_decryption_true_is_refused_in_any_operation_that_takes_it() -> None:
    model = _fake_model()
    readonly.check(model, {"Name": "x"})
    readonly.check(model, {"Name": "x", "WithDecryption": False})
    with pytest.raises(ReadOnlyViolation, match="WithDecryption=True"):
        readonly.check(model, {"Name": "x", "WithDecryption": True})


@pytest.mark.parametrize(("service", "operation", "params", "refused"), [
    ("apigateway", "GetApiKey", {"apiKey": "k"}, False),
    ("apigateway", "GetApiKey", {"apiKey": "k", "includeValue": True}, True),
    ("apigateway", "GetApiKeys", {"includeValues": True}, True),
    ("glue", "GetConnection", {"Name": "c"}, True),
    ("glue", "GetConnection", {"Name": "c", "HidePassword": False}, True),
    ("glue", "GetConnection", {"Name": "c", "HidePassword": True}, False),
    ("glue", "GetConnections", {"HidePassword": True}, False),
])
def test_parameters_that_reveal_secrets_are_refused(service: str, operation: str,
                                                     params: dict[str, Any],
                                                     refused: bool) -> None:
    model = readonly.service_model(service).operation_model(operation)
    if refused:
        with pytest.raises(ReadOnlyViolation, match="never reads secrets"):
            readonly.check(model, params)
    else:
        readonly.check(model, params)


def test_a_sensitive_member_refuses_the_read() -> None:
    assert readonly.decide(_fake_model()).allowed
    assert readonly.decide(_fake_model(output_sensitive=True)).kind == "secret"


def test_mask_sensitive_masks_nested_members() -> None:
    model = readonly.service_model("account").operation_model("GetAlternateContact")
    answer = {"AlternateContact": {"AlternateContactType": "SECURITY", "Name": "Sec",
                                   "EmailAddress": "sec@example.com", "Title": "",
                                   "PhoneNumber": "+1 555"}}
    readonly.mask_sensitive(answer, model.output_shape)
    assert answer == {"AlternateContact": {"AlternateContactType": "SECURITY", "Name": REDACTED,
                                           "EmailAddress": REDACTED, "Title": "",
                                           "PhoneNumber": REDACTED}}


def test_every_kept_member_is_sensitive_in_an_exception() -> None:
    """A kept member that is not sensitive, or in no exception's answer, is a stale entry."""
    found: set[str] = set()

    def collect(shape: Any, seen: frozenset[str] = frozenset()) -> None:
        if shape is None or shape.name in seen:
            return
        seen |= {shape.name}
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                if member.metadata.get("sensitive"):
                    found.add(f"{shape.name}.{name}")
                collect(member, seen)
        for child in ("member", "key", "value"):
            collect(getattr(shape, child, None), seen)

    for service, operation in readonly.EXCEPTIONS:
        collect(readonly.service_model(service).operation_model(operation).output_shape)
    assert "AlternateContact.EmailAddress" in found
    assert set(readonly.KEPT) <= found


def test_mask_sensitive_masks_at_any_depth_and_keeps_the_rest() -> None:
    model = readonly.service_model("organizations").operation_model("ListAccounts")
    answer = {"Accounts": [{"Id": "111111111111", "Name": "prod", "Email": "a@example.com"},
                           {"Id": "222222222222", "Email": ""}], "NextToken": "t"}
    readonly.mask_sensitive(answer, model.output_shape)
    assert answer == {"Accounts": [{"Id": "111111111111", "Name": "prod", "Email": REDACTED},
                                   {"Id": "222222222222", "Email": ""}], "NextToken": "t"}


def test_guarded_session_masks_an_exception_before_the_caller_sees_it(world: MotoWorld,
                                                                     ) -> None:
    world.client("123456789012", "organizations").create_organization(FeatureSet="ALL")
    guarded = base_session(region="us-east-1").client("organizations")
    accounts = guarded.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]
    assert accounts and all(a["Email"] == REDACTED and a["Name"] != REDACTED for a in accounts)
    assert all(a["Id"].isdigit() for a in accounts)
    organization = guarded.describe_organization()["Organization"]
    assert organization["MasterAccountEmail"] == REDACTED
    assert organization["MasterAccountId"] == "123456789012"


def test_guarded_session_refuses_secret_reads_and_sends_nothing(world: MotoWorld) -> None:
    world.client("123456789012", "secretsmanager").create_secret(Name="db", SecretString="pw")
    world.client("123456789012", "ssm").put_parameter(Name="p", Value="pw", Type="SecureString")
    session = base_session(region="us-east-1")
    sent: list[str] = []
    secrets = session.client("secretsmanager")
    ssm = session.client("ssm")
    for client in (secrets, ssm):
        client.meta.events.register("before-send", lambda event_name, **_: sent.append(event_name))
    with pytest.raises(ReadOnlyViolation, match="SecretValues"):
        secrets.batch_get_secret_value(SecretIdList=["db"])
    with pytest.raises(ReadOnlyViolation):
        secrets.get_secret_value(SecretId="db")
    with pytest.raises(ReadOnlyViolation):
        ssm.get_parameter_history(Name="p", WithDecryption=True)
    with pytest.raises(ReadOnlyViolation):
        ssm.get_parameters(Names=["p"])
    with pytest.raises(ReadOnlyViolation, match="assumes roles only for itself"):
        session.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/x",
                                          RoleSessionName="x")
    assert sent == []
    assert secrets.describe_secret(SecretId="db")["Name"] == "db"
    assert sent


def test_a_control_that_writes_errors_and_sends_nothing(pytester: pytest.Pytester,
                                                       world: MotoWorld) -> None:
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("sneaky-write", title="tries to write")
def test_write(aws):
    aws.client("s3").create_bucket(Bucket="created-by-a-control")
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refused s3:CreateBucket: pytest-awscompliance only reads*"])
    buckets = world.client("123456789012", "s3").list_buckets()["Buckets"]
    assert buckets == []


def test_a_control_that_reads_secrets_errors(pytester: pytest.Pytester, world: MotoWorld) -> None:
    world.client("123456789012", "secretsmanager").create_secret(
        Name="db", SecretString="canary-secret-value-0042")
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("sneaky-read", title="tries to read a secret")
def test_read(aws):
    aws.read("secretsmanager", "batch_get_secret_value", SecretIdList=["db"])
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*refused secretsmanager:BatchGetSecretValue: pytest-awscompliance never reads secrets*"])
    assert "canary-secret-value-0042" not in result.stdout.str()
