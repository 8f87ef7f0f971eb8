"""The fixtures controls ask for: ``aws``, ``aws_account`` and one fixture per resource type.

The plugin parametrizes them at collection (see ``parametrize.py``); each fixture only
looks up what its parameter names.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.collect.state import inventory_of, runtime_of, settings_of
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.engine.runtime import Runtime, split_target
from pytest_awscompliance.inventory import RESOURCE_TYPES
from pytest_awscompliance.model.resources import (
    Bucket,
    InlinePolicy,
    Instance,
    LaunchConfiguration,
    LaunchTemplate,
    LogGroup,
    ManagedPolicy,
    Principal,
    Repository,
    Role,
    SecurityGroup,
    Trail,
    User,
    Vpc,
)
from pytest_awscompliance.settings.options import Settings


def _target_key(request: pytest.FixtureRequest) -> str:
    """The ``account/region[/name]`` key this test was parametrized with."""
    param = getattr(request, "param", None)
    if isinstance(param, str):
        return param
    params = getattr(request.node, "callspec", None)
    for name in (*RESOURCE_TYPES, "aws_account", "aws"):
        if params is not None and name in params.params:
            return params.params[name]
    raise pytest.UsageError(f"{request.node.nodeid} asks for an AWS fixture but was not "
                            "parametrized with a target")


def _runtime(request: pytest.FixtureRequest) -> Runtime:
    return runtime_of(request.config)


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> AwsContext:
    """The target of this test: account and region, ``client()``, ``read()``, ``paginate()``."""
    account, region = split_target(_target_key(request))
    return _runtime(request).context(account, region)


@pytest.fixture
def aws_account(request: pytest.FixtureRequest) -> AwsContext:
    """The account of this test, for settings checked once per account (region ``global``)."""
    account, _ = split_target(_target_key(request))
    return _runtime(request).context(account, GLOBAL)


@pytest.fixture
def aws_settings(request: pytest.FixtureRequest) -> Settings:
    """The validated options and ini thresholds of this run."""
    return settings_of(request.config)


def _resource(request: pytest.FixtureRequest, fixture: str) -> Any:
    return inventory_of(request.config).resource(fixture, request.param)


@pytest.fixture
def s3_bucket(request: pytest.FixtureRequest) -> Bucket:
    """Each S3 bucket of each account."""
    return _resource(request, "s3_bucket")


@pytest.fixture
def iam_user(request: pytest.FixtureRequest) -> User:
    """Each IAM user of each account."""
    return _resource(request, "iam_user")


@pytest.fixture
def iam_role(request: pytest.FixtureRequest) -> Role:
    """Each IAM role of each account."""
    return _resource(request, "iam_role")


@pytest.fixture
def iam_principal(request: pytest.FixtureRequest) -> Principal:
    """Each IAM user and role of each account (``user/<name>``, ``role/<name>``)."""
    return _resource(request, "iam_principal")


@pytest.fixture
def iam_inline_policy(request: pytest.FixtureRequest) -> InlinePolicy:
    """Each inline policy of each user, group and role (``role/<owner>/<policy>``)."""
    return _resource(request, "iam_inline_policy")


@pytest.fixture
def iam_policy(request: pytest.FixtureRequest) -> ManagedPolicy:
    """Each customer-managed IAM policy of each account."""
    return _resource(request, "iam_policy")


@pytest.fixture
def ec2_instance(request: pytest.FixtureRequest) -> Instance:
    """Each EC2 instance (not terminated) of each account and region."""
    return _resource(request, "ec2_instance")


@pytest.fixture
def security_group(request: pytest.FixtureRequest) -> SecurityGroup:
    """Each security group of each account and region."""
    return _resource(request, "security_group")


@pytest.fixture
def vpc(request: pytest.FixtureRequest) -> Vpc:
    """Each VPC of each account and region."""
    return _resource(request, "vpc")


@pytest.fixture
def launch_template(request: pytest.FixtureRequest) -> LaunchTemplate:
    """Each EC2 launch template of each account and region."""
    return _resource(request, "launch_template")


@pytest.fixture
def launch_configuration(request: pytest.FixtureRequest) -> LaunchConfiguration:
    """Each launch configuration an Auto Scaling group uses, per account and region."""
    return _resource(request, "launch_configuration")


@pytest.fixture
def ecr_repository(request: pytest.FixtureRequest) -> Repository:
    """Each private ECR repository of each account and region."""
    return _resource(request, "ecr_repository")


@pytest.fixture
def cloudtrail_trail(request: pytest.FixtureRequest) -> Trail:
    """Each CloudTrail trail, in its home region."""
    return _resource(request, "cloudtrail_trail")


@pytest.fixture
def log_group(request: pytest.FixtureRequest) -> LogGroup:
    """Each CloudWatch Logs group of each account and region."""
    return _resource(request, "log_group")
