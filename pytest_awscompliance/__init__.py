"""pytest-awscompliance: AWS security controls written as ordinary pytest tests."""

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.errors import AwsApiError, ReadOnlyViolation

__version__ = "0.1.0"

__all__ = ["AwsApiError", "AwsContext", "ReadOnlyViolation", "__version__"]
