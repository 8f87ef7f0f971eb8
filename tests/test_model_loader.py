"""The shared loader parses botocore's models into plain dicts, with the same content."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
from botocore.loaders import Loader

from pytest_awscompliance.aws.models import SharedLoader, drop_documentation


def _no_ordered_dicts(value: Any) -> bool:
    if isinstance(value, OrderedDict):
        return False
    if isinstance(value, dict):
        return all(_no_ordered_dicts(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_ordered_dicts(v) for v in value)
    return True


@pytest.mark.parametrize("service", ["ec2", "s3", "iam", "cloudtrail"])
def test_same_model_as_botocore_without_its_prose(service: str) -> None:
    ours = SharedLoader().load_service_model(service, "service-2")
    theirs = Loader().load_service_model(service, "service-2")
    assert isinstance(theirs["shapes"], OrderedDict)  # what botocore makes
    drop_documentation(theirs)
    assert ours == theirs
    assert list(ours["operations"]) == list(theirs["operations"])  # order kept
    assert _no_ordered_dicts(ours)


def test_endpoint_data_is_read_too() -> None:
    data = SharedLoader().load_data("endpoints")
    assert type(data) is dict and data["partitions"][0]["partition"] == "aws"
