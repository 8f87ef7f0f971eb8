"""pytest-awscompliance: AWS security controls written as ordinary pytest tests."""

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.inventory.registry import ResourceType
from pytest_awscompliance.model.errors import AwsApiError, ReadOnlyViolation
from pytest_awscompliance.model.resources import Resource

__version__ = "0.1.0"

__all__ = ["AwsApiError", "AwsContext", "ReadOnlyViolation", "Resource", "ResourceType",
           "__version__"]
